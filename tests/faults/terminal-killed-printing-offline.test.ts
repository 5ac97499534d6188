import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../pos-terminal/receipts/escpos-decode.ts';
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

/**
 * The same power cut as in terminal-killed-printing.test.ts, while the counter sells offline: the
 * sale is fsynced to the outbox before the printer is asked, so it survives and is sent once, as an
 * offline sale with the subsidy the counter applied, when the network is back. Its receipt is only
 * put into the reprint queue when the printer fails within the time limit; a print cut off before
 * that is neither queued nor printed again unasked (it may already be in the elder's hand), and the
 * cashier reprints it from the sale list, marked 重印.
 */
describe('a counter terminal killed offline while a receipt is printing', () => {
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

  it('sends the offline sale once after the restart and prints its receipt once, on request', async () => {
    service.projections.start();
    const bureau = await setUpCounterBureau(service.url, service.adminToken);
    const { settingsFile, port } = await terminalSettingsFile(network.url, bureau, printer);
    const receiptsOf = (saleId: string) =>
      printer.jobs.map((job) => decodeEscPos(job)).filter((receipt) => receipt.qr.includes(saleId));

    let terminal = await terminalProcess(settingsFile, port);
    // Started online, so it holds the offline copy it decides from once the network is down.
    expect((await terminal.call('GET', '/api/state')).body.online).toBe(true);
    await network.set('down');
    expect((await terminal.call('POST', '/api/session', { pin: CASHIER_PIN })).status).toBe(200);
    const quote = await terminal.call('POST', '/api/quote', {
      cardUid: COUNTER_CARDS[0],
      items: [{ itemId: 'set-a', qty: 1 }],
    });
    expect(quote.body).toMatchObject({ mode: 'offline', subsidyFen: 300 });
    const saleId: string = quote.body.quoteId;

    // The printer takes the connection and hangs. Once the sale is in the terminal's list (its
    // outbox) and the printer holds a connection, the receipt is on its way and not yet queued:
    // the confirmation has not been answered, which happens only once the print is given up on.
    await printer.setMode('silent');
    const connectionsBefore = printer.connections;
    let answered = false;
    const confirming = terminal.call('POST', '/api/sales', { quoteId: saleId, paymentMethod: 'cash' }).then(
      () => {
        answered = true;
      },
      () => undefined,
    );
    const listedIds = async (): Promise<string[]> =>
      (await terminal.call('GET', '/api/sales')).body.sales.map((sale: { saleId: string }) => sale.saleId);
    await expect
      .poll(async () => printer.connections > connectionsBefore && (await listedIds()).includes(saleId), {
        timeout: 10_000,
        interval: 20,
      })
      .toBe(true);
    expect(answered).toBe(false);
    await terminal.kill();
    await confirming;
    expect(answered).toBe(false);
    expect(receiptsOf(saleId)).toHaveLength(0);

    await printer.setMode('ready');
    await network.set('up');
    terminal = await terminalProcess(settingsFile, port);
    await expect
      .poll(async () => (await terminal.call('GET', '/api/state')).body.queued, { timeout: 20_000 })
      .toBe(0);
    const recorded = await recordedSales(service.database.pool, bureau.terminalId);
    expect(recorded.map((sale) => [sale.saleId, sale.offline, sale.subsidyFen])).toEqual([
      [saleId, true, 300],
    ]);
    expect((await terminal.call('POST', '/api/session', { pin: CASHIER_PIN })).status).toBe(200);
    const listed = (await terminal.call('GET', '/api/sales')).body.sales;
    expect(
      listed.map((sale: { saleId: string; state: string; offline: boolean }) => [
        sale.saleId,
        sale.state,
        sale.offline,
      ]),
    ).toEqual([[saleId, 'recorded', true]]);

    // Nothing prints unasked: the terminal finds the printer ready, its reprint queue is empty, and
    // no receipt of the sale comes.
    await expect
      .poll(async () => (await terminal.call('GET', '/api/state')).body.printer, { timeout: 15_000 })
      .toEqual({ status: 'ready', queued: 0 });
    expect(receiptsOf(saleId)).toHaveLength(0);

    expect((await terminal.call('POST', `/api/sales/${saleId}/reprint`)).status).toBe(200);
    await expect.poll(() => receiptsOf(saleId).length, { timeout: 10_000 }).toBe(1);
    const text = receiptsOf(saleId)[0]?.lines.join('\n');
    expect(text).toContain('重印');
    expect(text).toContain('脱机交易');
    expect(text).toMatch(/实付\s+￥9\.00/);
    await terminal.kill();
  });
});
