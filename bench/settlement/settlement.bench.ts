import os from 'node:os';
import { connect } from '../../database/connect.ts';
import { migrateToLatest } from '../../database/migrations.ts';
import { fen } from '../../domain/money.ts';
import { testPolicy } from '../../domain/policy/test-support.ts';
import { SettlementLedger } from '../../domain/settlement/settlement-ledger.ts';
import type { SettlementElder } from '../../domain/settlement/settlement-types.ts';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.ts';
import { AggregateRepository } from '../../settlement-service/event-sourcing/aggregate-repository.ts';
import { SettlementIndex } from '../../settlement-service/settlement/settlement-index.ts';
import { SettlementService } from '../../settlement-service/settlement/settlement-service.ts';
import { renderCanteenStatement } from '../../settlement-service/statements/canteen-statement.ts';
import { StatementPool } from '../../settlement-service/statements/statement-pool.ts';
import { writeHistory } from '../../testkit/history.ts';
import { startDurableServer } from '../durable-server.ts';
import { median, timed } from '../measure.ts';

export interface SettlementBenchOptions {
  /** Meals in the month (default 1,000,000 over 1,000 canteens). */
  readonly meals: number;
  readonly log: (line: string) => void;
}

const ELDERS = 20_000;
const CLOSE_AT = Date.parse('2026-10-15T09:00:00+08:00');
/** Indexing a city's month at once takes minutes, not the seconds a close waits for a live index. */
const INDEXING_TIMEOUT_MS = 3_600_000;

/** Closing September over a city's month of meals, every canteen's statement, and one large statement. */
export async function benchSettlement(options: SettlementBenchOptions): Promise<string> {
  const server = await startDurableServer();
  try {
    const connection = connect(await server.database('bench_settlement'), 10);
    await migrateToLatest(connection.db);
    const store = new PostgresEventStore(connection);
    // Each elder is registered with a card (three events); each meal is a MealSold and the elder's
    // MealSubsidyDecided, and one in twenty is voided (two more).
    const events = ELDERS * 3 + Math.round(options.meals * 2.1);
    const { seconds: writing } = await timed(() =>
      writeHistory(store, connection.pool, { events, elders: ELDERS, canteens: 1000, log: options.log }),
    );
    options.log(
      `settlement: history of ${events.toLocaleString('en-US')} events written in ${writing.toFixed(0)} s`,
    );
    // A month's events are written over the month and read by the live projections as they come, and
    // autovacuum has long visited them by the close: vacuumed now, the close does not pay for rows
    // written a minute ago (hint bits, visibility) nor race an autovacuum of two million rows.
    const { seconds: vacuuming } = await timed(() =>
      connection.pool.query('VACUUM (ANALYZE) event_store.events'),
    );
    options.log(`settlement: vacuumed in ${vacuuming.toFixed(0)} s`);
    // The live projection indexes the sales as they come through the month; here, all at once.
    const index = new SettlementIndex(store, connection.db, INDEXING_TIMEOUT_MS);
    const head = await store.headPosition();
    const { seconds: indexing } = await timed(() => index.catchUpTo(head));
    options.log(`settlement: index built in ${indexing.toFixed(0)} s`);
    const service = new SettlementService({
      store,
      index,
      repository: new AggregateRepository(store),
      now: () => CLOSE_AT,
    });
    // Made before the close: its workers load the code and the font while the month is read.
    const pool = new StatementPool();
    const { closed, closing, rendering } = await renderedAfterClosing(service, pool, options.log).finally(
      () => pool.close(),
    );
    const { seconds: verifying } = await timed(() =>
      service.verifyClosed('2026-09', closed.canteens[0]?.canteenId),
    );
    const large = await largeStatementSeconds();
    await connection.db.destroy();
    const meals = closed.totals.mealsSold;
    return [
      '| measure | value | target |',
      '| --- | --- | --- |',
      `| settlement index of the month's events built (the live projection does it as sales come) | ${indexing.toFixed(0)} s | |`,
      `| close a month: ${closed.totals.canteens.toLocaleString('en-US')} canteens, ${meals.toLocaleString('en-US')} meals (read from the index of ${events.toLocaleString('en-US')} events) | ${closing.toFixed(1)} s | |`,
      `| render every canteen's statement (${os.availableParallelism()} worker threads) | ${rendering.toFixed(1)} s (${((rendering / closed.canteens.length) * 1000).toFixed(0)} ms each) | |`,
      `| close and render, in all | ${(closing + rendering).toFixed(1)} s | < 60 s |`,
      `| verify one canteen (recompute the month at its cut-off) | ${verifying.toFixed(1)} s | |`,
      `| one canteen's statement with 5,000 meals (median of 5) | ${(large * 1000).toFixed(0)} ms | < 1 s |`,
    ].join('\n');
  } finally {
    await server.stop();
  }
}

/** Closes September and renders every canteen's statement on the pool, each timed. */
async function renderedAfterClosing(
  service: SettlementService,
  pool: StatementPool,
  log: (line: string) => void,
) {
  const actor = { actor: { type: 'system', component: 'bench' }, correlationId: 'bench' } as const;
  const { result: closed, seconds: closing } = await timed(() =>
    service.close('2026-09', { userId: 'bench', name: '测试' }, null, actor),
  );
  log(`settlement: closed in ${closing.toFixed(1)} s`);
  const { seconds: rendering } = await timed(() =>
    pool.render(
      closed.canteens.map((canteen) => ({
        bureauName: '民政局',
        canteenName: canteen.canteenId,
        month: closed.month,
        status: closed.status,
        cutoff: closed.cutoff,
        closedBy: closed.closedBy,
        steps: closed.steps,
        canteen,
      })),
    ),
  );
  return { closed, closing, rendering };
}

/** A canteen-month of 5,000 meals by 170 elders, rendered five times: the median. */
async function largeStatementSeconds(): Promise<number> {
  const ledger = new SettlementLedger('2026-09', []);
  const elders = new Map<string, SettlementElder>();
  for (let n = 0; n < 170; n++) {
    elders.set(`e${n}`, {
      elderId: `e${n}`,
      birthDate: '1940-01-01',
      diedOn: null,
      maskedName: '张*明',
      maskedIdNumber: '1201**********1234',
    });
  }
  for (let n = 0; n < 5000; n++) {
    const subsidy = fen(300);
    ledger.record({
      kind: 'sold',
      sale: {
        saleId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        canteenId: 'c1',
        businessDate: `2026-09-${String(1 + (n % 30)).padStart(2, '0')}`,
        elderId: `e${n % 170}`,
        subsidyFen: subsidy,
        lines: [
          { ruleId: 'age-80', stackGroup: 'base', fen: subsidy, funding: [{ source: 'city', fen: subsidy }] },
        ],
        excluded: [],
      },
      event: { eventId: `event-${n}`, leaf: n.toString(16).padStart(64, '0') },
    });
  }
  const { settlement } = ledger.settle({
    policies: [testPolicy({ operatingSubsidy: [{ kind: 'perElderDay', fen: 300 }] })],
    elders,
  });
  const canteen = settlement.canteens[0];
  if (!canteen) throw new Error('no canteen settled');
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const { seconds } = await timed(() =>
      renderCanteenStatement({
        bureauName: '民政局',
        canteenName: '幸福食堂',
        month: '2026-09',
        status: 'closed',
        cutoff: { position: '1/1', at: CLOSE_AT },
        closedBy: null,
        steps: {},
        canteen,
      }),
    );
    times.push(seconds);
  }
  return median(times);
}
