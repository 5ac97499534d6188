import { describe, expect, it } from 'vitest';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { CLOCK_TOLERANCE_MS, TerminalClock } from './terminal-clock.ts';

const HOUR = 3_600_000;
const SERVICE = Date.parse('2026-10-31T23:30:00+08:00');

/** A PC clock and a monotonic clock the test moves by hand. */
function clocks(pcOffsetMs: number) {
  const time = { service: SERVICE, pcOffset: pcOffsetMs, monotonic: 1000 };
  const clock = new TerminalClock(
    () => time.service + time.pcOffset,
    () => time.monotonic,
  );
  const pass = (ms: number) => {
    time.service += ms;
    time.monotonic += ms;
  };
  return { time, clock, pass };
}

describe('the terminal clock', () => {
  it('uses the PC clock until the service has been heard, and says it is unchecked', () => {
    const { clock } = clocks(-6 * HOUR);
    expect(clock.state()).toEqual({ checked: false, offsetMs: null, corrected: false });
    expect(clock.now()).toBe(SERVICE - 6 * HOUR);
  });

  it('keeps the PC clock while it is within the tolerance of the service’s', () => {
    const { clock, time } = clocks(20_000);
    clock.observe(Math.floor(time.service / 1000) * 1000, time.monotonic - 10, time.monotonic + 10);
    expect(clock.state()).toMatchObject({ checked: true, corrected: false });
    expect(clock.now()).toBe(SERVICE + 20_000);
  });

  it('six hours slow: takes the service’s time, carried forward on the monotonic clock while offline', () => {
    const { clock, time, pass } = clocks(-6 * HOUR);
    clock.observe(SERVICE, time.monotonic, time.monotonic);
    expect(clock.state()).toMatchObject({ checked: true, corrected: true });
    expect(Math.abs((clock.state().offsetMs ?? 0) - 6 * HOUR)).toBeLessThanOrEqual(1000);
    pass(2 * HOUR); // offline for two hours: across midnight into November by the service's clock
    expect(Math.abs(clock.now() - (SERVICE + 2 * HOUR))).toBeLessThanOrEqual(1000);
    expect(businessDateOf(clock.now())).toBe('2026-11-01');
  });

  it('follows the PC clock again once someone sets it right, without waiting for the service', () => {
    const { clock, time, pass } = clocks(-6 * HOUR);
    clock.observe(SERVICE, time.monotonic, time.monotonic);
    pass(60_000);
    time.pcOffset = 0;
    expect(clock.state().corrected).toBe(false);
    expect(Math.abs(clock.now() - time.service)).toBeLessThan(CLOCK_TOLERANCE_MS);
  });

  it('ignores an answer without a readable Date header', () => {
    const { clock, time } = clocks(-6 * HOUR);
    clock.observeAnswer(null, time.monotonic);
    clock.observeAnswer('not a date', time.monotonic);
    expect(clock.state().checked).toBe(false);
  });
});
