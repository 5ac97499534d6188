import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPin } from '../../domain/identity/pin-hash.ts';
import { startFakePrinter } from '../../pos-terminal/receipts/testing/fake-printer.ts';
import { terminalSettingsSchema } from '../../pos-terminal/settings.ts';
import { startTerminal } from '../../pos-terminal/terminal.ts';

const PIN = '1357';

/**
 * A counter terminal for benchmarks, signed in, printing to a socket on 127.0.0.1, syncing only when
 * asked. `tap` is what the cashier page does for a card (the quote, then the sale) timed until the
 * receipt's bytes have reached the printer.
 */
export async function startBenchCounter(options: { serviceUrl: string; token: string; terminalId: string }) {
  const printer = await startFakePrinter();
  const terminal = await startTerminal({
    ...terminalSettingsSchema.parse({
      terminalId: options.terminalId,
      serviceUrl: options.serviceUrl,
      token: options.token,
      port: 0,
      dataDir: await mkdtemp(path.join(tmpdir(), 'zhucan-bench-counter-')),
      cashiers: [{ cashierId: 'c1', name: '王丽', pinHash: hashPin(PIN) }],
      printer: { kind: 'tcp', host: printer.host, port: printer.port },
      syncIntervalMs: 3_600_000,
    }),
    token: options.token,
  });
  // The sign-in lives in a cookie, as in the cashier's browser.
  let cookie = '';
  const local = async (pathname: string, body: unknown) => {
    const response = await fetch(`${terminal.url}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${pathname}: ${response.status} ${await response.text()}`);
    cookie = response.headers.get('set-cookie')?.split(';')[0] ?? cookie;
    return (await response.json()) as Record<string, string>;
  };
  await local('/api/session', { pin: PIN });
  return {
    terminal,
    /** Milliseconds from the card's tap to the receipt at the printer. */
    async tap(cardUid: string): Promise<number> {
      const jobs = printer.jobs.length;
      const started = performance.now();
      const quote = await local('/api/quote', { cardUid, items: [{ itemId: 'set-a', qty: 1 }] });
      await local('/api/sales', { quoteId: quote.quoteId, paymentMethod: 'cash' });
      await printer.waitForJobs(jobs + 1);
      return performance.now() - started;
    },
    async close() {
      await terminal.close();
      await printer.close();
    },
  };
}
