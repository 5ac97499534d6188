import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PIN_HASH } from '../domain/identity/pin-hash.ts';
import { readerSettingsSchema } from './card-readers/reader-from-settings.ts';

const printerSettingsSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('tcp'),
    host: z.string().min(1),
    port: z.number().int().positive().optional(),
  }),
  z.strictObject({ kind: z.literal('usb'), path: z.string().min(1) }),
  z.strictObject({ kind: z.literal('file'), dir: z.string().min(1) }),
]);

export const PAYMENT_METHODS = ['cash', 'qr', 'card-balance'] as const;

/** 终端设置: the counter terminal's settings file (JSON). Every field is described in pos-terminal/README.md. */
export const terminalSettingsSchema = z.strictObject({
  terminalId: z.string().min(1),
  serviceUrl: z.url(),
  /** The terminal's token, or the file holding it. */
  token: z.string().min(1).optional(),
  tokenFile: z.string().min(1).optional(),
  /** The cashier page and elder display listen here; on localhost unless told otherwise. */
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(8081),
  /** The outbox, the offline copy and the reprint queue live here. */
  dataDir: z.string().min(1),
  lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
  cashiers: z
    .array(
      z.strictObject({
        cashierId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
        name: z.string().min(1),
        pinHash: z.string().regex(PIN_HASH, 'a hash made by `zhucan terminal hash-pin`'),
        role: z.enum(['cashier', 'manager']).default('cashier'),
      }),
    )
    .min(1),
  /** A browser's sign-in ends after this many minutes without use; the next cashier signs in anew. */
  cashierIdleMinutes: z
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
  reader: readerSettingsSchema.default({ kind: 'keyboard' }),
  printer: printerSettingsSchema.default({ kind: 'file', dir: 'receipts' }),
  paperWidth: z.union([z.literal(58), z.literal(80)]).default(80),
  paymentMethods: z.array(z.enum(PAYMENT_METHODS)).min(1).default(['cash', 'qr', 'card-balance']),
  /** How long a request to the service may take before the counter sells offline. */
  requestTimeoutMs: z.number().int().positive().default(2500),
  syncIntervalMs: z.number().int().positive().default(3000),
  /** How often the offline copy is fetched again while online. */
  copyRefreshMs: z
    .number()
    .int()
    .positive()
    .default(5 * 60_000),
  /** Show a panel of demo cards to tap on the cashier page. */
  demoCards: z.array(z.string()).default([]),
});

export type TerminalSettings = z.output<typeof terminalSettingsSchema>;

/** Reads and checks a settings file; paths in it are relative to the file. */
export function loadTerminalSettings(file: string): TerminalSettings & { readonly token: string } {
  const parsed = terminalSettingsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
    throw new Error(`${file} is not valid terminal settings:\n${lines.join('\n')}`);
  }
  const base = path.dirname(path.resolve(file));
  const settings = parsed.data;
  const token =
    settings.token ??
    (settings.tokenFile ? readFileSync(path.resolve(base, settings.tokenFile), 'utf8').trim() : '');
  if (!token) throw new Error(`${file}: give the terminal's token as "token" or "tokenFile"`);
  const printer =
    settings.printer.kind === 'file'
      ? { ...settings.printer, dir: path.resolve(base, settings.printer.dir) }
      : settings.printer;
  return { ...settings, token, dataDir: path.resolve(base, settings.dataDir), printer };
}
