import { describe, expect, it } from 'vitest';
import { fen } from '../money.ts';
import { reconcileOfflineSale } from './offline.ts';
import { EXCLUSION_REASON_TEXT } from './reasons.ts';
import type { SubsidyLine } from './subsidy-lines.ts';
import { decide, earlier, linesOf, testElder, testPolicy, wireRule } from './test-support.ts';

const line = (ruleId: string, funding: Record<string, number>): SubsidyLine => {
  const parts = Object.entries(funding).map(([source, amount]) => ({ source, fen: fen(amount) }));
  return { ruleId, stackGroup: ruleId, fen: fen(parts.reduce((sum, p) => sum + p.fen, 0)), funding: parts };
};

const decided = (lines: SubsidyLine[], uncapped: number, price = 1200) => ({
  priceFen: fen(price),
  lines,
  subsidyFen: fen(lines.reduce((sum, l) => sum + l.fen, 0)),
  uncappedSubsidyFen: fen(uncapped),
});

const BASE = line('base', { city: 180, district: 120 });

describe('reconciling an offline sale', () => {
  it.each<[string, ReturnType<typeof decided>, number, number, { reason: string; fen: number }[]]>([
    ['applied as decided', decided([BASE], 300), 300, 300, []],
    [
      'applied above what the meal qualifies for',
      decided([BASE], 300),
      500,
      300,
      [{ reason: 'offline-mismatch', fen: 200 }],
    ],
    [
      'applied but the caps took it all',
      decided([], 300),
      300,
      0,
      [{ reason: 'offline-over-cap', fen: 300 }],
    ],
    [
      'applied above the uncapped subsidy and over the caps',
      decided([], 300),
      500,
      0,
      [
        { reason: 'offline-mismatch', fen: 200 },
        { reason: 'offline-over-cap', fen: 300 },
      ],
    ],
    ['a group capped away', decided([BASE], 500), 500, 300, [{ reason: 'offline-over-cap', fen: 200 }]],
    ['nothing applied', decided([BASE], 300), 0, 0, []],
  ])('%s', (_case, decision, applied, reimbursable, excluded) => {
    const result = reconcileOfflineSale(decision, fen(applied));
    expect(result.reimbursableFen).toBe(reimbursable);
    expect(result.excluded).toEqual(excluded);
    expect(result.elderPaysFen).toBe(1200 - applied);
    expect(result.reimbursableFen + result.excluded.reduce((sum, e) => sum + e.fen, 0)).toBe(applied);
  });

  it('pays out no more than was applied, cutting lines as in step 5', () => {
    const result = reconcileOfflineSale(decided([BASE, line('extra', { lottery: 200 })], 500), fen(350));
    expect(result.excluded).toEqual([]);
    expect(linesOf(result)).toEqual([
      { ruleId: 'base', fen: 300, funding: { city: 180, district: 120 } },
      { ruleId: 'extra', fen: 50, funding: { lottery: 50 } },
    ]);
    const less = reconcileOfflineSale(decided([BASE, line('extra', { lottery: 200 })], 500), fen(250));
    expect(linesOf(less)).toEqual([{ ruleId: 'base', fen: 250, funding: { city: 180, district: 70 } }]);
  });

  it('refuses an applied subsidy above the price', () => {
    expect(() => reconcileOfflineSale(decided([BASE], 300, 200), fen(201))).toThrow(RangeError);
  });

  it('excludes everything applied on a card decided at zero', () => {
    const decision = decide({ elder: testElder({ cardRetiredBeforeSale: true }) });
    expect(reconcileOfflineSale(decision, fen(300)).excluded).toEqual([
      { reason: 'offline-mismatch', fen: 300 },
    ]);
  });

  it('excludes a second meal of the day sold while offline as over the cap', () => {
    const policy = testPolicy({ caps: [{ per: 'day', max: 1 }] });
    const second = decide({ policy, history: [earlier('2024-06-03')] });
    expect(reconcileOfflineSale(second, fen(300))).toMatchObject({
      reimbursableFen: 0,
      lines: [],
      excluded: [{ reason: 'offline-over-cap', fen: 300 }],
    });
  });

  it('reimburses the locally applied part of a stacked subsidy', () => {
    const policy = testPolicy({
      rules: [
        wireRule({ ruleId: 'base', stackGroup: 'base' }),
        wireRule({ ruleId: 'daily', stackGroup: 'daily', benefit: { kind: 'fixed', fen: 200 } }),
      ],
      caps: [{ per: 'day', max: 1, stackGroup: 'daily' }],
    });
    const decision = decide({ policy, history: [earlier('2024-06-03', { groups: ['daily'] })] });
    expect(reconcileOfflineSale(decision, fen(600))).toMatchObject({
      reimbursableFen: 300,
      excluded: [
        { reason: 'offline-mismatch', fen: 100 },
        { reason: 'offline-over-cap', fen: 200 },
      ],
    });
  });

  it('has words for each exclusion reason', () => {
    expect(EXCLUSION_REASON_TEXT['offline-over-cap'].zh).toBe('脱机期间超出补贴次数，不予结算');
    expect(EXCLUSION_REASON_TEXT['offline-mismatch'].en).toMatch(/not reimbursed/);
  });
});
