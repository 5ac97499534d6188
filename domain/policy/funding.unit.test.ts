import { describe, expect, it } from 'vitest';
import { fen } from '../money.ts';
import { type HomeLocality, keepLocalParts, splitFunding } from './funding.ts';
import type { Funding } from './policy-types.ts';

const shares = (...bps: number[]): Funding => ({
  kind: 'shares',
  parts: bps.map((shareBp, index) => ({ source: `s${index + 1}`, shareBp, locality: null })),
});

/** Zengcheng-like: city 300, district 300 (district), the rest from the town (town). */
const ZENGCHENG: Funding = {
  kind: 'fixed',
  parts: [
    { kind: 'up-to', source: 'city', fen: fen(300), locality: null },
    { kind: 'up-to', source: 'district', fen: fen(300), locality: 'district' },
    { kind: 'rest', source: 'town', locality: 'town' },
  ],
};

const amounts = (amount: number, funding: Funding) =>
  splitFunding(fen(amount), funding).map((part) => part.fen);

describe('splitting a rule subsidy over its funding', () => {
  it.each([
    [301, [6000, 4000], [181, 120]], // 180.6 / 120.4: largest remainder
    [300, [6000, 4000], [180, 120]],
    [1, [5000, 5000], [1, 0]], // tie: the first listed source
    [2, [3333, 3333, 3334], [1, 0, 1]], // remainders .6666 .6666 .6668
    [0, [10_000], [0]],
  ])('shares: %i fen by %o is %o', (amount, bps, expected) => {
    expect(amounts(amount, shares(...bps))).toEqual(expected);
  });

  it.each([
    [1100, [300, 300, 500]],
    [600, [300, 300, 0]],
    [450, [300, 150, 0]], // each part at most its fen of what is left
    [200, [200, 0, 0]],
  ])('fixed parts with a rest: %i fen is %o', (amount, expected) => {
    expect(amounts(amount, ZENGCHENG)).toEqual(expected);
  });

  it('leaves unpaid what exceeds fixed parts without a rest part', () => {
    const noRest: Funding = {
      kind: 'fixed',
      parts: [
        { kind: 'up-to', source: 'city', fen: fen(300), locality: null },
        { kind: 'up-to', source: 'district', fen: fen(300), locality: null },
      ],
    };
    expect(amounts(1100, noRest)).toEqual([300, 300]);
  });

  it('lets the rest part take what remains after all fixed parts, wherever it is listed', () => {
    const restFirst: Funding = {
      kind: 'fixed',
      parts: [
        { kind: 'rest', source: 'town', locality: null },
        { kind: 'up-to', source: 'city', fen: fen(300), locality: null },
      ],
    };
    expect(amounts(500, restFirst)).toEqual([200, 300]);
    expect(amounts(250, restFirst)).toEqual([0, 250]);
  });
});

describe('locality of funding parts', () => {
  const ownTown: HomeLocality = { sameDistrict: true, sameTown: true };
  const otherTown: HomeLocality = { sameDistrict: true, sameTown: false };
  const otherDistrict: HomeLocality = { sameDistrict: false, sameTown: false };

  it.each([
    ['own town', ownTown, { city: 300, district: 300, town: 500 }],
    ['another town of the district', otherTown, { city: 300, district: 300 }],
    ['another district', otherDistrict, { city: 300 }],
  ])('eating in %s keeps %o', (_where, home, expected) => {
    const kept = keepLocalParts(splitFunding(fen(1100), ZENGCHENG), home);
    expect(Object.fromEntries(kept.map((part) => [part.source, part.fen]))).toEqual(expected);
  });

  it('leaves zero parts out', () => {
    expect(keepLocalParts(splitFunding(fen(300), ZENGCHENG), ownTown)).toEqual([
      { source: 'city', fen: 300 },
    ]);
  });
});
