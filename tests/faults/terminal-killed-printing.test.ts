import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../pos-terminal/receipts/escpos-decode.ts';
import { type FakePrinter, startFakePrinter } from '../../pos-terminal/receipts/testing/fake-printer.ts';
import {
  CASHIER_PIN,
  COUNTER_CARDS,
  recordedSales,
  setUpCounterBureau,
} from '../../testkit/counter-bureau.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { terminalProcess, terminalSettingsFile } from '../support/terminal-process.ts';

/**
 * A power cut while the receipt is printing: the sale was fsynced to the outbox and sent before the
 * printer was asked, so it is kept and counted once. The receipt is printed at most once by itself
 * (a print cut off before it was queued is not printed again unasked, which could hand out two
 * receipts for one meal); the sale stays in the list, and the cashier reprints it, marked 重印.
 */
describe('a counter terminal killed while a receipt is printing', () => {
  let service: TestService;
  let printer: FakePrinter;
  beforeAll(async () => {
    service = await startTestService();
    printer = await startFakePrinter();
  });
  afterAll(async () => {
    await printer?.close();
    await service?.close();
  });

  it('keeps the sale once and prints its receipt once, on request, after the restart', async () => {
    service.projections.start();
    const bureau = await setUpCounterBureau(service.url, service.adminToken);
    const { settingsFile, port } = await terminalSettingsFile(service.url, bureau, printer);
    const receiptsOf = (saleId: string) =>
      printer.jobs.map((job) => decodeEscPos(job)).filter((receipt) => receipt.qr.includes(saleId));

    let terminal = await terminalProcess(settingsFile, port);
    expect((await terminal.call('GET', '/api/state')).body.online).toBe(true);
    expect((await terminal.call('POST', '/api/session', { pin: CASHIER_PIN })).status).toBe(200);
    const quote = await terminal.call('POST', '/api/quote', {
      cardUid: COUNTER_CARDS[0],
      items: [{ itemId: 'set-a', qty: 1 }],
    });
    expect(quote.body).toMatchObject({ mode: 'online', subsidyFen: 300 });
    const saleId: string = quote.body.quoteId;

    // The printer takes the job and hangs; the terminal dies while it waits on it.
    await printer.setMode('silent');
    const connectionsBefore = printer.connections;
    const confirming = terminal
      .call('POST', '/api/sales', { quoteId: saleId, paymentMethod: 'cash' })
      .catch(() => null);
    // Recorded at the service, so the sale has gone on to its receipt, which waits on the hung printer
    // (behind the terminal's own status check, should one have started just before).
    const recordedIds = async () =>
      (await recordedSales(service.database.pool, bureau.terminalId)).map((sale) => sale.saleId);
    await expect
      .poll(async () => printer.connections > connectionsBefore && (await recordedIds()).includes(saleId), {
        timeout: 10_000,
        interval: 20,
      })
      .toBe(true);
    await terminal.kill();
    expect(await confirming).toBeNull();
    expect(receiptsOf(saleId)).toHaveLength(0);

    await printer.setMode('ready');
    terminal = await terminalProcess(settingsFile, port);
    await expect
      .poll(async () => (await terminal.call('GET', '/api/state')).body.queued, { timeout: 20_000 })
      .toBe(0);
    const recorded = await recordedSales(service.database.pool, bureau.terminalId);
    expect(recorded.map((sale) => [sale.saleId, sale.subsidyFen])).toEqual([[saleId, 300]]);
    // After a restart the cashier signs in again: the sign-in lived in the old process's memory.
    expect((await terminal.call('POST', `/api/sales/${saleId}/reprint`)).status).toBe(401);
    expect((await terminal.call('POST', '/api/session', { pin: CASHIER_PIN })).status).toBe(200);
    const listed = (await terminal.call('GET', '/api/sales')).body.sales;
    expect(listed.map((sale: { saleId: string; state: string }) => [sale.saleId, sale.state])).toEqual([
      [saleId, 'recorded'],
    ]);

    // Nothing prints unasked: the printer is asked for its status meanwhile, and no receipt comes.
    const statusRequests = printer.statusRequests;
    await expect.poll(() => printer.statusRequests > statusRequests, { timeout: 15_000 }).toBe(true);
    expect(receiptsOf(saleId)).toHaveLength(0);

    const reprint = await terminal.call('POST', `/api/sales/${saleId}/reprint`);
    expect(reprint.status).toBe(200);
    await expect.poll(() => receiptsOf(saleId).length, { timeout: 10_000 }).toBe(1);
    const [receipt] = receiptsOf(saleId);
    expect(receipt?.lines.join('\n')).toContain('重印');
    expect(receipt?.lines.join('\n')).toMatch(/实付\s+￥9\.00/);
    await terminal.kill();
  });
});
