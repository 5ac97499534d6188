import { describe, expect, it } from 'vitest';
import { basisPointsOf, fen, formatMoney, formatYuan, MoneyError, splitByShares } from './money.ts';

describe('money in fen', () => {
  it('refuses fractions of a fen', () => {
    expect(() => fen(1.5)).toThrow(MoneyError);
    expect(() => fen(Number.NaN)).toThrow(MoneyError);
  });

  it('takes basis points rounded down', () => {
    expect(basisPointsOf(fen(999), 1500)).toBe(149); // 149.85 → 149
    expect(basisPointsOf(fen(1200), 5000)).toBe(600);
  });

  it('splits by shares with the largest remainder so parts add up exactly', () => {
    expect(splitByShares(fen(100), [3333, 3333, 3334])).toEqual([33, 33, 34]);
    expect(splitByShares(fen(301), [6000, 4000])).toEqual([181, 120]); // 180.6 / 120.4
    expect(splitByShares(fen(1), [5000, 5000])).toEqual([1, 0]); // tie: first listed
    expect(splitByShares(fen(0), [10_000])).toEqual([0]);
  });

  it('refuses shares that do not sum to 10000', () => {
    expect(() => splitByShares(fen(100), [5000, 4000])).toThrow(/10000/);
  });

  it('formats yuan for people', () => {
    expect(formatYuan(fen(1205))).toBe('12.05');
    expect(formatYuan(fen(-7))).toBe('-0.07');
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(123_456_789)).toBe('1234567.89');
  });

  it('formats money with the sign in front of ￥, thousands grouped only when asked', () => {
    expect(formatMoney(1200)).toBe('￥12.00');
    expect(formatMoney(-7)).toBe('-￥0.07');
    expect(formatMoney(-300)).toBe('-￥3.00');
    expect(formatMoney(0)).toBe('￥0.00');
    expect(formatMoney(123_456_789)).toBe('￥1234567.89');
    expect(formatMoney(123_456_789, { grouped: true })).toBe('￥1,234,567.89');
    expect(formatMoney(-100_000, { grouped: true })).toBe('-￥1,000.00');
    expect(formatMoney(99_999, { grouped: true })).toBe('￥999.99');
  });

  it('formats only whole fen, never a float', () => {
    expect(() => formatMoney(12.5)).toThrow(MoneyError);
    expect(() => formatYuan(0.1 + 0.2)).toThrow(MoneyError);
  });
});
