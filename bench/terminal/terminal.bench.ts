import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from '../../database/connect.ts';
import { migrateToLatest } from '../../database/migrations.ts';
import { nationalIdCheckCharacter } from '../../domain/identity/national-id.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.ts';
import { ALL_PROJECTIONS } from '../../projections/all-projections.ts';
import { ProjectionRunner } from '../../projections/runner/projection-runner.ts';
import { createApp } from '../../settlement-service/app.ts';
import { PiiVault } from '../../settlement-service/security/pii-vault.ts';
import { adminCaller, COUNTER_CANTEEN, COUNTER_POLICY } from '../../testkit/counter-bureau.ts';
import { flakyNetwork } from '../../testkit/flaky-network.ts';
import { serve } from '../../testkit/http.ts';
import { startDurableServer } from '../durable-server.ts';
import { perSecond } from '../measure.ts';
import { startBenchCounter } from './bench-counter.ts';

export interface TerminalBenchOptions {
  /** Sales timed online and again offline. */
  readonly sales: number;
  /** Offline sales queued, then synced at once. */
  readonly queued: number;
  readonly elders: number;
  readonly log: (line: string) => void;
}

/** The counter tests' canteen and policy, `elders` elders with cards. */
async function seed(url: string, token: string, elders: number): Promise<string> {
  const admin = adminCaller(url, token);
  await admin('PUT', '/api/v1/policies/counter-2026', COUNTER_POLICY);
  await admin('PUT', '/api/v1/canteens/tc1', COUNTER_CANTEEN);
  for (let n = 1; n <= elders; n += 1) {
    const first17 = `120101${1930 + (n % 15)}0315${String(n % 1000).padStart(3, '0')}`;
    await admin('PUT', `/api/v1/elders/b${n}`, {
      name: '张三明',
      idNumber: `${first17}${nationalIdCheckCharacter(first17)}`,
      district: '和平区',
      town: '一街道',
      categories: [],
    });
    await admin('POST', `/api/v1/elders/b${n}/cards`, { cardUid: `B${String(n).padStart(7, '0')}` });
  }
  const terminal = await admin('PUT', '/api/v1/terminals/bench-t1', { canteenId: 'tc1' });
  return terminal.token as string;
}

/**
 * The counter, timed: from a card tap (the page asks for a quote) through the cashier's confirm to
 * the receipt's bytes at the printer, online and offline; then the time to sync a queue.
 */
export async function benchTerminal(options: TerminalBenchOptions): Promise<string> {
  const server = await startDurableServer();
  const connection = connect(await server.database('bench_terminal'), 20);
  await migrateToLatest(connection.db);
  const store = new PostgresEventStore(connection);
  const projections = new ProjectionRunner(store, connection.db, ALL_PROJECTIONS, { log: options.log });
  projections.start();
  const adminToken = randomBytes(16).toString('hex');
  const app = await serve(
    createApp({
      eventStore: store,
      log: options.log,
      adminToken,
      vault: new PiiVault(randomBytes(32)),
      tokenSecret: randomBytes(32),
      readModels: { db: connection.db, projections },
    }),
  );
  const token = await seed(app.url, adminToken, options.elders);
  await projections.catchUp();
  const network = await flakyNetwork({ host: '127.0.0.1', port: Number(new URL(app.url).port) });
  const counter = await startBenchCounter({ serviceUrl: network.url, token, terminalId: 'bench-t1' });
  const { terminal } = counter;

  let card = 0;
  const tapToReceipt = async (label: string) => {
    options.log(`terminal: ${options.sales} sales ${label}`);
    const latencies: number[] = [];
    for (let n = 0; n < options.sales; n += 1) {
      card = (card % options.elders) + 1;
      latencies.push(await counter.tap(`B${String(card).padStart(7, '0')}`));
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    return { median: at(0.5), p99: at(0.99) };
  };
  const online = await tapToReceipt('online');
  await network.set('down');
  await terminal.counter.syncer.syncOnce(); // the counter notices the network is gone
  const offline = await tapToReceipt('offline');

  options.log(`terminal: queueing ${options.queued} offline sales`);
  await terminal.counter.syncer.syncOnce();
  const outbox = terminal.counter.outbox;
  const queueStarted = performance.now();
  for (let n = 0; n < options.queued; n += 1) {
    card = (card % options.elders) + 1;
    const occurredAt = Date.now() - 60_000;
    outbox.addSale(
      {
        saleId: randomUUID(),
        terminalSeq: outbox.nextSeq(),
        occurredAt: new Date(occurredAt).toISOString(),
        channel: 'dine-in',
        cardUid: `B${String(card).padStart(7, '0')}`,
        items: [{ itemId: 'set-a', qty: 1 }],
        payment: { method: 'cash' },
        cashierId: 'c1',
        offline: true,
        appliedSubsidyFen: 0,
      },
      {
        items: [{ itemId: 'set-a', name: '荤素套餐', qty: 1, unitPriceFen: 1200 }],
        totalFen: 1200,
        subsidyFen: 0,
        elderPaysFen: 1200,
        maskedName: '张*明',
        elderId: `b${card}`,
        businessDate: businessDateOf(occurredAt),
        period: 'lunch',
        cashierName: '王丽',
      },
      Date.now(),
    );
  }
  const queueSeconds = (performance.now() - queueStarted) / 1000;
  const queued = outbox.unsent().length;
  options.log(`terminal: syncing ${queued} queued sales`);
  await network.set('up');
  const syncStarted = performance.now();
  await terminal.counter.syncer.syncOnce();
  const syncSeconds = (performance.now() - syncStarted) / 1000;
  const left = outbox.unsent().length;

  await counter.close();
  await network.close();
  await app.close();
  await projections.stop();
  await connection.db.destroy();
  await server.stop();

  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return [
    `One counter on the durable embedded default, the service and its read models in the same process;`,
    `the cashier page's two calls (quote on the tap, then the sale) over the terminal's local HTTP API,`,
    `timed until the receipt's bytes have reached a printer socket on 127.0.0.1. ${options.elders} elders.`,
    '',
    '| measure | median | p99 | target |',
    '| --- | --- | --- | --- |',
    `| card tap to receipt bytes, online (${options.sales} sales) | ${ms(online.median)} | ${ms(online.p99)} | < 300 ms |`,
    `| card tap to receipt bytes, offline (${options.sales} sales) | ${ms(offline.median)} | ${ms(offline.p99)} | < 100 ms |`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| queue ${queued.toLocaleString('en-US')} offline sales into the outbox (one fsync each) | ${queueSeconds.toFixed(1)} s |`,
    `| sync them (batches of 200, in order) | ${syncSeconds.toFixed(1)} s (${perSecond(queued / syncSeconds)}), ${left} left |`,
  ].join('\n');
}
