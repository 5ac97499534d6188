import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePrinter, startFakePrinter } from '../../pos-terminal/receipts/testing/fake-printer.ts';
import {
  CASHIER_PIN,
  COUNTER_CARDS,
  recordedSales,
  setUpCounterBureau,
} from '../../testkit/counter-bureau.ts';
import { flakyNetwork } from '../../testkit/flaky-network.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { terminalProcess, terminalSettingsFile } from '../support/terminal-process.ts';

/** A killed terminal process (a power cut) loses no sale it answered "done" for, and sends each once. */
describe('a counter terminal killed with sales in its outbox', () => {
  let service: TestService;
  let network: Awaited<ReturnType<typeof flakyNetwork>>;
  let printer: FakePrinter;
  beforeAll(async () => {
    service = await startTestService();
    network = await flakyNetwork({ host: '127.0.0.1', port: Number(new URL(service.url).port) });
    printer = await startFakePrinter();
  });
  afterAll(async () => {
    await printer?.close();
    await network?.close();
    await service?.close();
  });

  it('sends every sale made before SIGKILL exactly once after the restart', async () => {
    service.projections.start();
    const bureau = await setUpCounterBureau(service.url, service.adminToken);
    const { settingsFile, port } = await terminalSettingsFile(network.url, bureau, printer);

    let terminal = await terminalProcess(settingsFile, port);
    expect((await terminal.call('GET', '/api/state')).body.online).toBe(true);
    await network.set('down');
    expect((await terminal.call('POST', '/api/session', { pin: CASHIER_PIN })).status).toBe(200);
    const made: string[] = [];
    for (const cardUid of COUNTER_CARDS.slice(0, 3)) {
      const quote = await terminal.call('POST', '/api/quote', {
        cardUid,
        items: [{ itemId: 'set-a', qty: 1 }],
      });
      expect(quote.body).toMatchObject({ mode: 'offline', subsidyFen: 300 });
      const sale = await terminal.call('POST', '/api/sales', {
        quoteId: quote.body.quoteId,
        paymentMethod: 'cash',
      });
      expect(sale.status).toBe(201);
      made.push(sale.body.saleId);
    }
    await terminal.kill();

    await network.set('up');
    terminal = await terminalProcess(settingsFile, port);
    await expect
      .poll(async () => (await terminal.call('GET', '/api/state')).body.queued, { timeout: 20_000 })
      .toBe(0);
    // In the order made: different cards' sales of one batch may be recorded side by side.
    const recorded = (await recordedSales(service.database.pool, bureau.terminalId)).sort(
      (a, b) => a.terminalSeq - b.terminalSeq,
    );
    expect(recorded.map((sale) => sale.saleId)).toEqual(made);
    expect(recorded.map((sale) => [sale.offline, sale.subsidyFen])).toEqual(made.map(() => [true, 300]));
    // The sale numbers go on after the restart; none is reused. (The cashier signs in again.)
    expect((await terminal.call('POST', '/api/session', { pin: CASHIER_PIN })).status).toBe(200);
    const next = await terminal.call('GET', '/api/sales');
    expect(next.body.sales.map((sale: { seq: number }) => sale.seq)).toEqual([3, 2, 1]);
    await terminal.kill();
  });
});
