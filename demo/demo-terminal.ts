import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashPin } from '../domain/identity/pin-hash.ts';
import { demoCard } from './demo-bureau.ts';

/** The demo counter's PINs, documented in README.md: 收银员 王丽 1234, 店长 李强 8888. */
const DEMO_CASHIERS = [
  { cashierId: 'cashier-01', name: '王丽', pin: '1234', role: 'cashier' },
  { cashierId: 'manager-01', name: '李强', pin: '8888', role: 'manager' },
] as const;

/**
 * The settings file of the demo terminal `npm start` runs as its own process, in the data folder:
 * written the first time (edit it to try a real reader or printer; receipts go to files there), its
 * service address and port brought up to date at each start. Answers the file's path.
 */
export function prepareDemoTerminal(options: {
  readonly dataDir: string;
  readonly terminalId: string;
  readonly serviceUrl: string;
  readonly port: number;
}): string {
  const dir = path.join(options.dataDir, 'demo-terminal');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const settingsFile = path.join(dir, 'settings.json');
  const written = existsSync(settingsFile)
    ? (JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>)
    : {
        terminalId: options.terminalId,
        tokenFile: '../demo-terminal-token',
        dataDir: '.',
        cashiers: DEMO_CASHIERS.map(({ pin, ...cashier }) => ({ ...cashier, pinHash: hashPin(pin) })),
        reader: { kind: 'keyboard' },
        printer: { kind: 'file', dir: 'receipts' },
        paperWidth: 80,
        demoCards: [...Array.from({ length: 8 }, (_, index) => demoCard(index + 1)), 'CARD9999'],
      };
  // The service's address and the pages' port may differ from one start to the next.
  const settings = { ...written, serviceUrl: options.serviceUrl, port: options.port };
  writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  return settingsFile;
}
