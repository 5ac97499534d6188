import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from '../../database/connect.ts';
import { migrateToLatest } from '../../database/migrations.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.ts';
import { PostgresSnapshotStore } from '../../event-store/snapshots/postgres-snapshot-store.ts';
import { ALL_PROJECTIONS } from '../../projections/all-projections.ts';
import { ProjectionRunner } from '../../projections/runner/projection-runner.ts';
import { createApp } from '../../settlement-service/app.ts';
import { PiiVault } from '../../settlement-service/security/pii-vault.ts';
import { adminCaller, COUNTER_CANTEEN, COUNTER_POLICY } from '../../testkit/counter-bureau.ts';
import { serve } from '../../testkit/http.ts';
import { idNumber } from '../../testkit/id-numbers.ts';
import { startDurableServer } from '../durable-server.ts';
import { perSecond } from '../measure.ts';
import { startBenchCounter } from '../terminal/bench-counter.ts';

export interface HistoryBenchOptions {
  /** Meals the long-history elder has eaten before the run (lunch and dinner, back from yesterday). */
  readonly meals: number;
  /** Sales and quotes timed for each elder, interleaved. */
  readonly interleaved: number;
  /** Offline sales of that elder's card queued at a counter, then synced. */
  readonly queued: number;
  readonly log: (line: string) => void;
}

const DAY_MS = 86_400_000;
const POLICY = {
  ...COUNTER_POLICY,
  caps: [
    { per: 'day', max: 1 },
    { per: 'week', max: 5 },
    { per: 'month', max: 20 },
  ],
};

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

/**
 * Years of history: an elder with `meals` recorded meals beside a new one, on the durable embedded
 * default with the read models running. The history is recorded through the batch API (how a bureau
 * imports it, or a terminal syncs it), timed per thousand to show whether a sale's cost grows with it.
 */
export async function benchHistory(options: HistoryBenchOptions): Promise<string> {
  const server = await startDurableServer();
  const connection = connect(await server.database('bench_history'), 20);
  await migrateToLatest(connection.db);
  const store = new PostgresEventStore(connection);
  const snapshots = new PostgresSnapshotStore(connection);
  const projections = new ProjectionRunner(store, connection.db, ALL_PROJECTIONS, { log: options.log });
  projections.start();
  const adminToken = randomBytes(16).toString('hex');
  const app = await serve(
    createApp({
      eventStore: store,
      snapshots,
      log: options.log,
      adminToken,
      vault: new PiiVault(randomBytes(32)),
      tokenSecret: randomBytes(32),
      readModels: { db: connection.db, projections },
    }),
  );
  const admin = adminCaller(app.url, adminToken);
  await admin('PUT', '/api/v1/policies/counter-2026', POLICY);
  await admin('PUT', '/api/v1/canteens/tc1', COUNTER_CANTEEN);
  for (const [elderId, cardUid, sequence] of [
    ['long', 'L0000001', '101'],
    ['fresh', 'F0000001', '202'],
  ] as const) {
    await admin('PUT', `/api/v1/elders/${elderId}`, {
      name: '张三明',
      idNumber: idNumber('1940-03-15', sequence),
      district: '和平区',
      town: '一街道',
      categories: [],
    });
    await admin('POST', `/api/v1/elders/${elderId}/cards`, { cardUid });
  }
  const { token } = await admin('PUT', '/api/v1/terminals/bench-t1', { canteenId: 'tc1' });
  let seq = 0;
  const sale = (cardUid: string, occurredAt: number, extra: object = {}) => ({
    saleId: randomUUID(),
    terminalSeq: ++seq,
    occurredAt: new Date(occurredAt).toISOString(),
    channel: 'dine-in',
    cardUid,
    items: [{ itemId: 'set-a', qty: 1 }],
    ...extra,
  });
  const send = async (pathname: string, body: unknown) => {
    const response = await fetch(`${app.url}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${pathname}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<{ results?: { status: number }[] }>;
  };

  // The history: lunch and dinner back from yesterday, oldest first, 200 sales a request.
  options.log(`history: recording ${options.meals} meals of one elder`);
  const firstDay = Date.now() - Math.ceil(options.meals / 2 + 1) * DAY_MS;
  const history = Array.from({ length: options.meals }, (_, n) =>
    sale('L0000001', firstDay + Math.floor(n / 2) * DAY_MS + (n % 2 === 0 ? 4 : 10) * 3_600_000),
  );
  const secondsPerThousand: number[] = [];
  let chunkFrom = 0;
  let chunkStarted = performance.now();
  const historyStarted = performance.now();
  for (let start = 0; start < history.length; start += 200) {
    const { results } = await send('/api/v1/sales/batch', { sales: history.slice(start, start + 200) });
    if (results?.some((result) => result.status >= 300)) throw new Error('a history sale was refused');
    const done = Math.min(start + 200, history.length);
    if (done - chunkFrom >= 1000 || done === history.length) {
      secondsPerThousand.push((performance.now() - chunkStarted) / (done - chunkFrom));
      chunkFrom = done;
      chunkStarted = performance.now();
    }
  }
  const historySeconds = (performance.now() - historyStarted) / 1000;

  // Sale and quote for each elder, interleaved, as the counter sends them (quote on the tap, then the sale).
  options.log(`history: ${options.interleaved} quotes and sales per elder, interleaved`);
  const timings = {
    long: { quote: [] as number[], sale: [] as number[] },
    fresh: { quote: [] as number[], sale: [] as number[] },
  };
  for (let n = 0; n < options.interleaved; n++) {
    for (const [elder, card] of [
      ['long', 'L0000001'],
      ['fresh', 'F0000001'],
    ] as const) {
      const body = sale(card, Date.now() - 1000);
      let started = performance.now();
      await send('/api/v1/sales/quote', body);
      timings[elder].quote.push(performance.now() - started);
      started = performance.now();
      await send('/api/v1/sales', body);
      timings[elder].sale.push(performance.now() - started);
    }
  }

  // A process that starts on this store: the first load reads the snapshot; with no snapshot (a store
  // recorded before them) it folds the whole stream once.
  const coldQuote = async () => {
    const fresh = await serve(
      createApp({
        eventStore: new PostgresEventStore(connection),
        snapshots,
        log: options.log,
        adminToken,
        vault: new PiiVault(randomBytes(32)),
        tokenSecret: randomBytes(32),
      }),
    );
    const started = performance.now();
    const response = await fetch(`${fresh.url}/api/v1/sales/quote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(sale('L0000001', Date.now() - 1000)),
    });
    await response.text();
    const elapsed = performance.now() - started;
    await fresh.close();
    return elapsed;
  };
  // Twice each: the first request of a process also pays for its caches and prepared statements.
  await coldQuote();
  const withSnapshot = await coldQuote();
  await connection.pool.query('DELETE FROM snapshots.heads');
  await connection.pool.query('DELETE FROM snapshots.parts');
  const withoutSnapshot = await coldQuote();

  // The counter: tap to receipt for the long-history elder, then a queue of that card synced.
  const counter = await startBenchCounter({ serviceUrl: app.url, token, terminalId: 'bench-t1' });
  const { terminal } = counter;
  options.log(`history: ${options.interleaved} taps of the long-history card at the counter`);
  const taps: number[] = [];
  for (let n = 0; n < options.interleaved; n++) taps.push(await counter.tap('L0000001'));

  options.log(`history: queueing ${options.queued} offline sales of the long-history card`);
  await terminal.counter.syncer.syncOnce();
  const outbox = terminal.counter.outbox;
  for (let n = 0; n < options.queued; n++) {
    const occurredAt = Date.now() - 3 * DAY_MS + n * 60_000;
    const body = sale('L0000001', occurredAt, {
      payment: { method: 'cash' },
      cashierId: 'c1',
      offline: true,
      appliedSubsidyFen: 300,
    });
    outbox.addSale(
      { ...body, terminalSeq: outbox.nextSeq() } as never,
      {
        items: [{ itemId: 'set-a', name: '荤素套餐', qty: 1, unitPriceFen: 1200 }],
        totalFen: 1200,
        subsidyFen: 300,
        elderPaysFen: 900,
        maskedName: '张*明',
        elderId: 'long',
        businessDate: businessDateOf(occurredAt),
        period: 'lunch',
        cashierName: '王丽',
      },
      Date.now(),
    );
  }
  const queued = outbox.unsent().length;
  const syncStarted = performance.now();
  await terminal.counter.syncer.syncOnce();
  const syncSeconds = (performance.now() - syncStarted) / 1000;
  const left = outbox.unsent().length;

  await counter.close();
  await app.close();
  await projections.stop();
  await connection.db.destroy();
  await server.stop();

  const ratio = (kind: 'quote' | 'sale', q: number) =>
    (quantile(timings.long[kind], q) / quantile(timings.fresh[kind], q)).toFixed(2);
  const row = (label: string, kind: 'quote' | 'sale') =>
    `| ${label} | ${ms(quantile(timings.long[kind], 0.5))} / ${ms(quantile(timings.long[kind], 0.99))} | ${ms(quantile(timings.fresh[kind], 0.5))} / ${ms(quantile(timings.fresh[kind], 0.99))} | ${ratio(kind, 0.5)} / ${ratio(kind, 0.99)} | ≤ 1.2 |`;
  return [
    `One service on the durable embedded default with its read models running; an elder with ${options.meals.toLocaleString('en-US')} recorded meals`,
    `(lunch and dinner back from yesterday) beside an elder with none, under caps per day, week and month.`,
    '',
    '| measure | long history: median / p99 | new elder: median / p99 | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    row(`quote (\`POST /api/v1/sales/quote\`), ${options.interleaved} each, interleaved`, 'quote'),
    row(`sale (\`POST /api/v1/sales\`), ${options.interleaved} each, interleaved`, 'sale'),
    '',
    '| measure | value | target |',
    '| --- | --- | --- |',
    `| recording the history through \`POST /api/v1/sales/batch\` (one card, 200 a request) | ${historySeconds.toFixed(1)} s (${perSecond(options.meals / historySeconds)}) | |`,
    `| the same, seconds per thousand meals as the history grows | ${secondsPerThousand.map((value) => value.toFixed(2)).join(', ')} | flat |`,
    `| card tap to receipt bytes at the counter, long-history elder, online (${options.interleaved} taps): median / p99 | ${ms(quantile(taps, 0.5))} / ${ms(quantile(taps, 0.99))} | p99 < 100 ms |`,
    `| ${queued.toLocaleString('en-US')} queued offline sales of that card synced by the counter | ${syncSeconds.toFixed(2)} s (${perSecond(queued / syncSeconds)}), ${left} left | ≥ 300/s |`,
    `| a new process's first quote for that elder, from its snapshot | ${ms(withSnapshot)} | |`,
    `| the same with no snapshot yet (a store recorded before them: the stream folded once) | ${ms(withoutSnapshot)} | |`,
  ].join('\n');
}
