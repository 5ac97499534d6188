import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SETTLEMENT_STATUS_WORDS } from '../domain/settlement/status-words.ts';

/**
 * A month's state has one word wherever people read it: the statements and exports print the
 * domain's table, the dashboard page its own copy in i18n.js. These hold the copy to the table.
 */
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const page = (await import(
  pathToFileURL(path.join(root, 'settlement-service/dashboard/pages/i18n.js')).href
)) as { WORDS: Record<'zh-CN' | 'en', { settlementStatus: Record<string, string> }> };

describe('settlement status words', () => {
  it('are the same on the dashboard page as on statements and exports, in Chinese and English', () => {
    const zh = Object.fromEntries(
      Object.entries(SETTLEMENT_STATUS_WORDS).map(([state, word]) => [state, word.zh]),
    );
    const en = Object.fromEntries(
      Object.entries(SETTLEMENT_STATUS_WORDS).map(([state, word]) => [state, word.en]),
    );
    expect(page.WORDS['zh-CN'].settlementStatus).toEqual(zh);
    expect(page.WORDS.en.settlementStatus).toEqual(en);
  });

  it('say 已关账 and 已拨付, one word per state', () => {
    expect(SETTLEMENT_STATUS_WORDS.closed.zh).toBe('已关账');
    expect(SETTLEMENT_STATUS_WORDS.paid.zh).toBe('已拨付');
    const words = Object.values(SETTLEMENT_STATUS_WORDS).map((word) => word.zh);
    expect(new Set(words).size).toBe(words.length);
  });
});
