/**
 * Money in the domain is always an integer number of fen (分, 1/100 yuan), never a float.
 * `Fen` is a branded number so that a plain number cannot be passed where money is expected
 * without going through `fen()`, which rejects non-integers.
 */
export type Fen = number & { readonly __brand: 'Fen' };

export class MoneyError extends Error {
  override readonly name = 'MoneyError';
}

/** Checks that `amount` is a safe integer and brands it as fen. */
export function fen(amount: number): Fen {
  if (!Number.isSafeInteger(amount)) {
    throw new MoneyError(`amount of money must be a whole number of fen, got ${amount}`);
  }
  return amount as Fen;
}

export const ZERO: Fen = fen(0);

export function add(...amounts: readonly Fen[]): Fen {
  let total = 0;
  for (const amount of amounts) total += amount;
  return fen(total);
}

export function subtract(a: Fen, b: Fen): Fen {
  return fen(a - b);
}

export function multiply(amount: Fen, times: number): Fen {
  if (!Number.isSafeInteger(times)) throw new MoneyError(`multiplier must be a whole number, got ${times}`);
  return fen(amount * times);
}

export function min(a: Fen, b: Fen): Fen {
  return a <= b ? a : b;
}

export function max(a: Fen, b: Fen): Fen {
  return a >= b ? a : b;
}

/** Never below zero. */
export function nonNegative(amount: Fen): Fen {
  return amount < 0 ? ZERO : amount;
}

/** Basis points of an amount (10000 bp = 100%), rounded down to a whole fen. */
export function basisPointsOf(amount: Fen, bp: number): Fen {
  if (!Number.isSafeInteger(bp) || bp < 0)
    throw new MoneyError(`basis points must be a whole number ≥ 0, got ${bp}`);
  return fen(Math.floor((amount * bp) / 10_000));
}

/**
 * Splits `amount` by shares in basis points (summing to 10000) with the largest-remainder method,
 * so that the parts add up to `amount` exactly. Ties in the remainder go to the share listed first.
 */
export function splitByShares(amount: Fen, sharesBp: readonly number[]): Fen[] {
  const totalBp = sharesBp.reduce((sum, bp) => sum + bp, 0);
  if (totalBp !== 10_000) throw new MoneyError(`shares must sum to 10000 bp, got ${totalBp}`);
  if (amount < 0) throw new MoneyError(`cannot split a negative amount: ${amount}`);
  const floors = sharesBp.map((bp) => Math.floor((amount * bp) / 10_000));
  const remainders = sharesBp.map((bp, index) => ({ index, remainder: (amount * bp) % 10_000 }));
  let left = amount - floors.reduce((sum, part) => sum + part, 0);
  remainders.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of remainders) {
    if (left === 0) break;
    floors[index] = (floors[index] ?? 0) + 1;
    left -= 1;
  }
  return floors.map(fen);
}

/*
 * The one way money is written for people. Integer arithmetic only; a negative amount has its sign
 * in front of everything (-￥0.07, -0.07). The browser pages carry the same two functions in their
 * shared page script (tests/page-money.unit.test.ts holds them to these).
 */

/**
 * Yuan as a plain number, 12.34 and -0.07: for CSV cells, tables under a (元) heading and "… 元" in
 * a sentence. Throws unless `amount` is a whole number of fen.
 */
export function formatYuan(amount: number): string {
  const checked = fen(amount);
  return `${checked < 0 ? '-' : ''}${yuanDigits(Math.abs(checked), false)}`;
}

/**
 * Money as people read it: ￥12.34 and -￥0.07; `grouped` sets thousands apart (￥1,234.56) for
 * tables of large figures. The full-width ￥ (U+FFE5) is a GBK character that receipt printers print.
 */
export function formatMoney(amount: number, { grouped = false }: { grouped?: boolean } = {}): string {
  const checked = fen(amount);
  return `${checked < 0 ? '-' : ''}￥${yuanDigits(Math.abs(checked), grouped)}`;
}

function yuanDigits(abs: number, grouped: boolean): string {
  const whole = String(Math.floor(abs / 100));
  return `${grouped ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : whole}.${String(abs % 100).padStart(2, '0')}`;
}
