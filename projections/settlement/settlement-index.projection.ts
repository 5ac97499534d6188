import { sql, type Transaction } from 'kysely';
import type { ElderProfile } from '../../domain/elders/elder.ts';
import { maskName } from '../../domain/identity/national-id.ts';
import { SETTLEMENT_CHANGE_TYPES, settlementChangeOf } from '../../domain/settlement/settlement-change.ts';
import type { SettlementChange, SettlementElder } from '../../domain/settlement/settlement-types.ts';
import { monthKeyOf } from '../../domain/time/calendar.ts';
import type { RecordedEvent } from '../../event-store/port.ts';
import { upcastRecorded } from '../../event-store/upcast-recorded.ts';
import type { Projection } from '../runner/projection.ts';
import { createSettlementIndexTables } from './settlement-index.tables.ts';

const ELDER_FACT_TYPES = ['ElderRegistered', 'ElderProfileChanged', 'ElderDied'] as const;

/**
 * The settlement index (see `settlement-index.tables.ts`). A page becomes a few statements: its sales,
 * then its voids and confirmations placed under the month and canteen of the sales they change, its
 * elders' facts, its policies. Rows are keyed by the event's position, so a page applied twice adds
 * nothing.
 */
export const settlementIndexProjection: Projection = {
  name: 'settlement-index',
  version: 1,
  eventTypes: [...SETTLEMENT_CHANGE_TYPES, ...ELDER_FACT_TYPES, 'PolicyRegistered'],
  // Digest leaves are over the events as stored; the changes are read in the current shape.
  readsEventsAsStored: true,
  tables: ['settlement_changes', 'settlement_elders', 'settlement_policies'],
  createTables: createSettlementIndexTables,
  async apply(trx, schema, stored) {
    const sold: ChangeRow[] = [];
    const later: ChangeRow[] = [];
    const elders: RecordedEvent[] = [];
    const policies: object[] = [];
    for (const asStored of stored) {
      const change = settlementChangeOf(asStored);
      const event = upcastRecorded(asStored);
      if (change?.kind === 'sold') {
        const { sale } = change;
        sold.push(rowOf(event, change, monthKeyOf(sale.businessDate), sale.canteenId, sale.saleId));
      } else if (change) later.push(rowOf(event, change, null, null, null));
      else if (event.type === 'PolicyRegistered')
        policies.push({ ...positionOf(event), policy: (event.data as { policy: unknown }).policy });
      else elders.push(event);
    }
    const table = (name: string) => sql.id(schema, name);
    if (sold.length > 0) await insertChanges(trx, table('settlement_changes'), sold);
    if (later.length > 0) await insertPlacedChanges(trx, table('settlement_changes'), later);
    if (elders.length > 0) await insertElderFacts(trx, table('settlement_elders'), elders);
    if (policies.length > 0)
      await sql`
        INSERT INTO ${table('settlement_policies')} (commit_position, prepare_position, policy)
        SELECT commit_position, prepare_position, policy
          FROM jsonb_to_recordset(${JSON.stringify(policies)}::jsonb)
            AS incoming(commit_position bigint, prepare_position bigint, policy jsonb)
        ON CONFLICT DO NOTHING`.execute(trx);
  },
};

interface ChangeRow {
  readonly month: string | null;
  readonly canteen_id: string | null;
  readonly commit_position: string;
  readonly prepare_position: string;
  readonly kind: SettlementChange['kind'];
  readonly sale_id: string | null;
  /** The sales whose month and canteen place a void or a confirmation. */
  readonly sale_ids: readonly string[];
  readonly event_id: string;
  readonly stream: string;
  readonly change: SettlementChange;
}

function positionOf(event: RecordedEvent): { commit_position: string; prepare_position: string } {
  return {
    commit_position: event.position.commit.toString(),
    prepare_position: event.position.prepare.toString(),
  };
}

function rowOf(
  event: RecordedEvent,
  change: SettlementChange,
  month: string | null,
  canteenId: string | null,
  saleId: string | null,
): ChangeRow {
  return {
    month,
    canteen_id: canteenId,
    ...positionOf(event),
    kind: change.kind,
    sale_id: saleId,
    sale_ids: change.kind === 'voided' ? [change.saleId] : change.kind === 'confirmed' ? change.saleIds : [],
    event_id: event.id,
    stream: event.stream,
    change,
  };
}

const CHANGE_COLUMNS = sql.raw(`month text, canteen_id text, commit_position bigint, prepare_position bigint,
  kind text, sale_id text, sale_ids text[], event_id uuid, stream text, change jsonb`);

/** The columns of a change row, in the order both inserts give them. */
const INSERTED_COLUMNS = sql.raw(
  'month, canteen_id, commit_position, prepare_position, kind, sale_id, event_id, stream, change',
);

async function insertChanges(
  trx: Transaction<unknown>,
  table: ReturnType<typeof sql.id>,
  rows: readonly ChangeRow[],
): Promise<void> {
  await sql`
    INSERT INTO ${table} (${INSERTED_COLUMNS})
    SELECT ${INSERTED_COLUMNS}
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS incoming(${CHANGE_COLUMNS})
    ON CONFLICT DO NOTHING`.execute(trx);
}

/**
 * Voids and confirmations, each under every month and canteen of the sales it names (the sales are
 * indexed before: they are recorded before anything that changes them). A change naming no indexed
 * sale changes no month.
 */
async function insertPlacedChanges(
  trx: Transaction<unknown>,
  table: ReturnType<typeof sql.id>,
  rows: readonly ChangeRow[],
): Promise<void> {
  await sql`
    WITH incoming AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS incoming(${CHANGE_COLUMNS})
    )
    INSERT INTO ${table} (${INSERTED_COLUMNS})
    SELECT DISTINCT sale.month, sale.canteen_id, incoming.commit_position, incoming.prepare_position, incoming.kind,
           CASE WHEN incoming.kind = 'voided' THEN incoming.sale_ids[1] END, incoming.event_id, incoming.stream,
           incoming.change
      FROM incoming
      CROSS JOIN LATERAL unnest(incoming.sale_ids) AS named(sale_id)
      JOIN ${table} AS sale ON sale.sale_id = named.sale_id AND sale.kind = 'sold'
    ON CONFLICT DO NOTHING`.execute(trx);
}

/**
 * Each event's facts of its elder, from the elder's facts before it: in this page, or indexed (read
 * for all the page's elders in one query: a rebuild meets every registration).
 */
async function insertElderFacts(
  trx: Transaction<unknown>,
  table: ReturnType<typeof sql.id>,
  events: readonly RecordedEvent[],
): Promise<void> {
  const elderIds = [...new Set(events.map((event) => (event.data as { elderId: string }).elderId))];
  const { rows: indexed } = await sql<{ elder_id: string; facts: SettlementElder }>`
    SELECT DISTINCT ON (elder_id) elder_id, facts FROM ${table} WHERE elder_id = ANY(${elderIds}::text[])
     ORDER BY elder_id, commit_position DESC, prepare_position DESC`.execute(trx);
  const latest = new Map<string, SettlementElder | null>(indexed.map((row) => [row.elder_id, row.facts]));
  const rows: object[] = [];
  for (const event of events) {
    const { elderId } = event.data as { elderId: string };
    const before = latest.get(elderId) ?? null;
    let facts: SettlementElder | null;
    if (event.type === 'ElderDied') {
      const { date } = event.data as { date: string };
      facts = before && { ...before, diedOn: date };
    } else {
      const { profile } = event.data as unknown as { profile: ElderProfile };
      facts = {
        elderId,
        birthDate: profile.birthDate,
        diedOn: before?.diedOn ?? null,
        maskedName: maskName(profile.name),
        maskedIdNumber: profile.idNumber.masked,
      };
    }
    latest.set(elderId, facts);
    if (facts) rows.push({ elder_id: elderId, ...positionOf(event), facts });
  }
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${table} (elder_id, commit_position, prepare_position, facts)
    SELECT elder_id, commit_position, prepare_position, facts
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS incoming(elder_id text, commit_position bigint, prepare_position bigint, facts jsonb)
    ON CONFLICT DO NOTHING`.execute(trx);
}
