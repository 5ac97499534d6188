import { isDeepStrictEqual } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connect } from '../database/connect.ts';
import { migrateToLatest } from '../database/migrations.ts';
import { schemaVersionOf } from '../domain/event-schema.ts';
import type { MealSoldData } from '../domain/sales/sale-events.ts';
import { type SupervisedSale, type SupervisionFact, supervisionFactOf } from '../domain/supervision/facts.ts';
import type { EventToAppend, JsonObject, Position } from '../event-store/port.ts';
import { comparePositions, positionFromString } from '../event-store/position.ts';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.ts';
import { schemaOf } from '../projections/runner/generations.ts';
import { ProjectionRunner } from '../projections/runner/projection-runner.ts';
import { rebuildProjection } from '../projections/runner/rebuild.ts';
import { TrackedSupervisionState } from '../projections/supervision/state-entries.ts';
import {
  forgetSupervisionStatesInMemory,
  observeSupervisionPages,
  type SupervisionPageCost,
  supervisionProjection,
} from '../projections/supervision/supervision.projection.ts';
import { readEntries } from '../projections/supervision/supervision.tables.ts';
import { startDurableServer } from './durable-server.ts';
import { median, perSecond } from './measure.ts';
import { CITY_MONTH, type CityMonthOptions, cityMonth } from './supervision.ts';

export interface SupervisionProjectionBenchOptions {
  readonly sizes: readonly (CityMonthOptions & { readonly name: string })[];
  /** Sales per second appended while the runner runs, one phase each. */
  readonly rates: readonly number[];
  readonly liveSeconds: number;
  readonly log: (line: string) => void;
}

const APPEND_CHUNK = 2000;
const POLL_MS = 100;

/**
 * The supervision projection through the embedded PostgreSQL (durable defaults): a generated month
 * (bench/supervision.ts) recorded as events, a rebuild over it, then the last facts of the month
 * appended live at steady rates while a runner keeps the projection up to date, as the service runs it.
 */
export async function benchSupervisionProjection(
  options: SupervisionProjectionBenchOptions,
): Promise<string> {
  const server = await startDurableServer();
  const sections: string[] = [];
  try {
    for (const size of options.sizes) {
      const databaseUrl = await server.database(`bench_supervision_${size.name.replace(/\W/g, '_')}`);
      sections.push(`### ${size.name}\n\n${await benchOne(databaseUrl, size, options)}`);
    }
  } finally {
    await server.stop();
  }
  return sections.join('\n\n');
}

async function benchOne(
  databaseUrl: string,
  size: CityMonthOptions & { readonly name: string },
  options: SupervisionProjectionBenchOptions,
): Promise<string> {
  const { log } = options;
  const connection = connect(databaseUrl, 10);
  await migrateToLatest(connection.db);
  const store = new PostgresEventStore(connection, { pollIntervalMs: 20 });
  const label = `supervision-projection ${size.name}`;

  // The month as events, in recorded order; the last facts are kept back for the live phases.
  const liveFacts = options.rates.reduce((sum, rate) => sum + Math.ceil(rate * options.liveSeconds * 1.2), 0);
  const kept: EventToAppend[] = [];
  let appended = 0;
  let chunks = 0;
  const writeStarted = performance.now();
  const flush = async (events: EventToAppend[]) => {
    chunks += 1;
    await store.append(`bench-supervision-${chunks}`, events, { expectedRevision: 'no-stream' });
    appended += events.length;
  };
  const sold = new Map<string, SupervisedSale>();
  let sales = 0;
  let voidsFirst = 0;
  for (const batch of cityMonth(size)) {
    for (const fact of batch.facts) {
      const event = eventOf(fact);
      if (!sameFact(event, fact, sold)) voidsFirst += 1;
      if (fact.type === 'sale') sales += 1;
      kept.push(event);
    }
    while (kept.length > liveFacts + APPEND_CHUNK) await flush(kept.splice(0, APPEND_CHUNK));
    if (batch.day % 10 === 0) log(`${label}: day ${batch.day}, ${appended.toLocaleString('en-US')} appended`);
  }
  sold.clear();
  if (kept.length > liveFacts) await flush(kept.splice(0, kept.length - liveFacts));
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  log(`${label}: ${appended.toLocaleString('en-US')} events appended in ${writeSeconds.toFixed(0)} s`);
  await connection.pool.query('VACUUM (ANALYZE) event_store.events');

  const rows: [string, string][] = [
    [
      'canteens, cards, sales in the month',
      `${size.canteens}, ${size.cards.toLocaleString('en-US')}, ${sales.toLocaleString('en-US')} (${voidsFirst} voids recorded before their offline sale, which the projection skips)`,
    ],
    [
      'events recorded before the rebuild (kept back for the live phases)',
      `${appended.toLocaleString('en-US')} (${kept.length.toLocaleString('en-US')})`,
    ],
  ];

  // (a) rebuild, pages of 5,000.
  const heapBefore = heapAfterGc();
  {
    const pages: SupervisionPageCost[] = [];
    const stop = observeSupervisionPages((cost) => pages.push(cost));
    const rss = sampleRss();
    const walBefore = await walLsn(connection.pool);
    const started = performance.now();
    await rebuildProjection(store, connection.db, supervisionProjection, { batchSize: 5000 });
    const seconds = (performance.now() - started) / 1000;
    const wal = await walBytesSince(connection.pool, walBefore);
    stop();
    const maxRss = rss.stop();
    const sum = (part: keyof SupervisionPageCost) =>
      pages.reduce((total, page) => total + page[part], 0) / 1000;
    log(`${label}: rebuilt in ${seconds.toFixed(1)} s`);
    rows.push(
      [
        'rebuild (pages of 5,000): rate, time',
        `${perSecond(appended / seconds)}, ${seconds.toFixed(1)} s over ${pages.length} pages`,
      ],
      [
        'rebuild: fold / changed entries to JSON / entries written / rows and load',
        `${sum('foldMs').toFixed(1)} / ${sum('serialiseMs').toFixed(1)} / ${sum('writeMs').toFixed(1)} / ${(sum('rowsMs') + sum('loadMs')).toFixed(1)} s`,
      ],
      [
        'rebuild: entries written, deleted (and days deleted whole), JSON written',
        `${summed(pages, 'entriesWritten')}, ${summed(pages, 'entriesDeleted')} (${summed(pages, 'daysDeleted')}), ${mb(summed(pages, 'writtenChars'))}`,
      ],
      ['rebuild: WAL written, process RSS at most', `${mb(wal)}, ${mb(maxRss)}`],
      ...(await stateRow(connection.pool)).map(
        ([name, value]) => [`after the rebuild: ${name}`, value] as [string, string],
      ),
      // Kept in memory for the live phases: measured as what the heap grew by, not by forgetting it.
      [
        'after the rebuild: heap held over the heap before it (the state kept in memory)',
        mb(heapAfterGc() - heapBefore),
      ],
    );
  }

  // The rebuild's aftermath settled before the live phases, so that they measure steady running:
  // its dead rows vacuumed, and a checkpoint, after which every page a phase touches first is
  // written whole to the WAL (full-page writes): the most a phase's WAL can be.
  {
    const started = performance.now();
    const walBefore = await walLsn(connection.pool);
    await connection.pool.query(
      `VACUUM (ANALYZE) ${await activeSchema(connection.pool)}.supervision_entries`,
    );
    await connection.pool.query('CHECKPOINT');
    rows.push([
      'after the rebuild: VACUUM of the entries and a CHECKPOINT: time, WAL',
      `${((performance.now() - started) / 1000).toFixed(1)} s, ${mb(await walBytesSince(connection.pool, walBefore))}`,
    ]);
  }

  // (b) live: steady appends while the runner runs.
  const runner = new ProjectionRunner(store, connection.db, [supervisionProjection], { log });
  runner.start();
  try {
    for (const rate of options.rates) {
      const count = Math.min(kept.length, Math.round(rate * options.liveSeconds));
      const facts = kept.splice(0, count);
      const phase = await livePhase(connection.pool, store, facts, rate, log);
      const name = `live at ${rate}/s`;
      rows.push(
        [
          `${name}: events appended, seconds behind (sale appended → checkpoint past it) median / p95 / max`,
          `${facts.length.toLocaleString('en-US')}, ${phase.lag.median.toFixed(1)} / ${phase.lag.p95.toFixed(1)} / ${phase.lag.max.toFixed(1)} s`,
        ],
        [
          `${name}: pages, events per page median / max`,
          `${phase.pages.length}, ${median(phase.pages.map((page) => page.events))} / ${Math.max(0, ...phase.pages.map((page) => page.events))}`,
        ],
        [
          `${name}: per page median: load / fold / rows / changed entries to JSON / entries written`,
          `${['loadMs', 'foldMs', 'rowsMs', 'serialiseMs', 'writeMs']
            .map(
              (part) =>
                `${median(phase.pages.map((page) => page[part as keyof SupervisionPageCost])).toFixed(0)}`,
            )
            .join(' / ')} ms`,
        ],
        [
          `${name}: entries written per page median / max, JSON written per minute`,
          `${median(phase.pages.map((page) => page.entriesWritten))} / ${Math.max(0, ...phase.pages.map((page) => page.entriesWritten))}, ${mb(summed(phase.pages, 'writtenChars') / phase.minutes)}`,
        ],
        [`${name}: WAL per minute, process RSS at most`, `${mb(phase.walPerMinute)}, ${mb(phase.maxRss)}`],
      );
      log(`${label}: ${name} done`);
    }
  } finally {
    await runner.stop();
  }
  rows.push(
    ...(await stateRow(connection.pool)).map(
      ([name, value]) => [`at the end: ${name}`, value] as [string, string],
    ),
    ['at the end: heap the state takes (freed by forgetting it)', mb(heapOfStatesInMemory())],
  );
  {
    // What a restart costs before the next page: the state read back from its entries.
    const started = performance.now();
    const schema = await activeSchema(connection.pool);
    await TrackedSupervisionState.fromStoredEntries(readEntries(connection.db, schema));
    rows.push([
      'a restart: the state read back from its entries',
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
    ]);
  }
  const { rows: alerts } = await connection.pool.query<{ kind: string; count: string }>(
    'SELECT kind, count(*) AS count FROM read_models.alerts GROUP BY kind ORDER BY kind',
  );
  rows.push([
    'alerts in the read model',
    alerts.map((row) => `${row.kind} ${row.count}`).join(', ') || 'none',
  ]);
  await connection.db.destroy();
  return [
    '| measure | value |',
    '| --- | --- |',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
  ].join('\n');
}

interface LivePhase {
  readonly lag: { median: number; p95: number; max: number };
  readonly pages: SupervisionPageCost[];
  readonly walPerMinute: number;
  readonly minutes: number;
  readonly maxRss: number;
}

/**
 * Appends the facts one event at a time at `rate` a second (not waiting for one append before the
 * next, as counters do not) and watches the projection's checkpoint: an event is visible once the
 * checkpoint has passed its position.
 */
async function livePhase(
  pool: ReturnType<typeof connect>['pool'],
  store: PostgresEventStore,
  events: readonly EventToAppend[],
  rate: number,
  log: (line: string) => void,
): Promise<LivePhase> {
  const pages: SupervisionPageCost[] = [];
  const stop = observeSupervisionPages((cost) => pages.push(cost));
  const rss = sampleRss();
  const walBefore = await walLsn(pool);
  const started = performance.now();
  const pending: { position: Position; at: number }[] = [];
  const lags: number[] = [];
  let checkpoint: Position | null = null;
  const look = async () => {
    const { rows } = await pool.query<{ position: string }>(
      `SELECT position FROM projections.generations WHERE name = 'supervision' AND state = 'active'`,
    );
    const now = performance.now();
    checkpoint = rows[0] ? positionFromString(rows[0].position) : null;
    for (let n = pending.length - 1; n >= 0; n -= 1) {
      const entry = pending[n] as (typeof pending)[number];
      if (checkpoint && comparePositions(entry.position, checkpoint) <= 0) {
        lags.push((now - entry.at) / 1000);
        pending.splice(n, 1);
      }
    }
  };
  const appends: Promise<void>[] = [];
  let next = 0;
  let lastLook = 0;
  while (next < events.length) {
    const due = started + (next / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, POLL_MS)));
    while (next < events.length && started + (next / rate) * 1000 <= performance.now()) {
      const event = events[next] as EventToAppend;
      next += 1;
      appends.push(
        store.append(`live-${event.id}`, [event], { expectedRevision: 'no-stream' }).then((result) => {
          pending.push({ position: result.position, at: performance.now() });
        }),
      );
    }
    if (performance.now() - lastLook >= POLL_MS) {
      lastLook = performance.now();
      await look();
    }
  }
  await Promise.all(appends);
  const appendSeconds = (performance.now() - started) / 1000;
  if (appendSeconds > (events.length / rate) * 1.1)
    log(`live at ${rate}/s: appending took ${appendSeconds.toFixed(0)} s, the rate was not kept`);
  // Until every event is visible (or two minutes more).
  const until = performance.now() + 120_000;
  while (pending.length > 0 && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    await look();
  }
  for (const entry of pending) lags.push((performance.now() - entry.at) / 1000);
  const minutes = (performance.now() - started) / 60_000;
  const wal = await walBytesSince(pool, walBefore);
  stop();
  const sorted = [...lags].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
  return {
    lag: { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? 0 },
    pages,
    walPerMinute: wal / minutes,
    minutes,
    maxRss: rss.stop(),
  };
}

/** The stored entries of the checks' state. */
async function stateRow(pool: ReturnType<typeof connect>['pool']): Promise<[string, string][]> {
  const schema = await activeSchema(pool);
  const { rows } = await pool.query<{ entries: string; text: string; table: string }>(
    `SELECT count(*) AS entries, coalesce(sum(length(value::text)), 0) AS text,
       pg_total_relation_size('${schema}.supervision_entries') AS table FROM ${schema}.supervision_entries`,
  );
  const row = rows[0];
  return [
    [
      'state: entries, their JSON, table with its index on disk',
      `${Number(row?.entries).toLocaleString('en-US')}, ${mb(Number(row?.text))}, ${mb(Number(row?.table))}`,
    ],
  ];
}

const collectGarbage = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

function heapAfterGc(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** The heap freed by forgetting the states the projection keeps in memory (read back on the next page). */
function heapOfStatesInMemory(): number {
  const before = heapAfterGc();
  forgetSupervisionStatesInMemory();
  return before - heapAfterGc();
}

const summed = <Page>(pages: readonly Page[], part: keyof Page) =>
  pages.reduce((total, page) => total + Number(page[part]), 0);

/** The schema of the supervision projection's active generation. */
async function activeSchema(pool: ReturnType<typeof connect>['pool']): Promise<string> {
  const { rows } = await pool.query<{ generation: number }>(
    `SELECT generation FROM projections.generations WHERE name = 'supervision' AND state = 'active'`,
  );
  return schemaOf('supervision', Number(rows[0]?.generation));
}

async function walLsn(pool: ReturnType<typeof connect>['pool']): Promise<string> {
  const { rows } = await pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  return rows[0]?.lsn as string;
}

async function walBytesSince(pool: ReturnType<typeof connect>['pool'], lsn: string): Promise<number> {
  const { rows } = await pool.query<{ bytes: string }>(
    'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn) AS bytes',
    [lsn],
  );
  return Number(rows[0]?.bytes);
}

/** The process's resident set, sampled every half second: `stop()` answers the largest. */
function sampleRss(): { stop: () => number } {
  let max = process.memoryUsage.rss();
  const timer = setInterval(() => {
    max = Math.max(max, process.memoryUsage.rss());
  }, 500);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, process.memoryUsage.rss());
    },
  };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

const METADATA = { actor: { type: 'system', component: 'bench' }, correlationId: 'bench' } as const;

/** The event a generated fact is read from (`supervisionFactOf` gives the fact back). */
function eventOf(fact: SupervisionFact): EventToAppend {
  const event = (id: string, type: string, data: object): EventToAppend => ({
    id,
    type,
    data: data as JsonObject,
    metadata: { ...METADATA, schemaVersion: schemaVersionOf(type) },
  });
  switch (fact.type) {
    case 'sale':
      return event(fact.sale.eventId, 'MealSold', mealSoldOf(fact.sale));
    case 'void':
      return event(fact.void.eventId, 'SaleVoided', {
        saleId: fact.void.saleId,
        reason: fact.void.reason,
        voidedAt: fact.void.voidedAt,
      });
    case 'canteen': {
      const { canteen } = fact;
      return event(canteen.eventId, 'CanteenRegistered', {
        canteenId: canteen.canteenId,
        details: {
          name: canteen.name,
          district: canteen.district,
          town: canteen.town,
          location: canteen.location,
          periods: canteen.periods,
          menu: [{ itemId: 'set-a', name: '套餐A', priceFen: 1500 }],
          closedDays: { weekdays: canteen.schedule.closedWeekdays, dates: canteen.schedule.closedDates },
        },
      });
    }
    case 'elder':
      return event(fact.elder.eventId, 'ElderRegistered', {
        elderId: fact.elder.elderId,
        profile: {
          name: '某某',
          birthDate: '1940-01-01',
          idNumber: { sealed: '', lookupHash: fact.elder.elderId, masked: '1201**********0000' },
          district: fact.elder.district,
          town: fact.elder.town,
          homeCanteenId: null,
          categories: [],
        },
      });
    case 'death':
      return event(fact.eventId, 'ElderDied', { elderId: fact.elderId, date: fact.date });
    case 'card-assigned':
      return event(fact.eventId, 'CardAssigned', {
        cardUid: fact.cardUid,
        elderId: fact.elderId,
        effectiveFrom: fact.from,
      });
    case 'card-retired':
      return event(fact.eventId, 'CardRetired', {
        cardUid: fact.cardUid,
        elderId: fact.elderId,
        effectiveFrom: fact.at,
      });
    case 'day-ended':
      return event('ffffffff-0000-4000-8000-000000000000', 'MonthClosed', { month: CITY_MONTH });
  }
}

function mealSoldOf(sale: SupervisedSale): MealSoldData {
  const price = 1500 as MealSoldData['totalFen'];
  return {
    saleId: sale.saleId,
    terminalId: sale.terminalId,
    terminalSeq: 0,
    cashierId: sale.cashierId,
    canteenId: sale.canteenId,
    occurredAt: sale.occurredAt,
    businessDate: sale.businessDate,
    period: sale.period,
    channel: 'dine-in',
    items: [{ itemId: 'set-a', name: '套餐A', unitPriceFen: price, qty: 1 }],
    totalFen: price,
    cardUid: sale.cardUid,
    elderId: sale.elderId,
    policyId: sale.elderId ? 'tianjin-like' : null,
    subsidyFen: sale.appliedSubsidyFen,
    elderPaysFen: (price - sale.appliedSubsidyFen) as MealSoldData['elderPaysFen'],
    lines:
      sale.reimbursableFen > 0
        ? [
            {
              ruleId: 'age-80',
              stackGroup: 'base',
              fen: sale.reimbursableFen,
              funding: [{ source: 'city-welfare-lottery', fen: sale.reimbursableFen }],
            },
          ]
        : [],
    excluded: [],
    reasons: sale.cardUid === null ? ['no-card'] : [],
    offline: sale.offline,
    payment: { method: 'cash' },
    fingerprint: sale.saleId,
    notice: null,
  };
}

/**
 * The event gives the checks the very fact it was made from (else the benchmark measures other work);
 * answers false for a void recorded before its sale (the generator's offline sales come late, their
 * voids do not), which the projection cannot map and skips.
 */
function sameFact(event: EventToAppend, fact: SupervisionFact, sold: Map<string, SupervisedSale>): boolean {
  if (fact.type === 'sale') sold.set(fact.sale.saleId, fact.sale);
  const read = supervisionFactOf(event, (saleId) => sold.get(saleId) ?? null);
  if (read === null && fact.type === 'void' && !sold.has(fact.void.saleId)) return false;
  if (!isDeepStrictEqual(read, fact))
    throw new Error(
      `the ${event.type} made of a ${fact.type} fact reads back otherwise: ${JSON.stringify(read)}`,
    );
  return true;
}
