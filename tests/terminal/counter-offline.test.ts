import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../domain/money.ts';
import { CounterError } from '../../pos-terminal/counter/counter-views.ts';
import { decodeEscPos } from '../../pos-terminal/receipts/escpos-decode.ts';
import { type FakePrinter, startFakePrinter } from '../../pos-terminal/receipts/testing/fake-printer.ts';
import { type RunningTerminal, startTerminal } from '../../pos-terminal/terminal.ts';
import {
  CASHIER_PIN,
  COUNTER_CARDS,
  counterSettings,
  MANAGER_PIN,
  recordedSales,
  setUpCounterBureau,
} from '../../testkit/counter-bureau.ts';
import { flakyNetwork } from '../../testkit/flaky-network.ts';
import { saleBody } from '../support/bureau.ts';
import { startTestService, type TestService } from '../support/service.ts';

const [K1, K2, K3, K4, K5] = COUNTER_CARDS as [string, string, string, string, string];
const SET_A = [{ itemId: 'set-a', qty: 1 }];

/** The counter's core against the real service over a network that tests cut (no browser). */
describe('the counter online and offline (real service over HTTP, a cuttable network, a printer socket)', () => {
  let service: TestService;
  let network: Awaited<ReturnType<typeof flakyNetwork>>;
  let printer: FakePrinter;
  let terminal: RunningTerminal;
  let otherTerminalToken: string;

  const sell = async (cardUid: string | null, payment = 'cash') => {
    const quote = await terminal.counter.quoteMeal({ cardUid, items: SET_A });
    return { quote, sale: await terminal.counter.confirm(quote.quoteId, payment) };
  };
  const sync = async () => {
    await terminal.counter.syncer.syncOnce();
    await terminal.counter.syncer.syncOnce();
  };

  beforeAll(async () => {
    service = await startTestService();
    service.projections.start();
    const bureau = await setUpCounterBureau(service.url, service.adminToken);
    otherTerminalToken = (
      await service.call('PUT', '/api/v1/terminals/counter-2', service.adminToken, { canteenId: 'tc1' })
    ).body.token;
    const { port } = new URL(service.url);
    network = await flakyNetwork({ host: '127.0.0.1', port: Number(port) });
    printer = await startFakePrinter();
    const settings = await counterSettings(network.url, bureau.token, bureau.terminalId, printer);
    terminal = await startTerminal({ ...settings, syncIntervalMs: 60_000 });
    terminal.counter.signIn(CASHIER_PIN);
  });
  afterAll(async () => {
    await terminal?.close();
    await printer?.close();
    await network?.close();
    await service?.close();
  });

  it('refuses wrong PINs and locks after five in a row', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect(() => terminal.counter.signIn('0000')).toThrow(expect.objectContaining({ code: 'pin-wrong' }));
    }
    expect(() => terminal.counter.signIn(CASHIER_PIN)).toThrow(
      expect.objectContaining({ code: 'pin-locked' }),
    );
  });

  it('sells online: the service decides, the receipt prints what was recorded', async () => {
    // The lock of the test before lasts a minute; a new terminal on the same data folder starts unlocked.
    await terminal.close();
    const settings = await counterSettings(
      network.url,
      (await service.call('PUT', '/api/v1/terminals/counter-1', service.adminToken, { canteenId: 'tc1' }))
        .body.token,
      'counter-1',
      printer,
    );
    terminal = await startTerminal({ ...settings, syncIntervalMs: 60_000 });
    terminal.counter.signIn(CASHIER_PIN);
    const { quote, sale } = await sell(K1);
    expect(quote).toMatchObject({
      mode: 'online',
      elder: { maskedName: '张*明' },
      subsidyFen: 300,
      elderPaysFen: 900,
    });
    expect(sale).toMatchObject({
      state: 'recorded',
      offline: false,
      shown: { subsidyFen: 300, elderPaysFen: 900 },
    });
    const [recorded] = await recordedSales(service.database.pool, 'counter-1');
    expect(recorded).toMatchObject({ saleId: sale.saleId, subsidyFen: 300, offline: false });
    expect(recorded).toMatchObject({ cashierId: 'cashier-01' });
  });

  it('sells offline when the network is down; a subsidy the caps took meanwhile shows as not reimbursed', async () => {
    await network.set('down');
    const { quote, sale } = await sell(K2);
    expect(quote).toMatchObject({ mode: 'offline', subsidyFen: 300 });
    expect(sale.state).toBe('waiting');
    expect(terminal.counter.state()).toMatchObject({ online: false, queued: 1 });
    // Meanwhile the same elder eats at another counter that is online: the day's subsidy is used there.
    const elsewhere = await service.call(
      'POST',
      '/api/v1/sales',
      otherTerminalToken,
      saleBody({ cardUid: K2, occurredAt: new Date().toISOString(), items: SET_A }),
    );
    expect(elsewhere.body.subsidyFen).toBe(300);

    await network.set('up');
    await sync();
    expect(terminal.counter.state()).toMatchObject({ online: true, queued: 0 });
    const [listed] = terminal.counter.recentSales(1);
    expect(listed).toMatchObject({
      saleId: sale.saleId,
      state: 'recorded',
      subsidyRefused: [{ reason: 'offline-over-cap', fen: 300 }],
    });
    const recorded = (await recordedSales(service.database.pool, 'counter-1')).find(
      (one) => one.saleId === sale.saleId,
    );
    expect(recorded).toMatchObject({
      offline: true,
      subsidyFen: 300,
      excluded: [{ reason: 'offline-over-cap', fen: 300 }],
    });
  });

  it('offline, counts its own sales for caps: the second meal of the day is sold at full price', async () => {
    await network.set('down');
    const first = await sell(K3);
    const second = await sell(K3);
    expect([first.quote.subsidyFen, second.quote.subsidyFen]).toEqual([300, 0]);
    expect(second.quote.reason).toMatchObject({ code: 'cap-day', zh: '今日补贴次数已用完' });
    const unknown = await sell('NO-SUCH-CARD');
    expect(unknown.quote).toMatchObject({
      subsidyFen: 0,
      elderPaysFen: 1200,
      reason: { code: 'card-not-in-copy' },
    });
    await network.set('up');
    await sync();
    const recorded = await recordedSales(service.database.pool, 'counter-1');
    const bySale = new Map(recorded.map((one) => [one.saleId, one]));
    expect(bySale.get(first.sale.saleId)).toMatchObject({ subsidyFen: 300, excluded: [] });
    expect(bySale.get(second.sale.saleId)).toMatchObject({ subsidyFen: 0, excluded: [] });
    expect(bySale.get(unknown.sale.saleId)).toMatchObject({ subsidyFen: 0, cardUid: 'NO-SUCH-CARD' });
  });

  it('charges what the service recorded when the subsidy was used elsewhere between the tap and the confirm', async () => {
    const K6 = COUNTER_CARDS[5] as string;
    const quote = await terminal.counter.quoteMeal({ cardUid: K6, items: SET_A });
    expect(quote).toMatchObject({ mode: 'online', subsidyFen: 300 });
    const elsewhere = saleBody({ cardUid: K6, occurredAt: new Date().toISOString(), items: SET_A });
    expect((await service.call('POST', '/api/v1/sales', otherTerminalToken, elsewhere)).body.subsidyFen).toBe(
      300,
    );
    const printed = printer.jobs.length;
    const sale = await terminal.counter.confirm(quote.quoteId, 'cash');
    expect(sale).toMatchObject({ state: 'recorded', shown: { subsidyFen: 0, elderPaysFen: 1200 } });
    await printer.waitForJobs(printed + 1);
    expect(decodeEscPos(printer.jobs.at(-1) as Buffer).lines.join('\n')).toMatch(/实付\s+￥12\.00/);
  });

  it('when an answer is lost on the way back, sends the very same sale again: it is recorded once', async () => {
    const quote = await terminal.counter.quoteMeal({ cardUid: K4, items: SET_A });
    expect(quote.mode).toBe('online');
    await network.set('answers-lost');
    const sale = await terminal.counter.confirm(quote.quoteId, 'cash');
    expect(sale.state).toBe('waiting');
    expect(terminal.counter.state().online).toBe(false);
    await network.set('up');
    await sync();
    const recorded = (await recordedSales(service.database.pool, 'counter-1')).filter(
      (one) => one.saleId === sale.saleId,
    );
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ offline: false, subsidyFen: 300 });
    expect(terminal.counter.recentSales(1)[0]).toMatchObject({
      saleId: sale.saleId,
      state: 'recorded',
      subsidyRefused: [],
    });
  });

  it('completes a sale when the printer is out of paper; the receipt waits and prints once when paper is back', async () => {
    await printer.setMode('paper-out');
    const { sale } = await sell(K5);
    // The sale is done whatever the printer does (sent, or queued when the service was slow to answer).
    expect(['recorded', 'waiting']).toContain(sale.state);
    // Paper out, or no answer in time on a busy machine: either way the receipt waits.
    expect(terminal.counter.state().printer.queued).toBeGreaterThanOrEqual(1);
    expect(terminal.counter.state().printer.status).not.toBe('ready');
    const receiptsOf = () => printer.jobs.filter((job) => decodeEscPos(job).qr.includes(sale.saleId)).length;
    expect(receiptsOf()).toBe(0);
    await printer.setMode('ready');
    // The fake printer counts a job when its connection ends, a moment after the terminal has sent it.
    await expect.poll(receiptsOf, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => terminal.counter.state().printer).toEqual({ status: 'ready', queued: 0 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiptsOf()).toBe(1);
  });

  it('voids with a manager PIN and a reason, online at once and offline once back; reprints say so', async () => {
    const [last] = terminal.counter.recentSales(1);
    await expect(
      terminal.counter.voidSale(last?.saleId as string, CASHIER_PIN, '点错'),
    ).rejects.toMatchObject({ code: 'not-manager' });
    const jobs = printer.jobs.length;
    expect(await terminal.counter.voidSale(last?.saleId as string, MANAGER_PIN, '点错')).toMatchObject({
      state: 'voided',
    });
    // 作废凭证: the sale's number, who voided it and why, and what goes back to the customer.
    await printer.waitForJobs(jobs + 1);
    const slip = decodeEscPos(printer.jobs.at(-1) as Buffer).lines.join('\n');
    expect(slip).toContain('作废凭证');
    expect(slip).toMatch(new RegExp(`单号\\s+#${last?.seq}`));
    expect(slip).toMatch(/作废人\s+李强/);
    expect(slip).toMatch(/作废原因\s+点错/);
    expect(slip).toMatch(
      new RegExp(`应退\\s+${formatMoney(last?.shown.elderPaysFen ?? 0).replace('.', '\\.')}`),
    );

    await network.set('down');
    const { sale } = await sell(null);
    expect(await terminal.counter.voidSale(sale.saleId, MANAGER_PIN, '顾客退餐')).toMatchObject({
      state: 'void-waiting',
    });
    await network.set('up');
    await sync();
    expect(terminal.counter.recentSales(1)[0]).toMatchObject({ saleId: sale.saleId, state: 'voided' });
    const { rows } = await service.database.pool.query(
      `SELECT data->>'saleId' AS sale_id, (data->>'occurredAt')::float8 AS occurred_at, (data->>'voidedAt')::float8 AS voided_at
         FROM event_store.events WHERE event_type = 'SaleVoided' ORDER BY position`,
    );
    expect(rows.map((row) => row.sale_id)).toEqual([last?.saleId, sale.saleId]);
    // Each void carries when the manager made it at the counter, also the one sent once back online.
    const madeAt = (saleId: string) => terminal.counter.outbox.get(saleId).void?.at;
    expect(rows.map((row) => row.occurred_at)).toEqual([madeAt(last?.saleId as string), madeAt(sale.saleId)]);
    expect(rows[1]?.voided_at).toBeGreaterThanOrEqual(rows[1]?.occurred_at);

    const printed = printer.jobs.length;
    await terminal.counter.reprint(sale.saleId);
    await printer.waitForJobs(printed + 1);
    expect(decodeEscPos(printer.jobs.at(-1) as Buffer).lines.join('\n')).toContain('重印');
  });

  it("reports the terminal's day from what it charged: by period, with voids, guests and offline sales apart", () => {
    const report = terminal.counter.dayReport();
    const sold = terminal.counter.recentSales(100);
    const kept = sold.filter((sale) => sale.state !== 'voided' && sale.state !== 'refused');
    expect(report.totals).toMatchObject({
      meals: kept.length,
      voids: 2,
      subsidyFen: kept.reduce((sum, sale) => sum + sale.shown.subsidyFen, 0),
      totalFen: kept.length * 1200,
      offlineMeals: kept.filter((sale) => sale.offline).length,
    });
    expect(report.periods.reduce((sum, period) => sum + period.meals, 0)).toBe(kept.length);
    // The figures add up: every meal is subsidised or not, guests among the unsubsidised.
    expect(report.totals.subsidisedMeals + report.totals.unsubsidisedMeals).toBe(report.totals.meals);
    expect(report.totals.unsubsidisedMeals).toBe(kept.filter((sale) => sale.shown.subsidyFen === 0).length);
    expect(report.totals.guestMeals).toBeLessThanOrEqual(report.totals.unsubsidisedMeals);
    expect(report.totals.portions).toBe(
      kept.reduce((sum, sale) => sum + sale.shown.items.reduce((items, item) => items + item.qty, 0), 0),
    );
  });

  it('clears the amounts on screen when a tap fails, so Enter cannot sell the previous elder', async () => {
    await terminal.counter.quoteMeal({ cardUid: null, items: SET_A });
    await expect(terminal.counter.quoteMeal({ cardUid: 'NO-SUCH-CARD', items: SET_A })).rejects.toMatchObject(
      {
        code: 'card-unknown',
      },
    );
    expect(terminal.counter.state().quote).toBeNull();
  });

  it('counts for offline caps a sale quoted online whose confirm found the network gone', async () => {
    const K7 = COUNTER_CARDS[6] as string;
    const quote = await terminal.counter.quoteMeal({ cardUid: K7, items: SET_A });
    expect(quote).toMatchObject({ mode: 'online', subsidyFen: 300 });
    await network.set('down');
    const sale = await terminal.counter.confirm(quote.quoteId, 'cash');
    expect(sale).toMatchObject({ state: 'waiting', shown: { subsidyFen: 300 } });
    const again = await terminal.counter.quoteMeal({ cardUid: K7, items: SET_A });
    expect(again).toMatchObject({ mode: 'offline', subsidyFen: 0, reason: { code: 'cap-day' } });
    terminal.counter.cancelQuote();
    await network.set('up');
    await sync();
    // Sent as an offline sale, or as the same online request when the connection broke mid-way: once.
    const recorded = (await recordedSales(service.database.pool, 'counter-1')).filter(
      (one) => one.saleId === sale.saleId,
    );
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ subsidyFen: 300, excluded: [] });
  });

  it('takes a card typed in lower case at the local API as the reader would send it, and refuses bad bodies with problems', async () => {
    const signedIn = await fetch(`${terminal.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: CASHIER_PIN }),
    });
    const cookie = signedIn.headers.get('set-cookie')?.split(';')[0] ?? '';
    const call = (path: string, init: RequestInit) =>
      fetch(`${terminal.url}${path}`, {
        method: 'POST',
        ...init,
        headers: { ...(init.headers as Record<string, string>), cookie },
      });
    const typed = await call('/api/quote', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cardUid: ' k0000008 ', items: SET_A }),
    });
    expect(await typed.json()).toMatchObject({ cardUid: 'K0000008', elder: { maskedName: '黄*兰' } });
    terminal.counter.cancelQuote();
    const refusals = await Promise.all([
      call('/api/quote', { headers: { 'content-type': 'application/json' }, body: '{"cardUid":' }),
      call('/api/quote', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ itemId: 'x'.repeat(20_000), qty: 1 }] }),
      }),
      call('/api/quote', { headers: { 'content-type': 'application/json; charset=latin9' }, body: '{}' }),
      call('/api/sales', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ quoteId: crypto.randomUUID(), paymentMethod: 'cash' }),
      }),
      fetch(`${terminal.url}/api/day-report?date=nonsense`, { headers: { cookie } }),
    ]);
    expect(refusals.map((answer) => answer.status)).toEqual([400, 413, 415, 409, 400]);
    for (const answer of refusals) {
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(await answer.json()).toMatchObject({ code: expect.any(String), zh: expect.any(String) });
    }
  });

  it('refuses to sell before a cashier signs in, and says why in words', async () => {
    terminal.counter.signOut();
    await expect(terminal.counter.quoteMeal({ cardUid: K1, items: SET_A })).rejects.toBeInstanceOf(
      CounterError,
    );
    await expect(terminal.counter.quoteMeal({ cardUid: K1, items: SET_A })).rejects.toMatchObject({
      code: 'not-signed-in',
      zh: '请先输入收银员密码登录',
    });
  });
});
