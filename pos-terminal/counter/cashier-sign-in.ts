import type { TerminalSettings } from '../settings.ts';
import { CounterError, type CounterState } from './counter-views.ts';
import { PinCheck } from './pin-check.ts';

type Cashier = TerminalSettings['cashiers'][number];

/** Who is at the till: a cashier signed in with a PIN, or the one a browser session acts as. */
export class CashierSignIn {
  private cashier: Cashier | null = null;
  private readonly pins: PinCheck;

  constructor(
    private readonly cashiers: readonly Cashier[],
    monotonicNow: () => number,
  ) {
    this.pins = new PinCheck(cashiers, monotonicNow);
  }

  /** The cashier at the till, as the pages show them. */
  view(): CounterState['cashier'] {
    return this.cashier
      ? { cashierId: this.cashier.cashierId, name: this.cashier.name, role: this.cashier.role }
      : null;
  }

  /** The cashier whose PIN this is (five wrong PINs in a row lock the counter for a minute). */
  authenticate(pin: string): NonNullable<CounterState['cashier']> {
    const found = this.pins.check(pin);
    return { cashierId: found.cashierId, name: found.name, role: found.role };
  }

  /** The cashier at the till for what comes next; whether that changed who it is. */
  actAs(cashier: CounterState['cashier']): boolean {
    const known = cashier && this.cashiers.find((entry) => entry.cashierId === cashier.cashierId);
    if (this.cashier === (known ?? null)) return false;
    this.cashier = known ?? null;
    return true;
  }

  signOut(): void {
    this.cashier = null;
  }

  /** The manager whose PIN this is: voiding a sale needs one. */
  manager(pin: string): Cashier {
    const manager = this.pins.check(pin);
    if (manager.role !== 'manager')
      throw new CounterError('not-manager', 403, '需要店长密码', 'A manager PIN is needed');
    return manager;
  }

  /** The cashier at the till; refused when nobody is signed in. */
  signedIn(): Cashier {
    if (!this.cashier)
      throw new CounterError('not-signed-in', 401, '请先输入收银员密码登录', 'Sign in with your PIN first');
    return this.cashier;
  }
}
