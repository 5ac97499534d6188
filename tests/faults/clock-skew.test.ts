/**
 * A counter PC whose clock is six hours slow (pos-terminal/README.md, "The terminal's clock"): its
 * sales never land under a business date read from that clock. Once it has heard the service, it
 * times sales by the service's clock, online and offline, and says its own clock is off; sales it
 * timed before that (a start without network) are refused by the service (`clock-skew`) and shown
 * as not recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { type FakePrinter, startFakePrinter } from '../../pos-terminal/receipts/testing/fake-printer.ts';
import type { TerminalSettings } from '../../pos-terminal/settings.ts';
import { type RunningTerminal, startTerminal } from '../../pos-terminal/terminal.ts';
import {
  CASHIER_PIN,
  COUNTER_CARDS,
  counterSettings,
  setUpCounterBureau,
} from '../../testkit/counter-bureau.ts';
import { flakyNetwork } from '../../testkit/flaky-network.ts';
import { startTestService, type TestService } from '../support/service.ts';

const [K1, K2, K3, K4] = COUNTER_CARDS as [string, string, string, string];
const SET_A = [{ itemId: 'set-a', qty: 1 }];
const SIX_HOURS = 6 * 3_600_000;
/** The counter PC's clock: six hours slow. */
const slowClock = () => Date.now() - SIX_HOURS;

describe('a counter terminal whose clock is six hours slow (real service over HTTP, a cuttable network)', () => {
  let service: TestService;
  let network: Awaited<ReturnType<typeof flakyNetwork>>;
  let printer: FakePrinter;
  const terminals: RunningTerminal[] = [];

  const start = async (settings: TerminalSettings & { token: string }) => {
    const terminal = await startTerminal({ ...settings, syncIntervalMs: 60_000 }, { now: slowClock });
    terminals.push(terminal);
    terminal.counter.signIn(CASHIER_PIN);
    return terminal;
  };
  const sell = async (terminal: RunningTerminal, cardUid: string) => {
    const quote = await terminal.counter.quoteMeal({ cardUid, items: SET_A });
    return { quote, sale: await terminal.counter.confirm(quote.quoteId, 'cash') };
  };
  const recorded = async (saleId: string) => {
    const { rows } = await service.database.pool.query<{
      data: { occurredAt: number; businessDate: string };
    }>(`SELECT data FROM event_store.events WHERE event_type = 'MealSold' AND data->>'saleId' = $1`, [
      saleId,
    ]);
    return rows.map((row) => row.data);
  };
  /** The sale is in the store at the real time it was made, under the real business date. */
  const expectTimedRight = async (saleId: string, soldBetween: readonly [number, number]) => {
    const [sale, ...more] = await recorded(saleId);
    expect(more).toHaveLength(0);
    expect(sale?.occurredAt).toBeGreaterThanOrEqual(soldBetween[0] - 5_000);
    expect(sale?.occurredAt).toBeLessThanOrEqual(soldBetween[1] + 5_000);
    expect(sale?.businessDate).toBe(businessDateOf(sale?.occurredAt ?? 0));
  };

  beforeAll(async () => {
    service = await startTestService();
    service.projections.start(); // the offline copy is read from the read models
    const bureau = await setUpCounterBureau(service.url, service.adminToken);
    const { port } = new URL(service.url);
    network = await flakyNetwork({ host: '127.0.0.1', port: Number(port) });
    printer = await startFakePrinter();
    const settings = await counterSettings(network.url, bureau.token, bureau.terminalId, printer);
    terminals.push(await start(settings));
  });
  afterAll(async () => {
    for (const terminal of terminals) await terminal.close();
    await printer?.close();
    await network?.close();
    await service?.close();
  });

  it('having heard the service, times its sales by the service’s clock online and offline, and says why', async () => {
    const terminal = terminals[0] as RunningTerminal;
    const { clock } = terminal.counter.state();
    expect(clock).toMatchObject({ checked: true, corrected: true });
    expect(Math.abs((clock.offsetMs ?? 0) - SIX_HOURS)).toBeLessThan(5_000);
    // The cashier page shows the same state.
    const page = (await (await fetch(`${terminal.url}/api/state`)).json()) as { clock: unknown };
    expect(page.clock).toMatchObject({ checked: true, corrected: true });

    const onlineFrom = Date.now();
    const online = await sell(terminal, K1);
    const onlineTo = Date.now();
    expect(online.quote.mode).toBe('online');
    expect(online.sale.state).toBe('recorded');
    await expectTimedRight(online.sale.saleId, [onlineFrom, onlineTo]);

    await network.set('down');
    const offlineFrom = Date.now();
    const offline = await sell(terminal, K2);
    const offlineTo = Date.now();
    expect(offline.quote).toMatchObject({ mode: 'offline', subsidyFen: 300 });
    expect(offline.sale.shown.businessDate).toBe(businessDateOf(offlineFrom));
    expect(offline.sale.shown.clockUnchecked).toBeUndefined();
    await network.set('up');
    await terminal.counter.syncer.syncOnce();
    await terminal.counter.syncer.syncOnce();
    expect(terminal.counter.recentSales(1)[0]).toMatchObject({
      saleId: offline.sale.saleId,
      state: 'recorded',
    });
    await expectTimedRight(offline.sale.saleId, [offlineFrom, offlineTo]);
    expect(terminal.counter.state().queued).toBe(0);
  });

  it('started without network, its sales timed by the slow clock are refused by the service and shown so', async () => {
    const registered = await service.call('PUT', '/api/v1/terminals/counter-2', service.adminToken, {
      canteenId: 'tc1',
    });
    const settings = await counterSettings(network.url, registered.body.token, 'counter-2', printer);
    // A first start fetches the offline copy; then the counter PC restarts while the network is down.
    await (await start(settings)).close();
    await network.set('down');
    const terminal = await start(settings);
    expect(terminal.counter.state().clock).toEqual({ checked: false, offsetMs: null, corrected: false });
    const { quote, sale } = await sell(terminal, K3);
    expect(quote.mode).toBe('offline');
    expect(sale).toMatchObject({ state: 'waiting', shown: { clockUnchecked: true } });

    await network.set('up');
    await terminal.counter.syncer.syncOnce();
    await terminal.counter.syncer.syncOnce();
    const [listed] = terminal.counter.recentSales(1);
    expect(listed).toMatchObject({ saleId: sale.saleId, state: 'refused', refusal: { code: 'clock-skew' } });
    expect(await recorded(sale.saleId)).toEqual([]);
    // Refused for good: setting the clock later does not send it again under its wrong time.
    expect(terminal.counter.state()).toMatchObject({ queued: 0, clock: { checked: true, corrected: true } });

    // From now on it keeps the service's time: the next sale is recorded at the real time.
    const from = Date.now();
    const next = await sell(terminal, K4);
    const to = Date.now();
    expect(next.sale.state).toBe('recorded');
    await expectTimedRight(next.sale.saleId, [from, to]);
  });
});
