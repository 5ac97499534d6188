import { sql, type Transaction } from 'kysely';
import type { Alert } from '../../domain/supervision/alert.ts';
import type { AlertEvent } from '../../domain/supervision/alert-lifecycle.ts';
import { type SupervisedSale, supervisionFactOf, type VoidedSale } from '../../domain/supervision/facts.ts';
import { parseSupervisionSettings, type SupervisionSettings } from '../../domain/supervision/settings.ts';
import type { SupervisionSettingsEvent } from '../../domain/supervision/settings-register.ts';
import { applySupervisionFact } from '../../domain/supervision/supervision.ts';
import type { RecordedEvent } from '../../event-store/port.ts';
import { positionToString } from '../../event-store/position.ts';
import type { Projection } from '../runner/projection.ts';
import { TrackedSupervisionState } from './state-entries.ts';
import {
  createSupervisionTables,
  deleteDays,
  deleteEntries,
  readEntries,
  writeEntries,
} from './supervision.tables.ts';

/** The events the checks read, the thresholds, and the bureau's decisions on alerts. */
const FACT_EVENT_TYPES = [
  'MealSold',
  'SaleVoided',
  'CanteenRegistered',
  'CanteenChanged',
  'ElderRegistered',
  'ElderProfileChanged',
  'ElderDied',
  'CardAssigned',
  'CardRetired',
  'MonthClosed',
];

/**
 * 监管预警: runs every fraud check over the events in recorded order, live and on rebuild alike, so
 * the same events raise the same alerts with the same ids. Alerts are inserted once (the first
 * raising stands); `AlertRaised` (recorded when the bureau decides an alert) inserts the alert as
 * decided on, in case a rebuild under other thresholds no longer raises it; `AlertConfirmed` and
 * `AlertDismissed` set the status. The checks' state is kept entry by entry: a page writes the
 * entries it changed, and the position of the last event folded into the state, in its transaction
 * (so that the state is the same however the events were paged). The state is kept in memory too,
 * and used while the position stored says nobody else wrote since.
 */
export const supervisionProjection: Projection = {
  name: 'supervision',
  // 2: the state is kept as `json` (see supervision.tables.ts); 3: with the position it holds;
  // 4: explanations name canteens (the checks keep their names); 5: regular-counts keeps the card
  // meals too; 6: the void-rate-peers check keeps state of its own; 7: the state entry by entry.
  version: 7,
  eventTypes: [
    ...FACT_EVENT_TYPES,
    'SupervisionSettingsChanged',
    'AlertRaised',
    'AlertConfirmed',
    'AlertDismissed',
  ],
  tables: ['alerts', 'supervised_sales', 'supervision_state', 'supervision_entries'],
  createTables: createSupervisionTables,
  async apply(trx, schema, events) {
    const last = events.at(-1);
    if (last === undefined) return;
    const table = (name: string) => sql.id(schema, name);
    const clock = pageObserver ? new PageClock() : null;
    const kept = await loadState(trx, schema);
    clock?.lap('loadMs');
    const { tracked } = kept;
    let { settings } = kept;
    const pageSales = new Map<string, SupervisedSale>();
    const earlierSales = await salesVoidedIn(trx, schema, events);
    const raised: { alert: Alert; at: Date }[] = [];
    const decisions: AlertEvent[] = [];
    for (const event of events) {
      switch (event.type) {
        case 'SupervisionSettingsChanged':
          settings = settingsOf(event.data as unknown as SupervisionSettingsEvent['data']);
          continue;
        case 'AlertRaised':
          raised.push({ alert: (event.data as unknown as { alert: Alert }).alert, at: event.recordedAt });
          continue;
        case 'AlertConfirmed':
        case 'AlertDismissed':
          decisions.push({ type: event.type, data: event.data } as unknown as AlertEvent);
          continue;
      }
      const fact = supervisionFactOf(
        event,
        (saleId) => pageSales.get(saleId) ?? earlierSales.get(saleId) ?? null,
      );
      if (fact === null) continue;
      if (fact.type === 'sale') pageSales.set(fact.sale.saleId, fact.sale);
      const step = applySupervisionFact(tracked.state, fact, settings);
      for (const alert of step.alerts) raised.push({ alert, at: event.recordedAt });
    }
    clock?.lap('foldMs');
    const json = (rows: readonly object[]) => JSON.stringify(rows);
    if (pageSales.size > 0)
      await sql`
        INSERT INTO ${table('supervised_sales')} (sale_id, event_id, canteen_id, terminal_id, cashier_id, elder_id,
          business_date, occurred_ms, reimbursable_fen)
        SELECT * FROM json_to_recordset(${json([...pageSales.values()].map(saleRow))}::json) AS s(sale_id text,
          event_id text, canteen_id text, terminal_id text, cashier_id text, elder_id text, business_date date,
          occurred_ms bigint, reimbursable_fen bigint)
        ON CONFLICT (sale_id) DO NOTHING`.execute(trx);
    if (raised.length > 0)
      await sql`
        INSERT INTO ${table('alerts')} AS a (alert_id, kind, severity, canteen_id, elder_id, business_date, month,
          sale_ids, event_ids, explanation_zh, explanation_en, figures, raised_at)
        SELECT r.alert_id, r.kind, r.severity, r.canteen_id,
          (SELECT CASE WHEN count(DISTINCT s.elder_id) = 1 AND count(*) = count(s.elder_id) THEN min(s.elder_id) END
             FROM ${table('supervised_sales')} AS s
            WHERE s.sale_id IN (SELECT jsonb_array_elements_text(r.sale_ids))),
          r.business_date, r.month, r.sale_ids, r.event_ids, r.explanation_zh, r.explanation_en, r.figures, r.raised_at
        FROM json_to_recordset(${json(raised.map(alertRow))}::json) AS r(alert_id text, kind text, severity text,
          canteen_id text, business_date date, month text, sale_ids jsonb, event_ids jsonb, explanation_zh text,
          explanation_en text, figures jsonb, raised_at timestamptz)
        ON CONFLICT (alert_id) DO NOTHING`.execute(trx);
    for (const decision of decisions) {
      const { alertId, by, reason, at } = decision.data as Extract<
        AlertEvent,
        { type: 'AlertDismissed' }
      >['data'];
      const status = decision.type === 'AlertConfirmed' ? 'confirmed' : 'dismissed';
      const { numAffectedRows } = await sql`
        UPDATE ${table('alerts')} SET status = ${status}, decided_by = ${JSON.stringify(by)}::jsonb,
          decision_reason = ${reason}, decided_at = ${new Date(at)}
        WHERE alert_id = ${alertId}`.execute(trx);
      if (numAffectedRows === 0n) throw new Error(`alert ${alertId} was ${status} but never raised`);
    }
    clock?.lap('rowsMs');
    await saveState(
      trx,
      schema,
      { appliedThrough: positionToString(last.position), tracked, settings },
      clock,
    );
    if (clock) pageObserver?.({ events: events.length, ...clock.laps });
  },
};

/** What one page cost the supervision projection, in milliseconds (the benchmark reads it). */
export interface SupervisionPageCost {
  readonly events: number;
  /** Locking the state row, and reading it when the copy in memory is not the latest. */
  readonly loadMs: number;
  /** The checks over the page's events. */
  readonly foldMs: number;
  /** The page's sales, alerts and decisions written. */
  readonly rowsMs: number;
  /** The changed entries of the state turned into JSON. */
  readonly serialiseMs: number;
  /** The changed entries and the position written. */
  readonly writeMs: number;
  /** Entries of the state written and deleted, and days deleted whole. */
  readonly entriesWritten: number;
  readonly entriesDeleted: number;
  readonly daysDeleted: number;
  /** Characters of the JSON of the entries written. */
  readonly writtenChars: number;
}

type Lap = Exclude<
  keyof SupervisionPageCost,
  'events' | 'entriesWritten' | 'entriesDeleted' | 'daysDeleted' | 'writtenChars'
>;

let pageObserver: ((cost: SupervisionPageCost) => void) | null = null;

/** Tells `observer` what each page costs from now on, until the answered function is called. */
export function observeSupervisionPages(observer: (cost: SupervisionPageCost) => void): () => void {
  pageObserver = observer;
  return () => {
    if (pageObserver === observer) pageObserver = null;
  };
}

class PageClock {
  readonly laps = {
    loadMs: 0,
    foldMs: 0,
    rowsMs: 0,
    serialiseMs: 0,
    writeMs: 0,
    entriesWritten: 0,
    entriesDeleted: 0,
    daysDeleted: 0,
    writtenChars: 0,
  };
  private last = performance.now();
  lap(name: Lap): void {
    const now = performance.now();
    this.laps[name] += now - this.last;
    this.last = now;
  }
}

/**
 * The thresholds as recorded, with the defaults of settings added since filled in (a recorded
 * change holds every setting there was when it was made).
 */
function settingsOf(data: SupervisionSettingsEvent['data']): SupervisionSettings {
  const parsed = parseSupervisionSettings(data.settings);
  if (!parsed.ok)
    throw new Error(`recorded supervision settings no longer parse: ${JSON.stringify(parsed.issues)}`);
  return parsed.settings;
}

function saleRow(sale: SupervisedSale): object {
  return {
    sale_id: sale.saleId,
    event_id: sale.eventId,
    canteen_id: sale.canteenId,
    terminal_id: sale.terminalId,
    cashier_id: sale.cashierId,
    elder_id: sale.elderId,
    business_date: sale.businessDate,
    occurred_ms: sale.occurredAt,
    reimbursable_fen: sale.reimbursableFen,
  };
}

function alertRow({ alert, at }: { alert: Alert; at: Date }): object {
  return {
    alert_id: alert.alertId,
    kind: alert.kind,
    severity: alert.severity,
    canteen_id: alert.canteenId,
    business_date: alert.businessDate,
    month: alert.month,
    sale_ids: alert.saleIds,
    event_ids: alert.eventIds,
    explanation_zh: alert.explanation.zh,
    explanation_en: alert.explanation.en,
    figures: alert.figures,
    raised_at: at,
  };
}

/** The sales voided in the page that were sold before it, as the supervision read model keeps them. */
async function salesVoidedIn(
  trx: Transaction<unknown>,
  schema: string,
  events: readonly RecordedEvent[],
): Promise<Map<string, VoidedSale>> {
  const soldInPage = new Set<string>();
  const voided: string[] = [];
  for (const event of events) {
    const saleId = (event.data as { saleId?: string }).saleId;
    if (typeof saleId !== 'string') continue;
    if (event.type === 'MealSold') soldInPage.add(saleId);
    else if (event.type === 'SaleVoided' && !soldInPage.has(saleId)) voided.push(saleId);
  }
  const found = new Map<string, VoidedSale>();
  if (voided.length === 0) return found;
  const { rows } = await sql<{
    sale_id: string;
    event_id: string;
    canteen_id: string;
    terminal_id: string;
    cashier_id: string | null;
    elder_id: string | null;
    business_date: string;
    occurred_ms: string;
    reimbursable_fen: string;
  }>`
    SELECT sale_id, event_id, canteen_id, terminal_id, cashier_id, elder_id, business_date::text AS business_date,
      occurred_ms, reimbursable_fen
    FROM ${sql.id(schema, 'supervised_sales')} WHERE sale_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(voided)}::jsonb))`.execute(
    trx,
  );
  for (const row of rows)
    found.set(row.sale_id, {
      eventId: row.event_id,
      canteenId: row.canteen_id,
      terminalId: row.terminal_id,
      cashierId: row.cashier_id,
      elderId: row.elder_id,
      businessDate: row.business_date,
      occurredAt: Number(row.occurred_ms),
      reimbursableFen: Number(row.reimbursable_fen) as VoidedSale['reimbursableFen'],
    });
  return found;
}

interface KeptState {
  /** The position of the last event folded into the state; empty before the first. */
  readonly appliedThrough: string;
  readonly tracked: TrackedSupervisionState;
  readonly settings: SupervisionSettings;
}

/** Per generation schema, the state this process wrote last. */
const lastWritten = new Map<string, KeptState>();

/**
 * Forgets the states kept in memory, as a restart does: the next page reads its state back from the
 * stored entries.
 */
export function forgetSupervisionStatesInMemory(): void {
  lastWritten.clear();
}

/**
 * The checks' state, locked for the page. The copy in memory is taken out while the page is applied:
 * a page that fails part way leaves none behind, and the next one reads the row again.
 */
async function loadState(trx: Transaction<unknown>, schema: string): Promise<KeptState> {
  const table = sql.id(schema, 'supervision_state');
  const { rows } = await sql<{ applied_through: string }>`
    SELECT applied_through FROM ${table} FOR UPDATE`.execute(trx);
  const appliedThrough = rows[0]?.applied_through;
  const cached = lastWritten.get(schema);
  lastWritten.delete(schema);
  if (appliedThrough !== undefined && cached?.appliedThrough === appliedThrough) return cached;
  const stored = await sql<{ settings: SupervisionSettings }>`SELECT settings FROM ${table}`.execute(trx);
  const row = stored.rows[0];
  if (!row) throw new Error(`${schema}.supervision_state has no row`);
  const tracked = await TrackedSupervisionState.fromStoredEntries(readEntries(trx, schema));
  return { appliedThrough: appliedThrough ?? '', tracked, settings: row.settings };
}

/** The entries the page changed and the position it reached; the state kept in memory for the next page. */
async function saveState(
  trx: Transaction<unknown>,
  schema: string,
  kept: KeptState,
  clock: PageClock | null,
): Promise<void> {
  const { deletedDays, deleted, written } = kept.tracked.takeChanges();
  if (clock) {
    clock.laps.entriesWritten += written.length;
    clock.laps.entriesDeleted += deleted.length;
    clock.laps.daysDeleted += deletedDays.length;
    clock.laps.writtenChars += written.reduce((sum, entry) => sum + entry.json.length, 0);
  }
  clock?.lap('serialiseMs');
  await deleteDays(trx, schema, deletedDays);
  await deleteEntries(trx, schema, deleted);
  await writeEntries(trx, schema, written);
  await sql`
    UPDATE ${sql.id(schema, 'supervision_state')}
    SET applied_through = ${kept.appliedThrough}, settings = ${JSON.stringify(kept.settings)}::jsonb`.execute(
    trx,
  );
  clock?.lap('writeMs');
  lastWritten.set(schema, kept);
}
