import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { demoCard } from '../settlement-service/demo/demo-data.ts';
import { hashPin, terminalSettingsSchema } from './settings.ts';
import { type RunningTerminal, startTerminal } from './terminal.ts';

/** The demo counter's PINs, documented in README.md: 收银员 王丽 1234, 店长 李强 8888. */
const DEMO_CASHIERS = [
  { cashierId: 'cashier-01', name: '王丽', pin: '1234', role: 'cashier' },
  { cashierId: 'manager-01', name: '李强', pin: '8888', role: 'manager' },
] as const;

/**
 * The demo terminal `npm start` runs beside the service: its settings file is written once into the
 * data folder (edit it to try a real reader or printer), receipts go to files there.
 */
export async function startDemoTerminal(options: {
  readonly dataDir: string;
  readonly serviceUrl: string;
  readonly terminalId: string;
  readonly token: string;
  readonly port: number;
}): Promise<{ readonly terminal: RunningTerminal; readonly settingsFile: string }> {
  const dir = path.join(options.dataDir, 'demo-terminal');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const settingsFile = path.join(dir, 'settings.json');
  if (!existsSync(settingsFile)) {
    const settings = {
      terminalId: options.terminalId,
      serviceUrl: options.serviceUrl,
      tokenFile: '../demo-terminal-token',
      port: options.port,
      dataDir: '.',
      cashiers: DEMO_CASHIERS.map(({ pin, ...cashier }) => ({ ...cashier, pinHash: hashPin(pin) })),
      reader: { kind: 'keyboard' },
      printer: { kind: 'file', dir: 'receipts' },
      paperWidth: 80,
      demoCards: [...Array.from({ length: 8 }, (_, index) => demoCard(index + 1)), 'CARD9999'],
    };
    writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  }
  const parsed = terminalSettingsSchema.parse(JSON.parse(readFileSync(settingsFile, 'utf8')));
  const terminal = await startTerminal({
    ...parsed,
    // The service's address and port may differ from one start to the next.
    serviceUrl: options.serviceUrl,
    port: options.port,
    token: options.token,
    dataDir: dir,
    printer:
      parsed.printer.kind === 'file'
        ? { kind: 'file', dir: path.resolve(dir, parsed.printer.dir) }
        : parsed.printer,
  });
  return { terminal, settingsFile };
}
