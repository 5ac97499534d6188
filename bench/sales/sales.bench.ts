import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { connect } from '../../database/connect.ts';
import { migrateToLatest } from '../../database/migrations.ts';
import { DEMO_POLICY } from '../../demo/demo-bureau.ts';
import { elderStream } from '../../domain/elders/elder.ts';
import { schemaVersionOf } from '../../domain/event-schema.ts';
import { nationalIdCheckCharacter } from '../../domain/identity/national-id.ts';
import { fen } from '../../domain/money.ts';
import { parsePolicyDocument } from '../../domain/policy/policy-document.ts';
import { addDays } from '../../domain/time/calendar.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import type { JsonObject } from '../../event-store/port.ts';
import type { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.ts';
import { ALL_PROJECTIONS } from '../../projections/all-projections.ts';
import { ProjectionRunner } from '../../projections/runner/projection-runner.ts';
import { type AppDependencies, createApp, createServices } from '../../settlement-service/app.ts';
import type { EventContext } from '../../settlement-service/event-sourcing/aggregate-repository.ts';
import { serve } from '../../testkit/http.ts';
import { startDurableServer } from '../durable-server.ts';
import { perSecond } from '../measure.ts';
import { serviceDependencies } from '../service-dependencies.ts';
import type { TerminalLoad, TerminalLoadResult } from './terminal-load.ts';

export interface SalesBenchOptions {
  /** Meals each elder has eaten before the run (recorded as decisions in the elder's stream). */
  readonly historyMeals?: number;
  readonly canteens: number;
  readonly eldersPerCanteen: number;
  readonly terminals: number;
  readonly seconds: number;
  readonly log: (line: string) => void;
}

const context: EventContext = { actor: { type: 'system', component: 'bench' }, correlationId: 'bench' };

/** Sales per second through the HTTP API on the durable embedded default, with latency percentiles. */
export async function benchSales(options: SalesBenchOptions): Promise<string> {
  const server = await startDurableServer();
  try {
    const connection = connect(await server.database('bench_sales'), 30);
    await migrateToLatest(connection.db);
    const deps = serviceDependencies(connection, options.log);
    const store = deps.eventStore;
    const tokens = await seed(deps, options);
    const history = options.historyMeals ? await seedHistory(store, options) : null;
    // The read models are kept in the same process, as the service does.
    const projections = new ProjectionRunner(store, connection.db, ALL_PROJECTIONS, { log: options.log });
    await projections.catchUp();
    projections.start();
    const app = await serve(createApp(deps));
    const elders = options.canteens * options.eldersPerCanteen;
    // A running service has each elder's snapshot from an earlier sale: quote every card once.
    const warmUp = history ? await quoteEveryCard(app.url, tokens[0] as string, elders) : null;
    const runLoad = async (paceMs: number) => {
      options.log(
        `sales: ${options.terminals} terminals selling for ${options.seconds} s, ${paceMs} ms between sales`,
      );
      const load: TerminalLoad = { url: app.url, tokens, cards: elders, seconds: options.seconds, paceMs };
      const worker = new Worker(new URL('./terminal-load-worker.mjs', import.meta.url), { workerData: load });
      const lag = sampleLag(projections);
      const [result] = (await once(worker, 'message')) as [TerminalLoadResult];
      const lags = (await lag.stop()).sort((a, b) => a - b);
      const latencies = [...result.latencies].sort((a, b) => a - b);
      const at = (q: number) =>
        latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
      return {
        rate: latencies.length / result.seconds,
        median: at(0.5),
        p99: at(0.99),
        sales: latencies.length,
        subsidised: result.subsidised,
        lagP99: lags[Math.min(lags.length - 1, Math.floor(0.99 * lags.length))] ?? 0,
        lagMax: lags.at(-1) ?? 0,
      };
    };
    const flatOut = await runLoad(0);
    const lunchPeak = await runLoad(1000);
    await app.close();
    await projections.stop();
    await connection.db.destroy();
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    const seconds = (value: number) => `${value.toFixed(2)} s`;
    return [
      '| measure | value | target |',
      '|---|---:|---:|',
      `| elders registered (with cards), canteens | ${elders.toLocaleString('en-US')}, ${options.canteens} | |`,
      ...(history && warmUp
        ? [
            `| each elder's earlier meals (a year of lunches), recorded in ${history.toFixed(0)} s | ${options.historyMeals} | |`,
            `| first quote of every card (each elder's stream folded once, its snapshot written) | ${warmUp.toFixed(1)} s (${perSecond(elders / warmUp)}) | |`,
          ]
        : []),
      `| sales/s, ${options.terminals} terminals as fast as answers come | ${perSecond(flatOut.rate)} | ≥ 2,000/s |`,
      `| latency median / p99 at that rate | ${ms(flatOut.median)} / ${ms(flatOut.p99)} | p99 < 50 ms |`,
      `| sales/s, ${options.terminals} terminals one sale a second each (lunch peak) | ${perSecond(lunchPeak.rate)} | |`,
      `| latency median / p99 at the lunch peak | ${ms(lunchPeak.median)} / ${ms(lunchPeak.p99)} | |`,
      `| read-model lag p99 / max while selling flat out (sampled every 250 ms) | ${seconds(flatOut.lagP99)} / ${seconds(flatOut.lagMax)} | p99 < 1 s |`,
      `| read-model lag p99 / max at the lunch peak | ${seconds(lunchPeak.lagP99)} / ${seconds(lunchPeak.lagMax)} | |`,
      `| sales recorded, of them subsidised | ${(flatOut.sales + lunchPeak.sales).toLocaleString('en-US')}, ${(flatOut.subsidised + lunchPeak.subsidised).toLocaleString('en-US')} | |`,
    ].join('\n');
  } finally {
    await server.stop();
  }
}

/** Registers the bureau through the services (not HTTP): a policy, canteens, elders with cards, terminals. */
async function seed(deps: AppDependencies, options: SalesBenchOptions): Promise<string[]> {
  const { registration } = createServices(deps);
  const policy = parsePolicyDocument({ ...DEMO_POLICY, caps: [{ per: 'day', max: 1 }] });
  if (!policy.ok) throw new Error('bench policy is invalid');
  await registration.registerPolicy(policy.policy, context);
  const periods = { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } };
  const menu = [{ itemId: 'set-a', name: '套餐', priceFen: fen(1200) }];
  const started = Date.now();
  await inParallel(options.canteens, 8, (canteen) =>
    registration.registerCanteen(
      `canteen-${canteen}`,
      {
        name: `食堂${canteen}`,
        district: `区${canteen % 16}`,
        town: `街道${canteen % 100}`,
        location: null,
        periods,
        menu,
      },
      null,
      context,
    ),
  );
  const elders = options.canteens * options.eldersPerCanteen;
  await inParallel(elders, 16, async (n) => {
    const canteen = n % options.canteens;
    // Unique per elder: region from the thousand, birth year and sequence from the rest.
    const first17 = `${110000 + Math.floor(n / 1000)}${1930 + (n % 35)}0101${String(n % 1000).padStart(3, '0')}`;
    await registration.registerElder(
      `elder-${n}`,
      {
        name: '测试老人',
        idNumber: `${first17}${nationalIdCheckCharacter(first17)}`,
        district: `区${canteen % 16}`,
        town: `街道${canteen % 100}`,
        homeCanteenId: `canteen-${canteen}`,
        categories: [],
      },
      null,
      context,
    );
    await registration.bindCard(`elder-${n}`, `BENCH${n}`, null, context);
  });
  options.log(
    `sales: registered ${options.canteens} canteens and ${elders} elders in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const tokens: string[] = [];
  for (let terminal = 0; terminal < options.terminals; terminal++) {
    const { token } = await registration.registerTerminal(
      `terminal-${terminal}`,
      `canteen-${terminal % options.canteens}`,
      context,
    );
    tokens.push(token);
  }
  return tokens;
}

/**
 * A year of lunches per elder, appended to the elders' streams as the sale path records them (each
 * decision with its sale): what the sale path would load for an elder with that history.
 */
async function seedHistory(store: PostgresEventStore, options: SalesBenchOptions): Promise<number> {
  const started = performance.now();
  const meals = options.historyMeals ?? 0;
  const elders = options.canteens * options.eldersPerCanteen;
  const firstDay = addDays(businessDateOf(Date.now()), -meals - 1);
  options.log(`sales: recording ${meals} earlier meals for each of ${elders} elders`);
  await inParallel(elders, 4, async (n) => {
    const elderId = `elder-${n}`;
    const events = Array.from({ length: meals }, (_, day) => {
      const businessDate = addDays(firstDay, day);
      const saleId = randomUUID();
      const lines = [
        {
          ruleId: 'age-80',
          stackGroup: 'base',
          fen: 300,
          funding: [
            { source: 'city-welfare-lottery', fen: 180 },
            { source: 'district-finance', fen: 120, locality: 'district' },
          ],
        },
      ];
      const sale = {
        saleId,
        terminalId: 'terminal-0',
        terminalSeq: day + 1,
        cashierId: null,
        canteenId: `canteen-${n % options.canteens}`,
        occurredAt: Date.parse(`${businessDate}T12:00:00+08:00`),
        businessDate,
        period: 'lunch',
        channel: 'dine-in',
        items: [{ itemId: 'set-a', name: '套餐', unitPriceFen: 1200, qty: 1 }],
        totalFen: 1200,
        cardUid: `BENCH${n}`,
        elderId,
        policyId: 'demo-2026',
        subsidyFen: 300,
        elderPaysFen: 900,
        lines,
        excluded: [],
        reasons: [],
        offline: false,
        payment: { method: 'cash' },
        fingerprint: randomUUID(),
        notice: null,
      };
      const data = { elderId, saleId, businessDate, period: 'lunch', lines, owedFen: 0, sale };
      return {
        id: randomUUID(),
        type: 'MealSubsidyDecided',
        data: data as unknown as JsonObject,
        metadata: { schemaVersion: schemaVersionOf('MealSubsidyDecided') },
      };
    });
    for (let start = 0; start < events.length; start += 500) {
      await store.append(elderStream(elderId), events.slice(start, start + 500), { expectedRevision: 'any' });
    }
  });
  return (performance.now() - started) / 1000;
}

/** Quotes a meal on every card, 16 at a time: answers the seconds it took. */
async function quoteEveryCard(url: string, token: string, elders: number): Promise<number> {
  const started = performance.now();
  await inParallel(elders, 16, async (n) => {
    const response = await fetch(`${url}/api/v1/sales/quote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        saleId: randomUUID(),
        terminalSeq: 1,
        occurredAt: new Date().toISOString(),
        channel: 'dine-in',
        cardUid: `BENCH${n}`,
        items: [{ itemId: 'set-a', qty: 1 }],
      }),
    });
    if (!response.ok) throw new Error(`quote: ${response.status} ${await response.text()}`);
  });
  return (performance.now() - started) / 1000;
}

/** Samples how far behind the slowest projection is, every 250 ms, until stopped. */
function sampleLag(projections: ProjectionRunner): { stop: () => Promise<number[]> } {
  const samples: number[] = [];
  let running = true;
  const sampling = (async () => {
    while (running) {
      const statuses = await projections.status();
      samples.push(Math.max(0, ...statuses.map((status) => status.secondsBehind)));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await sampling;
      return samples;
    },
  };
}

async function inParallel(
  count: number,
  lanes: number,
  work: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
