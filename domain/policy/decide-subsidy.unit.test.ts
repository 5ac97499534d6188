import { describe, expect, it } from 'vitest';
import { fen } from '../money.ts';
import { benefitOf, mealPriceOf } from './decide-subsidy.ts';
import { SUBSIDY_REASON_CODES, SUBSIDY_REASON_TEXT } from './reasons.ts';
import {
  decide,
  linesOf,
  OTHER_DISTRICT_CANTEEN,
  OTHER_TOWN_CANTEEN,
  testElder,
  testPolicy,
  wireRule,
} from './test-support.ts';

const rule = wireRule;
const withRules = (...rules: Record<string, unknown>[]) => testPolicy({ rules });

describe("a meal's price", () => {
  it('is the sum of item price × quantity, whatever the quantities', () => {
    expect(
      mealPriceOf([
        { unitPriceFen: fen(600), qty: 2 },
        { unitPriceFen: fen(300), qty: 1 },
      ]),
    ).toBe(1500);
  });

  it.each([0, -1, 1.5])('refuses quantity %s', (qty) => {
    expect(() => mealPriceOf([{ unitPriceFen: fen(600), qty }])).toThrow(RangeError);
  });
});

describe('step 1: no subsidy at all', () => {
  it('subsidises the default meal, as a baseline', () => {
    const decision = decide();
    expect(decision).toMatchObject({
      policyId: 'test-2024',
      businessDate: '2024-06-03',
      period: 'lunch',
      subsidyFen: 300,
      elderPaysFen: 900,
      reasons: [],
    });
  });

  it.each([
    ['no card', { elder: null }, 'no-card'],
    ['no policy', { policy: null }, 'no-policy'],
    ['a policy not yet in force', { policy: testPolicy({ effectiveFrom: '2024-07-01' }) }, 'no-policy'],
    ['a policy that has ended', { policy: testPolicy({ effectiveTo: '2024-06-03' }) }, 'no-policy'],
    ['a sale outside every period', { at: '2024-06-03T10:00:00+08:00' }, 'outside-periods'],
    ['a sale at the end of lunch', { at: '2024-06-03T13:30:00+08:00' }, 'outside-periods'],
    ['an elder who died the day before', { elder: testElder({ deathDate: '2024-06-02' }) }, 'elder-deceased'],
    [
      'a home-district policy in another district',
      { policy: testPolicy({ scope: 'home-district' }), canteen: OTHER_DISTRICT_CANTEEN },
      'out-of-scope',
    ],
    [
      'a home-canteen policy at another canteen',
      { policy: testPolicy({ scope: 'home-canteen' }), canteen: OTHER_TOWN_CANTEEN },
      'out-of-scope',
    ],
    [
      'a home-canteen policy for an elder without one',
      { policy: testPolicy({ scope: 'home-canteen' }), elder: testElder({ homeCanteenId: null }) },
      'out-of-scope',
    ],
    ['a card retired before the sale', { elder: testElder({ cardRetiredBeforeSale: true }) }, 'card-retired'],
  ])('%s gives nothing', (_case, meal, reason) => {
    const decision = decide(meal);
    expect(decision.subsidyFen).toBe(0);
    expect(decision.elderPaysFen).toBe(1200);
    expect(decision.lines).toEqual([]);
    expect(decision.uncappedSubsidyFen).toBe(0);
    expect(decision.reasons).toEqual([reason]);
  });

  it.each([
    ['an elder who dies on the day of the meal', { elder: testElder({ deathDate: '2024-06-03' }) }],
    ['a citywide policy in another district', { canteen: OTHER_DISTRICT_CANTEEN }],
    [
      'a home-district policy in another town',
      { policy: testPolicy({ scope: 'home-district' }), canteen: OTHER_TOWN_CANTEEN },
    ],
    ['a home-canteen policy at the home canteen', { policy: testPolicy({ scope: 'home-canteen' }) }],
    ['a sale at the start of breakfast', { at: '2024-06-03T06:30:00+08:00' }],
  ])('%s is subsidised', (_case, meal) => {
    expect(decide(meal).subsidyFen).toBe(300);
  });

  it('takes the business date and time of day in Asia/Shanghai', () => {
    // 23:30 UTC on 2 June is 07:30 on 3 June in Shanghai: breakfast, the day after the death.
    const late = decide({ at: '2024-06-02T23:30:00Z', elder: testElder({ deathDate: '2024-06-02' }) });
    expect(late).toMatchObject({
      businessDate: '2024-06-03',
      period: 'breakfast',
      reasons: ['elder-deceased'],
    });
    const sameDay = decide({ at: '2024-06-02T04:00:00Z', elder: testElder({ deathDate: '2024-06-02' }) });
    expect(sameDay).toMatchObject({ businessDate: '2024-06-02', period: 'lunch', subsidyFen: 300 });
  });

  it('names the first reason in the order of docs/policy-language.en.md when several hold', () => {
    const decision = decide({
      at: '2024-06-03T10:00:00+08:00',
      elder: testElder({ deathDate: '2024-01-01', cardRetiredBeforeSale: true }),
    });
    expect(decision.reasons).toEqual(['outside-periods']);
  });
});

describe('step 2: each rule whose conditions hold', () => {
  const age = (minAge: number | null, maxAge: number | null) =>
    withRules(rule({ eligible: { minAge, maxAge } }));

  it.each([
    ['the day before the 80th birthday', '2024-05-09T12:00:00+08:00', 80, null, 0],
    ['the 80th birthday itself', '2024-05-10T12:00:00+08:00', 80, null, 300],
    ['maxAge 80 on the 80th birthday (inclusive)', '2024-05-10T12:00:00+08:00', 60, 80, 300],
    ['maxAge 79 on the 80th birthday', '2024-05-10T12:00:00+08:00', 60, 79, 0],
  ])('age: %s', (_case, at, minAge, maxAge, subsidy) => {
    expect(decide({ policy: age(minAge, maxAge), at }).subsidyFen).toBe(subsidy);
  });

  it('ages someone born on 29 February on 1 March in a common year', () => {
    const elder = testElder({ birthDate: '1944-02-29' });
    const policy = testPolicy({ effectiveFrom: '2023-01-01', rules: [rule({ eligible: { minAge: 79 } })] });
    expect(decide({ policy, elder, at: '2023-02-28T12:00:00+08:00' }).reasons).toEqual(['not-eligible']);
    expect(decide({ policy, elder, at: '2023-03-01T12:00:00+08:00' }).subsidyFen).toBe(300);
  });

  const holding = (category: string, from = '2024-01-01', to: string | null = null) => ({
    category,
    from,
    to,
  });

  it.each([
    ['any: holds one of them', { categoriesAny: ['dibao', 'tekun'] }, [holding('tekun')], 300],
    ['any: holds none of them', { categoriesAny: ['dibao', 'tekun'] }, [holding('veteran')], 0],
    [
      'all: holds every one',
      { categoriesAll: ['disabled', 'dibao'] },
      [holding('dibao'), holding('disabled')],
      300,
    ],
    ['all: lacks one', { categoriesAll: ['disabled', 'dibao'] }, [holding('dibao')], 0],
    ['empty lists: no condition', { categoriesAny: [], categoriesAll: [] }, [], 300],
    [
      'a category from the business date (inclusive)',
      { categoriesAny: ['dibao'] },
      [holding('dibao', '2024-06-03')],
      300,
    ],
    ['a category from the next day', { categoriesAny: ['dibao'] }, [holding('dibao', '2024-06-04')], 0],
    [
      'a category ending on the business date (exclusive)',
      { categoriesAny: ['dibao'] },
      [holding('dibao', '2024-01-01', '2024-06-03')],
      0,
    ],
    [
      'a category ending the next day',
      { categoriesAny: ['dibao'] },
      [holding('dibao', '2024-01-01', '2024-06-04')],
      300,
    ],
  ])('categories: %s', (_case, eligible, categories, subsidy) => {
    const policy = withRules(rule({ eligible }));
    expect(decide({ policy, elder: testElder({ categories }) }).subsidyFen).toBe(subsidy);
  });

  it('requires every condition given', () => {
    const policy = withRules(rule({ eligible: { minAge: 60, categoriesAny: ['dibao'] } }));
    const young = testElder({ birthDate: '1970-01-01', categories: [holding('dibao')] });
    expect(decide({ policy, elder: young }).reasons).toEqual(['not-eligible']);
    expect(decide({ policy, elder: testElder({ categories: [holding('dibao')] }) }).subsidyFen).toBe(300);
  });

  it.each([
    [
      'lunch rule at breakfast',
      rule({ periods: ['lunch', 'dinner'] }),
      { at: '2024-06-03T07:00:00+08:00' },
      0,
      'period-not-subsidised',
    ],
    [
      'lunch rule at dinner',
      rule({ periods: ['lunch', 'dinner'] }),
      { at: '2024-06-03T18:00:00+08:00' },
      300,
      null,
    ],
    ['no periods: all', rule(), { at: '2024-06-03T07:00:00+08:00' }, 300, null],
    [
      'dine-in rule on delivery',
      rule({ channels: ['dine-in'] }),
      { channel: 'delivery' as const },
      0,
      'channel-not-subsidised',
    ],
    ['no channels: both', rule(), { channel: 'delivery' as const }, 300, null],
    ['minimum spend 501 on a 500 bill', rule({ minSpendFen: 501 }), { priceFen: 500 }, 0, 'below-min-spend'],
    ['minimum spend 501 on a 501 bill', rule({ minSpendFen: 501 }), { priceFen: 501 }, 300, null],
  ])('%s', (_case, wire, meal, subsidy, reason) => {
    const decision = decide({ policy: withRules(wire), ...meal });
    expect(decision.subsidyFen).toBe(subsidy);
    expect(decision.reasons).toEqual(reason === null ? [] : [reason]);
  });

  it.each([
    [{ kind: 'fixed', fen: 300 }, 1200, 300],
    [{ kind: 'percentOff', bp: 1500 }, 999, 149], // 149.85 rounded down
    [{ kind: 'percentOff', bp: 5000, maxFen: 400 }, 1200, 400],
    [{ kind: 'percentOff', bp: 5000, maxFen: 700 }, 1200, 600],
    [{ kind: 'payAtMost', fen: 100 }, 1200, 1100],
    [{ kind: 'payAtMost', fen: 500 }, 400, 0], // never below zero
  ])('benefit %o on %i fen gives %i', (benefit, price, subsidy) => {
    expect(decide({ policy: withRules(rule({ benefit })), priceFen: price }).subsidyFen).toBe(subsidy);
  });

  it('computes each benefit kind alone', () => {
    expect(benefitOf({ kind: 'percentOff', bp: 1000, maxFen: null }, fen(1234))).toBe(123);
    expect(benefitOf({ kind: 'payAtMost', fen: fen(300) }, fen(250))).toBe(0);
  });

  it.each([
    [{ kind: 'fixed', fen: 1000 }, 1200, 300, 900],
    [{ kind: 'fixed', fen: 500 }, 1200, 300, 500],
    [{ kind: 'payAtMost', fen: 0 }, 1200, 200, 1000],
    [{ kind: 'fixed', fen: 500 }, 250, 300, 0], // the elder's minimum exceeds the price
  ])('benefit %o on %i fen with elderMinPayFen %i gives %i', (benefit, price, minPay, subsidy) => {
    const policy = testPolicy({ elderMinPayFen: minPay, rules: [rule({ benefit })] });
    const decision = decide({ policy, priceFen: price });
    expect(decision.subsidyFen).toBe(subsidy);
    expect(decision.elderPaysFen).toBe(price - subsidy);
  });

  it('says there is nothing to subsidise when a rule applies but gives zero', () => {
    const policy = withRules(rule({ benefit: { kind: 'payAtMost', fen: 1500 } }));
    expect(decide({ policy }).reasons).toEqual(['nothing-to-subsidise']);
  });

  it('splits the amount by shares and records the parts', () => {
    const policy = withRules(
      rule({
        benefit: { kind: 'fixed', fen: 301 },
        funding: [
          { source: 'city-welfare-lottery', shareBp: 6000 },
          { source: 'district-finance', shareBp: 4000, locality: 'district' },
        ],
      }),
    );
    expect(linesOf(decide({ policy }))).toEqual([
      { ruleId: 'r1', fen: 301, funding: { 'city-welfare-lottery': 181, 'district-finance': 120 } },
    ]);
    const away = decide({ policy, canteen: OTHER_DISTRICT_CANTEEN });
    expect(linesOf(away)).toEqual([{ ruleId: 'r1', fen: 181, funding: { 'city-welfare-lottery': 181 } }]);
    expect(away.reasons).toEqual(['outside-locality']);
  });

  it('says when locality drops every part', () => {
    const policy = withRules(rule({ funding: [{ source: 'town', shareBp: 10_000, locality: 'town' }] }));
    expect(decide({ policy, canteen: OTHER_TOWN_CANTEEN })).toMatchObject({
      subsidyFen: 0,
      reasons: ['outside-locality'],
    });
  });

  it('leaves zero funding parts out of the line', () => {
    const policy = withRules(
      rule({
        funding: [
          { source: 'city', shareBp: 10_000 },
          { source: 'district', shareBp: 0 },
        ],
      }),
    );
    expect(decide({ policy }).lines[0]?.funding).toEqual([{ source: 'city', fen: 300 }]);
  });
});

describe('step 3: rules in a stack group compete', () => {
  const fixed = (ruleId: string, amount: number, stackGroup?: string, extra: Record<string, unknown> = {}) =>
    rule({
      ruleId,
      benefit: { kind: 'fixed', fen: amount },
      ...(stackGroup ? { stackGroup } : {}),
      ...extra,
    });

  it('gives the largest subsidy of the group', () => {
    const decision = decide({ policy: withRules(fixed('a', 200, 'base'), fixed('b', 300, 'base')) });
    expect(linesOf(decision)).toEqual([{ ruleId: 'b', fen: 300, funding: { city: 300 } }]);
    expect(decision.lines[0]?.stackGroup).toBe('base');
  });

  it('gives a tie to the rule first in the document', () => {
    const decision = decide({ policy: withRules(fixed('a', 300, 'base'), fixed('b', 300, 'base')) });
    expect(decision.lines.map((line) => line.ruleId)).toEqual(['a']);
  });

  it('compares subsidies after locality drops', () => {
    const local = fixed('local', 500, 'base', {
      funding: [
        { source: 'city', fen: 200 },
        { source: 'district', rest: true, locality: 'district' },
      ],
    });
    const policy = withRules(local, fixed('plain', 300, 'base'));
    expect(decide({ policy }).lines.map((line) => [line.ruleId, line.fen])).toEqual([['local', 500]]);
    const away = decide({ policy, canteen: OTHER_DISTRICT_CANTEEN });
    expect(away.lines.map((line) => [line.ruleId, line.fen])).toEqual([['plain', 300]]);
    expect(away.reasons).toEqual(['outside-locality']);
  });

  it('adds up different groups, each rule without a group being its own, in order of first rule', () => {
    const policy = withRules(
      fixed('age', 200, 'base'),
      fixed('solo-1', 50),
      fixed('hardship', 100, 'extra'),
      fixed('age-80', 300, 'base'),
      fixed('solo-2', 70),
    );
    const decision = decide({ policy });
    expect(decision.lines.map((line) => [line.ruleId, line.stackGroup, line.fen])).toEqual([
      ['age-80', 'base', 300],
      ['solo-1', null, 50],
      ['hardship', 'extra', 100],
      ['solo-2', null, 70],
    ]);
    expect(decision.subsidyFen).toBe(520);
    expect(decision.elderPaysFen).toBe(680);
  });

  it('lets a group whose best is zero give nothing, and others still pay', () => {
    const policy = withRules(fixed('zero', 0, 'base'), fixed('other', 100, 'extra'));
    expect(decide({ policy }).lines.map((line) => line.ruleId)).toEqual(['other']);
  });
});

describe('step 5: the groups add up, within what the elder need not pay', () => {
  const policy = testPolicy({
    elderMinPayFen: 200,
    rules: [
      rule({
        ruleId: 'discount',
        stackGroup: 'discount',
        benefit: { kind: 'percentOff', bp: 5000 },
        funding: [
          { source: 'city', shareBp: 5000 },
          { source: 'district', shareBp: 5000 },
        ],
      }),
      rule({
        ruleId: 'daily',
        stackGroup: 'daily',
        benefit: { kind: 'fixed', fen: 600 },
        funding: [
          { source: 'lottery', fen: 400 },
          { source: 'town', rest: true },
        ],
      }),
    ],
  });

  it('keeps the sum when it fits', () => {
    // 50% of 2400 = 1200, + 600 = 1800 ≤ 2400 − 200.
    expect(decide({ policy, priceFen: 2400 }).subsidyFen).toBe(1800);
  });

  it('cuts the excess from the last group, its last funding part first', () => {
    // 600 + 600 = 1200 > 1200 − 200: 200 off "daily", first from town (200), leaving lottery 400.
    const decision = decide({ policy, priceFen: 1200 });
    expect(linesOf(decision)).toEqual([
      { ruleId: 'discount', fen: 600, funding: { city: 300, district: 300 } },
      { ruleId: 'daily', fen: 400, funding: { lottery: 400 } },
    ]);
    expect(decision.elderPaysFen).toBe(200);
  });

  it('cuts a group that no longer fits to what is left', () => {
    // Limit 500 − 200 = 300; discount 250 (125 + 125), daily min(600, 300) = 300 from lottery:
    // the 250 excess comes off daily, leaving lottery 50.
    expect(linesOf(decide({ policy, priceFen: 500 }))).toEqual([
      { ruleId: 'discount', fen: 250, funding: { city: 125, district: 125 } },
      { ruleId: 'daily', fen: 50, funding: { lottery: 50 } },
    ]);
  });

  it('drops a group cut to nothing and goes on into the group before it', () => {
    const three = withRules(
      rule({ ruleId: 'a', benefit: { kind: 'fixed', fen: 300 } }),
      rule({ ruleId: 'b', benefit: { kind: 'fixed', fen: 300 } }),
      rule({ ruleId: 'c', benefit: { kind: 'fixed', fen: 100 } }),
    );
    // 700 against a 400 price: c loses its 100, b loses 200 of its 300.
    expect(linesOf(decide({ policy: three, priceFen: 400 }))).toEqual([
      { ruleId: 'a', fen: 300, funding: { city: 300 } },
      { ruleId: 'b', fen: 100, funding: { city: 100 } },
    ]);
    expect(decide({ policy: three, priceFen: 300 }).lines.map((line) => line.ruleId)).toEqual(['a']);
  });
});

describe('reasons for the cashier', () => {
  it('has plain Chinese and English words for every code', () => {
    for (const code of SUBSIDY_REASON_CODES) {
      expect(SUBSIDY_REASON_TEXT[code].zh).toMatch(/\p{Script=Han}/u);
      expect(SUBSIDY_REASON_TEXT[code].en.length).toBeGreaterThan(5);
    }
    expect(SUBSIDY_REASON_TEXT['cap-day']).toEqual({
      zh: '今日补贴次数已用完',
      en: 'Today’s subsidised meals are used up',
    });
    expect(SUBSIDY_REASON_TEXT['card-retired'].zh).toBe('卡已挂失或换卡');
  });

  it('picks the reason of the rule that came closest to applying', () => {
    const policy = withRules(
      rule({ ruleId: 'old', eligible: { minAge: 90 } }),
      rule({ ruleId: 'delivery', channels: ['delivery'] }),
      rule({ ruleId: 'lunch', periods: ['dinner'] }),
    );
    expect(decide({ policy }).reasons).toEqual(['channel-not-subsidised']);
  });
});
