import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePrinter, startFakePrinter } from '../../pos-terminal/receipts/testing/fake-printer.ts';
import { SYNC_BATCH_SIZE } from '../../pos-terminal/sync/syncer.ts';
import { type RunningTerminal, startTerminal } from '../../pos-terminal/terminal.ts';
import {
  CASHIER_PIN,
  COUNTER_CARDS,
  counterSettings,
  decidedAllowances,
  recordedSales,
  setUpCounterBureau,
} from '../../testkit/counter-bureau.ts';
import { flakyNetwork } from '../../testkit/flaky-network.ts';
import { type ServiceProcess, serviceProcess } from '../../testkit/service-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/** Enough offline sales that the queue goes in three batches. */
const SALES = 2 * SYNC_BATCH_SIZE + 100;

/**
 * A canteen's network was down all lunch; when it is back the counter sends its queue in batches, and
 * the settlement service dies (SIGKILL: a crash, an OOM kill) while a batch is being recorded. After
 * the restart the counter sends again what it does not know to be recorded: every meal is recorded
 * once, with the subsidy the counter applied, and no elder's daily allowance is spent twice.
 */
describe('the settlement service killed in the middle of a terminal’s batch sync', () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let network: Awaited<ReturnType<typeof flakyNetwork>>;
  let printer: FakePrinter;
  let terminal: RunningTerminal;

  beforeAll(async () => {
    database = await createTestDatabase(4);
    service = await serviceProcess(database.connectionString);
    await service.start();
    network = await flakyNetwork({ host: '127.0.0.1', port: Number(new URL(service.url).port) });
    printer = await startFakePrinter();
  });
  afterAll(async () => {
    await terminal?.close();
    await printer?.close();
    await network?.close();
    await service?.stop('SIGKILL');
    await database?.drop();
  });

  it('records every queued sale exactly once after a SIGKILL mid-batch and a restart', async () => {
    const bureau = await setUpCounterBureau(service.url, service.adminToken);
    const settings = await counterSettings(network.url, bureau.token, bureau.terminalId, printer);
    terminal = await startTerminal(settings);
    expect(terminal.counter.state().online).toBe(true);
    terminal.counter.signIn(CASHIER_PIN);

    await network.set('down');
    const made = new Map<string, { cardUid: string | null; subsidyFen: number }>();
    for (let n = 0; n < SALES; n += 1) {
      // Mostly the eight elders' cards, in turn, and now and then a guest without a card.
      const cardUid = n % 9 === 8 ? null : (COUNTER_CARDS[n % COUNTER_CARDS.length] as string);
      const quote = await terminal.counter.quoteMeal({ cardUid, items: [{ itemId: 'set-a', qty: 1 }] });
      expect(quote.mode).toBe('offline');
      const sale = await terminal.counter.confirm(quote.quoteId, 'cash');
      made.set(sale.saleId, { cardUid, subsidyFen: quote.subsidyFen });
    }
    expect(terminal.counter.state().queued).toBe(SALES);

    // The network is back: the counter's next round sends the queue. Kill the service once the first
    // batch is answered and the second one is partly recorded.
    const countRecorded = async () => {
      const { rows } = await database.pool.query<{ count: string }>(
        `SELECT count(*) FROM event_store.events WHERE event_type = 'MealSold' AND data->>'terminalId' = $1`,
        [bureau.terminalId],
      );
      return Number(rows[0]?.count);
    };
    await network.set('up');
    for (const deadline = Date.now() + 60_000; (await countRecorded()) <= SYNC_BATCH_SIZE; ) {
      if (Date.now() > deadline) throw new Error('the second batch was not being recorded within 60 s');
    }
    await service.stop('SIGKILL');
    // Really in the middle: the terminal knows the first batch is recorded, the store holds part of
    // the second, and the rest of the queue is not recorded.
    const recordedAtKill = await countRecorded();
    expect(recordedAtKill).toBeLessThan(SALES);
    expect(terminal.counter.state().queued).toBeLessThanOrEqual(SALES - SYNC_BATCH_SIZE);
    expect(terminal.counter.state().queued).toBeGreaterThan(SALES - recordedAtKill);

    await service.start();
    await expect.poll(() => terminal.counter.state().queued, { timeout: 60_000, interval: 100 }).toBe(0);

    const recorded = await recordedSales(database.pool, bureau.terminalId);
    const ids = recorded.map((sale) => sale.saleId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(made.keys()));
    for (const sale of recorded) {
      const sold = made.get(sale.saleId);
      expect(sale, sale.saleId).toMatchObject({
        offline: true,
        cardUid: sold?.cardUid ?? null,
        subsidyFen: sold?.subsidyFen,
      });
    }
    // The counter counted its own sales for the caps: one subsidised meal per elder and day.
    expect(recorded.filter((sale) => sale.subsidyFen > 0).length).toBeGreaterThan(0);

    // Each elder's stream decided each of its card's meals once, and no day's allowance twice.
    const decisions = await decidedAllowances(database.pool, bureau.terminalId);
    const decided = decisions.map((decision) => decision.saleId);
    expect(new Set(decided).size).toBe(decided.length);
    expect(new Set(decided)).toEqual(
      new Set([...made].filter(([, sold]) => sold.cardUid !== null).map(([saleId]) => saleId)),
    );
    const reimbursedPerElderDay = new Map<string, number>();
    for (const decision of decisions) {
      if (decision.reimbursedFen === 0) continue;
      const key = `${decision.elderId} ${decision.businessDate}`;
      reimbursedPerElderDay.set(key, (reimbursedPerElderDay.get(key) ?? 0) + 1);
    }
    expect([...reimbursedPerElderDay.values()].every((count) => count === 1)).toBe(true);

    // The terminal's own view agrees: nothing refused, nothing left.
    expect(terminal.counter.recentSales(SALES).every((sale) => sale.state === 'recorded')).toBe(true);
  });
});
