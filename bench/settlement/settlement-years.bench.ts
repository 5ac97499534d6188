import type pg from 'pg';
import { connect } from '../../database/connect.ts';
import { migrateToLatest } from '../../database/migrations.ts';
import { lastDayOfMonth, type MonthKey } from '../../domain/time/calendar.ts';
import { positionFromString } from '../../event-store/position.ts';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.ts';
import { AggregateRepository } from '../../settlement-service/event-sourcing/aggregate-repository.ts';
import { SettlementIndex } from '../../settlement-service/settlement/settlement-index.ts';
import { SettlementService } from '../../settlement-service/settlement/settlement-service.ts';
import { computeSettlement } from '../../settlement-service/settlement/settlement-source.ts';
import { writeHistory } from '../../testkit/history.ts';
import { startDurableServer } from '../durable-server.ts';
import { median, timed } from '../measure.ts';

export interface SettlementYearsOptions {
  /** Meals in each month (default 50,000). */
  readonly mealsPerMonth: number;
  /** Months in the long store (default 36). */
  readonly months: number;
  readonly log: (line: string) => void;
}

const ELDERS = 2_000;
const CANTEENS = 50;
const actor = { actor: { type: 'system', component: 'bench' }, correlationId: 'bench' } as const;
const closer = { userId: 'bench', name: '测试' };
const NEW_SALES = 100;

/**
 * The same month settled in a store holding only it and in a store holding `months` equal months
 * (the months before it closed one by one): its close, its provisional view while open, and the
 * verification of one canteen. What each costs must not grow with the months before it. Both stores
 * are made first, then measured turn about, so that neither is measured colder than the other.
 */
export async function benchSettlementYears(options: SettlementYearsOptions): Promise<string> {
  const server = await startDurableServer();
  const stores: Prepared[] = [];
  try {
    for (const months of [1, options.months])
      stores.push(await prepare(server, `bench_years_${months}`, months, options));
    const [short, long] = stores as [Prepared, Prepared];
    const both = async (measure: (store: Prepared) => Promise<unknown>, rounds: number) => {
      const seconds: [number[], number[]] = [[], []];
      for (let round = 0; round < rounds; round++)
        for (const [n, store] of [short, long].entries())
          seconds[n]?.push((await timed(() => measure(store))).seconds);
      return seconds.map(median) as [number, number];
    };
    const firstView = await both((store) => store.service.view(store.last), 1);
    const repeatedView = await both((store) => store.service.view(store.last), 20);
    const carriedOnView = await both(async (store) => {
      await sellAgain(store.pool, store.last, NEW_SALES);
      return store.service.view(store.last);
    }, 5);
    const close = await both((store) => store.closeLast(), 1);
    const recompute = await both((store) => computeSettlement(store.index, store.last, store.cutoff()), 5);
    const verify = await both(async (store) => {
      const verified = await store.service.verifyClosed(store.last, store.canteenId());
      if (!verified.every((entry) => entry.matches && entry.figuresMatch))
        throw new Error(`${store.last} does not verify: ${JSON.stringify(verified)}`);
    }, 5);
    const row = (measure: string, [one, many]: [number, number], target: string) =>
      `| ${measure} | ${format(one)} | ${format(many)} | ${(many / one).toFixed(2)} | ${target} |`;
    return [
      `${options.mealsPerMonth.toLocaleString('en-US')} meals a month (${CANTEENS} canteens, ${ELDERS.toLocaleString('en-US')} elders), one in twenty voided; the long store holds ${options.months} such months (${long.events.toLocaleString('en-US')} events), the ${options.months - 1} before the last closed in order. The two stores are measured turn about.`,
      '',
      `| measure (the last month) | store of 1 month | store of ${options.months} months | ratio | target |`,
      '| --- | --- | --- | --- | --- |',
      row('close', close, 'ratio ≤ 1.2'),
      row('recompute at the cut-off (median of 5)', recompute, 'ratio ≤ 1.2'),
      row('provisional view, the first (the month folded from the index)', firstView, ''),
      row(
        `provisional view after ${NEW_SALES} new sales (the fold carried on, median of 5)`,
        carriedOnView,
        '< 200 ms',
      ),
      row('provisional view, nothing new since (median of 20)', repeatedView, '< 200 ms'),
      row('verify one canteen from the stored events (median of 5)', verify, '< 2 s'),
      '',
      `Writing the long store took ${long.writing.toFixed(0)} s, indexing it ${long.indexing.toFixed(0)} s (the live projection indexes sales as they come), closing the ${options.months - 1} months before ${long.closingBefore.toFixed(0)} s (${(long.closingBefore / Math.max(1, options.months - 1)).toFixed(1)} s each).`,
    ].join('\n');
  } finally {
    for (const store of stores) await store.connection.db.destroy();
    await server.stop();
  }
}

type Prepared = Awaited<ReturnType<typeof prepare>>;

/** A store of `monthCount` months, indexed, with every month but the last closed. */
async function prepare(
  server: Awaited<ReturnType<typeof startDurableServer>>,
  name: string,
  monthCount: number,
  options: SettlementYearsOptions,
) {
  const connection = connect(await server.database(name), 10);
  await migrateToLatest(connection.db);
  const store = new PostgresEventStore(connection);
  const months = monthsBefore('2026-10', monthCount);
  const last = months.at(-1) as MonthKey;
  const events = ELDERS * 3 + Math.round(options.mealsPerMonth * 2.1 * monthCount);
  const { seconds: writing } = await timed(() =>
    writeHistory(store, connection.pool, {
      events,
      elders: ELDERS,
      canteens: CANTEENS,
      months,
      log: options.log,
    }),
  );
  await connection.pool.query('VACUUM (ANALYZE) event_store.events');
  const index = new SettlementIndex(store, connection.db, 3_600_000);
  const { seconds: indexing } = await timed(async () => index.catchUpTo(await store.headPosition()));
  // Autovacuum analyses tables filled over a month; these were filled a minute ago.
  await connection.pool.query('ANALYZE');
  options.log(
    `settlement years: ${monthCount} months written in ${writing.toFixed(0)} s, indexed in ${indexing.toFixed(0)} s`,
  );
  let now = Date.parse(`${months[0]}-01T09:00:00+08:00`);
  const service = new SettlementService({
    store,
    index,
    repository: new AggregateRepository(store),
    now: () => now,
  });
  const closeAfter = (month: MonthKey) => {
    now = Date.parse(`${lastDayOfMonth(month)}T09:00:00+08:00`) + 86_400_000;
    return service.close(month, closer, null, actor);
  };
  const { seconds: closingBefore } = await timed(async () => {
    for (const month of months.slice(0, -1)) await closeAfter(month);
  });
  let closed: Awaited<ReturnType<typeof closeAfter>> | null = null;
  return {
    connection,
    pool: connection.pool,
    index,
    service,
    last,
    events,
    writing,
    indexing,
    closingBefore,
    async closeLast() {
      closed = await closeAfter(last);
    },
    cutoff: () => positionFromString((closed as NonNullable<typeof closed>).cutoff.position),
    canteenId: () => (closed as NonNullable<typeof closed>).canteens[0]?.canteenId,
  };
}

/** Records `count` more sales of the month: copies of sales already in it under new ids. */
async function sellAgain(pool: pg.Pool, month: MonthKey, count: number): Promise<void> {
  await pool.query(
    `INSERT INTO event_store.events (stream_id, stream_revision, event_id, event_type, data, metadata)
     SELECT 'sale-' || copy.sale_id, 0, gen_random_uuid(), 'MealSold',
            jsonb_set(copy.data, '{saleId}', to_jsonb(copy.sale_id)), copy.metadata
       FROM (SELECT data, metadata, gen_random_uuid()::text AS sale_id FROM event_store.events
              WHERE event_type = 'MealSold' AND data->>'businessDate' LIKE $1 LIMIT $2) AS copy`,
    [`${month}-%`, count],
  );
}

/** `count` months ending with the one before `until`. */
function monthsBefore(until: MonthKey, count: number): MonthKey[] {
  const [year, month] = until.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, n) => {
    const index = year * 12 + (month - 1) - count + n;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
}

function format(seconds: number): string {
  return seconds < 1 ? `${(seconds * 1000).toFixed(0)} ms` : `${seconds.toFixed(2)} s`;
}
