import { pinMatches } from '../../domain/identity/pin-hash.ts';
import type { TerminalSettings } from '../settings.ts';
import { CounterError } from './counter-views.ts';

const MAX_PIN_FAILURES = 5;
const PIN_LOCK_MS = 60_000;

type Cashier = TerminalSettings['cashiers'][number];

/**
 * PINs are checked on the terminal (it must work offline); five wrong ones in a row lock it for a
 * minute, on the monotonic clock, so that the lock lasts its minute whatever happens to the time.
 */
export class PinCheck {
  private failures = 0;
  private lockedUntil = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly cashiers: readonly Cashier[],
    private readonly monotonicNow: () => number,
  ) {}

  /** The cashier whose PIN this is. */
  check(pin: string): Cashier {
    if (this.monotonicNow() < this.lockedUntil)
      throw new CounterError(
        'pin-locked',
        429,
        '密码错误次数过多，请一分钟后再试',
        'Too many wrong PINs: wait a minute',
      );
    const found = this.cashiers.find((cashier) => pinMatches(pin, cashier.pinHash));
    if (!found) {
      this.failures += 1;
      if (this.failures >= MAX_PIN_FAILURES) {
        this.lockedUntil = this.monotonicNow() + PIN_LOCK_MS;
        this.failures = 0;
      }
      throw new CounterError('pin-wrong', 401, '密码不正确', 'Wrong PIN');
    }
    this.failures = 0;
    return found;
  }
}
