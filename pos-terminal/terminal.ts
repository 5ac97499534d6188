import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { CardReader } from './card-readers/card-reader.ts';
import { readerFromSettings } from './card-readers/reader-from-settings.ts';
import { Counter } from './counter/counter.ts';
import {
  devicePrinter,
  filePrinter,
  type PrinterTransport,
  tcpPrinter,
} from './receipts/printer-transport.ts';
import { ReceiptPrinter } from './receipts/receipt-printer.ts';
import { CashierSessions } from './server/cashier-sessions.ts';
import { createTerminalServer } from './server/terminal-server.ts';
import type { TerminalSettings } from './settings.ts';
import { ServiceClient } from './sync/service-client.ts';
import { TerminalClock } from './sync/terminal-clock.ts';

export interface RunningTerminal {
  /** The cashier page; the elder display is at `${url}/display`. */
  readonly url: string;
  readonly counter: Counter;
  readonly reader: CardReader;
  close(): Promise<void>;
}

function transportOf(printer: TerminalSettings['printer']): PrinterTransport {
  switch (printer.kind) {
    case 'tcp':
      return tcpPrinter({ host: printer.host, ...(printer.port ? { port: printer.port } : {}) });
    case 'usb':
      return devicePrinter({ path: printer.path });
    case 'file':
      return filePrinter({ dir: printer.dir });
    default: {
      const _exhaustive: never = printer;
      return _exhaustive;
    }
  }
}

/** Starts a counter terminal: its reader, printer, outbox and sync, and the local pages. */
export async function startTerminal(
  settings: TerminalSettings & { readonly token: string },
  options: {
    readonly reader?: CardReader;
    /** The PC's clock (tests set one that is off); the monotonic clock stays the process's own. */
    readonly now?: () => number;
  } = {},
): Promise<RunningTerminal> {
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  const service = new ServiceClient({
    url: settings.serviceUrl.replace(/\/$/, ''),
    token: settings.token,
    terminalId: settings.terminalId,
    timeoutMs: settings.requestTimeoutMs,
    clock: new TerminalClock(options.now),
  });
  const printer = new ReceiptPrinter({
    transport: transportOf(settings.printer),
    width: settings.paperWidth,
    queueFile: path.join(settings.dataDir, 'reprint-queue.json'),
    // The counter is made just below; the printer reports changes only once it prints.
    onChange: () => counter.changed(),
  });
  const counter = new Counter(settings, service, printer);
  const reader = options.reader ?? readerFromSettings(settings.reader);
  const sessions = new CashierSessions(settings.cashierIdleMinutes * 60_000);
  const server = createTerminalServer(counter, reader, sessions).listen(settings.port, settings.host);
  await once(server, 'listening');
  await reader.start();
  printer.startWatching();
  counter.start();
  await counter.syncer.syncOnce();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host}:${port}`,
    counter,
    reader,
    async close() {
      printer.stopWatching();
      await reader.stop();
      await counter.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
