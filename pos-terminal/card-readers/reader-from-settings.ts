import { z } from 'zod';
import type { CardReader } from './card-reader.ts';
import { PcscReader } from './pcsc-reader.ts';
import { compilePattern, type SerialLineFormat } from './serial-line-format.ts';
import { SerialReader } from './serial-reader.ts';
import { KeyboardReader, SimulatedReader } from './simulated-reader.ts';

export type ReaderSettings =
  | { kind: 'simulated' }
  | { kind: 'keyboard' }
  | { kind: 'serial'; path: string; baudRate?: number; format?: SerialLineFormat }
  | { kind: 'pcsc'; readerName?: string };

function isValidPattern(pattern: string): boolean {
  try {
    compilePattern(pattern);
    return true;
  } catch {
    return false;
  }
}

// Strict objects, so that a misspelt key in the settings file is an error rather than a default.
const serialLineFormatSchema = z.strictObject({
  delimiter: z.string().min(1).optional(),
  pattern: z
    .string()
    .refine(isValidPattern, 'must be a regular expression with a named group (?<uid>…)')
    .optional(),
  encoding: z.enum(['as-is', 'decimal-to-hex', 'hex-to-decimal']).optional(),
});

export const readerSettingsSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('simulated') }),
  z.strictObject({ kind: z.literal('keyboard') }),
  z.strictObject({
    kind: z.literal('serial'),
    path: z.string().min(1),
    baudRate: z.number().int().positive().optional(),
    format: serialLineFormatSchema.optional(),
  }),
  z.strictObject({ kind: z.literal('pcsc'), readerName: z.string().min(1).optional() }),
]) satisfies z.ZodType<ReaderSettings>;

/** 'simulated' and 'keyboard' readers have `tap()`, for the demo panel and for cards the page detected. */
export function readerFromSettings(settings: ReaderSettings): CardReader {
  switch (settings.kind) {
    case 'simulated':
      return new SimulatedReader();
    case 'keyboard':
      return new KeyboardReader();
    case 'serial':
      return new SerialReader({ path: settings.path, baudRate: settings.baudRate, format: settings.format });
    case 'pcsc':
      return new PcscReader({ readerName: settings.readerName });
  }
}
