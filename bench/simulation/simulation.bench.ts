import { connect } from '../../database/connect.ts';
import { migrateToLatest } from '../../database/migrations.ts';
import { parseProposal } from '../../domain/simulation/proposal.ts';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.ts';
import { catchUpTo } from '../../projections/runner/projection-runner.ts';
import { settlementIndexProjection } from '../../projections/settlement/settlement-index.projection.ts';
import { decisionInputsProjection } from '../../projections/simulation/decision-inputs.projection.ts';
import { simulateMonth } from '../../projections/simulation/simulate-month.ts';
import { writeHistory } from '../../testkit/history.ts';
import { startDurableServer } from '../durable-server.ts';
import { median, timed } from '../measure.ts';

export interface SimulationBenchOptions {
  /** Meals in the district month (default 30,000) and in the city month (default 1,000,000). */
  readonly districtMeals: number;
  readonly cityMeals: number;
  /** Months in the long store holding the district month among earlier ones (default 12). */
  readonly months: number;
  readonly log: (line: string) => void;
}

const MONTH = '2026-09';
/** Indexing a city's month at once takes minutes, not the seconds a simulation waits for a live index. */
const INDEXING_TIMEOUT_MS = 3_600_000;

/** A bureau's proposal: 80+ get 5 元 instead of 3, at most one a day and five a week; 1 元 per subsidised meal to canteens. */
const PROPOSAL = (() => {
  const parsed = parseProposal(MONTH, {
    name: '拟议:80周岁以上每餐5元',
    scope: 'citywide',
    offlineExcess: 'canteen-bears',
    rules: [
      {
        ruleId: 'age-80-raised',
        eligible: { minAge: 80 },
        periods: ['lunch', 'dinner'],
        benefit: { kind: 'fixed', fen: 500 },
        stackGroup: 'base',
        funding: [
          { source: 'city-welfare-lottery', shareBp: 6000 },
          { source: 'district-finance', shareBp: 4000, locality: 'district' },
        ],
      },
    ],
    caps: [
      { per: 'day', max: 1 },
      { per: 'week', max: 5 },
    ],
    operatingSubsidy: [{ kind: 'perSubsidisedMeal', fen: 100 }],
  });
  if (!parsed.ok) throw new Error(`the bench proposal is refused: ${JSON.stringify(parsed.issues)}`);
  return parsed.policy;
})();

type DurableServer = Awaited<ReturnType<typeof startDurableServer>>;

interface Prepared {
  readonly label: string;
  readonly meals: number;
  readonly events: number;
  readonly indexing: number;
  simulate(): Promise<number>;
  close(): Promise<void>;
}

/**
 * 政策测算 of a district month (in a store of that month alone, and among `months` such months) and of
 * a city month: the read models are built first (the live projections build them as sales come), then
 * the simulation is timed, cold and then the median of three.
 */
export async function benchSimulation(options: SimulationBenchOptions): Promise<string> {
  const server = await startDurableServer();
  try {
    const rows: string[] = [];
    const measure = async (prepared: Prepared) => {
      const cold = await timed(() => prepared.simulate());
      const warm: number[] = [];
      for (let run = 0; run < 3; run++) warm.push((await timed(() => prepared.simulate())).seconds);
      options.log(
        `simulation: ${prepared.label}: cold ${cold.seconds.toFixed(2)} s, warm ${median(warm).toFixed(2)} s`,
      );
      return { cold: cold.seconds, warm: median(warm), meals: cold.result };
    };
    // A district month of 0 meals leaves the district out (to measure the city alone).
    if (options.districtMeals > 0) {
      const district = { elders: 2_000, canteens: 40 };
      const short = await prepare(server, 'bench_simulation_district', 'district month alone', {
        ...district,
        meals: options.districtMeals,
        months: [MONTH],
        log: options.log,
      });
      const long = await prepare(server, 'bench_simulation_years', `district month among ${options.months}`, {
        ...district,
        meals: options.districtMeals * options.months,
        months: monthsEndingWith(MONTH, options.months),
        log: options.log,
      });
      // Measured turn about, so that neither is measured colder than the other.
      const shortFirst = await measure(short);
      const longFirst = await measure(long);
      const shortAgain = await measure(short);
      const longAgain = await measure(long);
      await short.close();
      await long.close();
      const districtWarm = Math.min(shortFirst.warm, shortAgain.warm);
      const longWarm = Math.min(longFirst.warm, longAgain.warm);
      rows.push(
        `| district month, ${shortFirst.meals.toLocaleString('en-US')} meals at ${district.canteens} canteens (store of ${short.events.toLocaleString('en-US')} events) | cold ${shortFirst.cold.toFixed(2)} s, then ${districtWarm.toFixed(2)} s | < 2 s |`,
        `| the same month in a store of ${options.months} such months (${long.events.toLocaleString('en-US')} events) | cold ${longFirst.cold.toFixed(2)} s, then ${longWarm.toFixed(2)} s (ratio ${(longWarm / districtWarm).toFixed(2)}) | ratio ≈ 1 |`,
        `| read models of the district month built (the live projections build them as sales come) | ${short.indexing.toFixed(1)} s | |`,
      );
    }
    const city = await prepare(server, 'bench_simulation_city', 'city month', {
      elders: 20_000,
      canteens: 1000,
      meals: options.cityMeals,
      months: [MONTH],
      log: options.log,
    });
    const cityFigures = await measure(city);
    await city.close();
    rows.push(
      `| city month, ${cityFigures.meals.toLocaleString('en-US')} meals at 1,000 canteens (store of ${city.events.toLocaleString('en-US')} events) | cold ${cityFigures.cold.toFixed(1)} s, then ${cityFigures.warm.toFixed(1)} s | < 60 s |`,
      `| read models of the city month built | ${city.indexing.toFixed(0)} s | |`,
    );
    return ['| measure | value | target |', '| --- | --- | --- |', ...rows].join('\n');
  } finally {
    await server.stop();
  }
}

async function prepare(
  server: DurableServer,
  database: string,
  label: string,
  size: {
    readonly elders: number;
    readonly canteens: number;
    readonly meals: number;
    readonly months: readonly string[];
    readonly log: (line: string) => void;
  },
): Promise<Prepared> {
  const connection = connect(await server.database(database), 10);
  await migrateToLatest(connection.db);
  const store = new PostgresEventStore(connection);
  const events = size.elders * 3 + size.canteens + Math.round(size.meals * 2.1);
  const { seconds: writing } = await timed(() => writeHistory(store, connection.pool, { ...size, events }));
  await connection.pool.query('VACUUM (ANALYZE) event_store.events');
  size.log(
    `simulation: ${label}: ${events.toLocaleString('en-US')} events written in ${writing.toFixed(0)} s`,
  );
  const head = await store.headPosition();
  const { seconds: indexing } = await timed(async () => {
    for (const projection of [settlementIndexProjection, decisionInputsProjection])
      await catchUpTo(store, connection.db, projection, head, {
        timeoutMs: INDEXING_TIMEOUT_MS,
        batchSize: 5000,
      });
  });
  size.log(`simulation: ${label}: read models built in ${indexing.toFixed(0)} s`);
  return {
    label,
    meals: size.meals,
    events,
    indexing,
    async simulate() {
      const result = await simulateMonth(store, connection.db, MONTH, PROPOSAL, {
        timeoutMs: INDEXING_TIMEOUT_MS,
      });
      if (result.proposed.subsidisedMeals === 0)
        throw new Error('the proposal subsidised nothing: the bench is not real');
      return result.baseline.mealsSold;
    },
    close: () => connection.db.destroy(),
  };
}

/** `count` months ending with `last`, oldest first. */
function monthsEndingWith(last: string, count: number): string[] {
  const [year, month] = last.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, index) => {
    const offset = year * 12 + (month - 1) - (count - 1 - index);
    return `${Math.floor(offset / 12)}-${String((offset % 12) + 1).padStart(2, '0')}`;
  });
}
