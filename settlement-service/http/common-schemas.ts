import { z } from 'zod';
import { isBusinessDate } from '../../domain/time/calendar.ts';
import { instantFromIso } from '../../domain/time/shanghai-time.ts';

/** Ids chosen by the bureau or a terminal: letters, digits and `_ . : -`, up to 64 characters. */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'letters, digits and _ . : - only, at most 64 characters');

/** An instant with its offset, e.g. `2026-10-08T11:32:05+08:00`, as epoch milliseconds. */
export const instantSchema = z
  .string()
  .describe('ISO 8601 instant with offset, e.g. 2026-10-08T11:32:05+08:00')
  .transform((text, context) => {
    const instant = instantFromIso(text);
    if (instant === null) {
      context.addIssue({ code: 'custom', message: 'expected an ISO 8601 instant with its offset' });
      return z.NEVER;
    }
    return instant;
  });

/** A business date `YYYY-MM-DD` (Asia/Shanghai). */
export const businessDateSchema = z
  .string()
  .refine(isBusinessDate, 'expected a real date YYYY-MM-DD')
  .describe('business date YYYY-MM-DD, Asia/Shanghai');

/** Money: a whole number of fen, never negative. */
export const fenSchema = z.number().int().min(0).max(100_000_000).describe('integer fen (1/100 yuan)');
