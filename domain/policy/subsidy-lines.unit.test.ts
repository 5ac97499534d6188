import { describe, expect, it } from 'vitest';
import { fen } from '../money.ts';
import { cutLinesTo, type SubsidyLine } from './subsidy-lines.ts';
import { linesOf } from './test-support.ts';

const line = (ruleId: string, funding: Record<string, number>): SubsidyLine => {
  const parts = Object.entries(funding).map(([source, amount]) => ({ source, fen: fen(amount) }));
  return {
    ruleId,
    stackGroup: ruleId,
    fen: fen(parts.reduce((sum, part) => sum + part.fen, 0)),
    funding: parts,
  };
};

const BASE = line('base', { city: 400, district: 400 });
const EXTRA = line('extra', { lottery: 400, town: 200 });

describe('cutting stacked subsidies back to a limit', () => {
  it('leaves lines within the limit alone', () => {
    expect(cutLinesTo([BASE, EXTRA], fen(1400))).toEqual([BASE, EXTRA]);
  });

  it('cuts the last group first, and its last funding part first', () => {
    expect(linesOf({ lines: cutLinesTo([BASE, EXTRA], fen(1000)) })).toEqual([
      { ruleId: 'base', fen: 800, funding: { city: 400, district: 400 } },
      { ruleId: 'extra', fen: 200, funding: { lottery: 200 } },
    ]);
  });

  it('drops a group cut to nothing and goes on into the one before', () => {
    expect(linesOf({ lines: cutLinesTo([BASE, EXTRA], fen(500)) })).toEqual([
      { ruleId: 'base', fen: 500, funding: { city: 400, district: 100 } },
    ]);
  });

  it('cuts everything for a limit of zero', () => {
    expect(cutLinesTo([BASE, EXTRA], fen(0))).toEqual([]);
  });
});
