import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatMoney, formatYuan } from '../domain/money.ts';

/**
 * The browser pages are plain JavaScript and cannot import domain/money.ts: each app's shared page
 * script carries its own copy of the money formatter. These hold the copies to the domain's.
 */
interface PageMoney {
  formatMoney(fen: number, options?: { grouped?: boolean }): string;
  formatYuan?(fen: number): string;
  axisMoney?(fen: number, options?: { grouped?: boolean }): string;
}

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const pageScript = async (file: string) =>
  (await import(pathToFileURL(path.join(root, file)).href)) as PageMoney;
const dashboard = await pageScript('settlement-service/dashboard/pages/i18n.js');
const counter = await pageScript('pos-terminal/pages/i18n.js');

const AMOUNTS = [
  0,
  1,
  7,
  -7,
  10,
  99,
  100,
  -100,
  -300,
  1205,
  -1205,
  99_999,
  100_000,
  -100_000,
  123_456_789,
  -123_456_789,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
];

describe('money on the pages', () => {
  it.each(AMOUNTS)('%i fen reads the same on the dashboard, at the counter and in the domain', (amount) => {
    for (const grouped of [false, true]) {
      expect(dashboard.formatMoney(amount, { grouped })).toBe(formatMoney(amount, { grouped }));
      expect(counter.formatMoney(amount, { grouped })).toBe(formatMoney(amount, { grouped }));
    }
    expect(dashboard.formatMoney(amount)).toBe(formatMoney(amount));
    expect(counter.formatMoney(amount)).toBe(formatMoney(amount));
    expect(dashboard.formatYuan?.(amount)).toBe(formatYuan(amount));
  });

  it('has one negative form: the sign before ￥', () => {
    expect(dashboard.formatMoney(-7)).toBe('-￥0.07');
    expect(counter.formatMoney(-7)).toBe('-￥0.07');
  });

  it('labels chart axes in whole yuan where the tick is whole', () => {
    const axisMoney = dashboard.axisMoney;
    if (!axisMoney) throw new Error('the dashboard has no axisMoney');
    expect(axisMoney(500)).toBe('￥5');
    expect(axisMoney(-500)).toBe('-￥5');
    expect(axisMoney(250)).toBe('￥2.50');
    expect(axisMoney(0)).toBe('￥0');
    expect(axisMoney(1_200_000, { grouped: true })).toBe('￥12,000');
    expect(axisMoney(1_200_050, { grouped: true })).toBe('￥12,000.50');
  });
});
