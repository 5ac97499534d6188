import { describe, expect, it } from 'vitest';
import { businessDateOf, formatShanghaiInstant, instantFromIso, localTimeOfDay } from './shanghai-time.ts';

function at(iso: string): number {
  const instant = instantFromIso(iso);
  if (instant === null) throw new Error(`bad instant in test: ${iso}`);
  return instant;
}

describe('instants with an offset', () => {
  it.each([
    ['1970-01-01T08:00:00+08:00', 0],
    ['1970-01-01T00:00:00Z', 0],
    ['1970-01-01T00:00:01.5Z', 1500],
    ['1970-01-01T00:00:00.123456Z', 123],
    ['1970-01-01T00:00-05:00', 5 * 3_600_000],
    ['1970-01-01T09:30+0130', 8 * 3_600_000],
  ])('%s is %i ms', (text, ms) => {
    expect(instantFromIso(text)).toBe(ms);
  });

  it.each([
    '2026-10-08T11:32:05', // no offset
    '2026-10-08 11:32:05+08:00',
    '2026-02-30T11:32:05+08:00',
    '2026-10-08T24:00:00+08:00',
    'yesterday',
  ])('refuses %s', (text) => {
    expect(instantFromIso(text)).toBeNull();
  });
});

describe('Asia/Shanghai business time', () => {
  it.each([
    ['2024-03-31T23:59:59+08:00', '2024-03-31', '23:59'],
    ['2024-03-31T16:00:00Z', '2024-04-01', '00:00'], // UTC evening is the next Shanghai day
    ['2024-03-31T15:59:59Z', '2024-03-31', '23:59'],
    ['2024-06-01T11:29:59+08:00', '2024-06-01', '11:29'],
    ['2024-06-01T05:30:00+02:00', '2024-06-01', '11:30'],
    ['1969-12-31T20:00:00Z', '1970-01-01', '04:00'],
  ])('%s is on %s at %s', (iso, date, time) => {
    expect(businessDateOf(at(iso))).toBe(date);
    expect(localTimeOfDay(at(iso))).toBe(time);
  });

  it('formats an instant in Shanghai time', () => {
    expect(formatShanghaiInstant(at('2026-10-08T03:32:05Z'))).toBe('2026-10-08T11:32:05+08:00');
    expect(formatShanghaiInstant(at('2026-10-08T03:32:05.040Z'))).toBe('2026-10-08T11:32:05.040+08:00');
  });
});
