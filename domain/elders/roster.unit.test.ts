import { describe, expect, it } from 'vitest';
import { idNumber } from '../../testkit/id-numbers.ts';
import { categoryCodesOf, checkRoster, ROSTER_COLUMNS, type RosterRow, rosterDateOf } from './roster.ts';

const rowOf = (row: number, cells: Partial<Record<(typeof ROSTER_COLUMNS)[number], string>>): RosterRow => ({
  row,
  cells: {
    ...(Object.fromEntries(ROSTER_COLUMNS.map((column) => [column, ''])) as RosterRow['cells']),
    ...cells,
  },
});

describe('roster rows', () => {
  it('maps category names to the policy codes, in the order given, once each', () => {
    // 残疾 (a disability) and 失能 (unable to care for oneself) are different categories.
    expect(categoryCodesOf('低保，残疾、失能;计生特扶')).toEqual({
      codes: ['dibao', 'disability', 'disabled', 'family-planning'],
      unknown: [],
    });
    expect(categoryCodesOf('tekun 五保')).toEqual({ codes: ['tekun'], unknown: ['五保'] });
  });

  it('reads the usual ways of writing a date, and nothing else', () => {
    for (const text of ['2026-03-01', '2026/3/1', '2026.3.1', '20260301', '2026年3月1日'])
      expect(rosterDateOf(text), text).toBe('2026-03-01');
    for (const text of ['2026-02-30', '3/1/2026', '2026-3', '']) expect(rosterDateOf(text), text).toBeNull();
  });

  it('refuses every row that shares an ID number or a card, and passes the others', () => {
    const base = { 姓名: '王秀英', 区: '东城区', 街镇: '和平里街道' };
    const shared = idNumber('1940-01-01', '002');
    const checked = checkRoster(
      [
        rowOf(2, { ...base, 身份证号: shared }),
        rowOf(3, { ...base, 身份证号: shared.toLowerCase() }),
        rowOf(4, { ...base, 身份证号: idNumber('1941-01-01', '012'), 卡号: 'K1' }),
        rowOf(5, { ...base, 身份证号: idNumber('1942-01-01', '022'), 卡号: 'K1' }),
        rowOf(6, {
          ...base,
          身份证号: idNumber('1943-01-01', '032'),
          类别: '低保',
          起始日期: '2026-01-01',
          截止日期: '2025-01-01',
        }),
        rowOf(7, { ...base, 身份证号: idNumber('2030-01-01', '042') }),
        rowOf(8, {
          ...base,
          身份证号: idNumber('1944-01-01', '052'),
          类别: '低保,优抚',
          起始日期: '2026/1/1',
        }),
      ],
      '2026-10-01',
    );
    expect(checked.map((row) => row.reasons.map((reason) => reason.code))).toEqual([
      ['id-number-duplicate'],
      ['id-number-duplicate'],
      ['card-duplicate'],
      ['card-duplicate'],
      ['date-order'],
      ['id-number-invalid'],
      [],
    ]);
    expect(checked[6]?.entry?.categories).toEqual([
      { category: 'dibao', from: '2026-01-01', to: null },
      { category: 'veteran', from: '2026-01-01', to: null },
    ]);
  });
});
