// Hand-computed cases for the policy oracle: every expected figure is worked out in the comments from
// the policy language's specification, never by calling the oracle.
import { describe, expect, it } from 'vitest';
import {
  decideMonth,
  type OracleCanteen,
  type OracleElder,
  type OracleEvent,
  type OracleFigures,
  type OracleMonth,
} from './policy-oracle.ts';

// Calendar used below (2026): 10-03 Saturday, 10-04 Sunday, 10-05 Monday; 2026 is a common year.
const PERIODS = {
  breakfast: { from: '06:30', to: '09:00' },
  lunch: { from: '11:00', to: '13:30' },
  dinner: { from: '17:00', to: '19:00' },
};

// c1 and c2 share district d1 (towns t1 and t2); c3 lies in district d2.
const CANTEENS: OracleCanteen[] = [
  { canteenId: 'c1', district: 'd1', town: 't1', periods: PERIODS },
  { canteenId: 'c2', district: 'd1', town: 't2', periods: PERIODS },
  { canteenId: 'c3', district: 'd2', town: 't3', periods: PERIODS },
];

/** Default elder: 86 in October 2026, living in d1/t1, home canteen c1. */
function elder(elderId: string, overrides: Partial<OracleElder> = {}): OracleElder {
  return {
    elderId,
    birthDate: '1940-05-10',
    district: 'd1',
    town: 't1',
    homeCanteenId: 'c1',
    categories: [],
    diedOn: null,
    ...overrides,
  };
}

/** A sale at a Shanghai local time 'YYYY-MM-DD HH:MM'. */
function sale(
  saleId: string,
  canteenId: string,
  elderId: string | null,
  at: string,
  priceFen: number,
  channel: 'dine-in' | 'delivery' = 'dine-in',
): OracleEvent {
  const occurredAt = `${at.replace(' ', 'T')}:00+08:00`;
  return { kind: 'sale', sale: { saleId, canteenId, elderId, occurredAt, channel, priceFen } };
}

function voidOf(saleId: string): OracleEvent {
  return { kind: 'void', saleId };
}

/** A version-1 document with the optional fields left out unless given. */
function policy(fields: Record<string, unknown>): unknown {
  return {
    policyId: 'test',
    name: 'test policy',
    effectiveFrom: '2020-01-01',
    effectiveTo: null,
    supersedes: null,
    offlineExcess: 'canteen-bears',
    ...fields,
  };
}

const CITY = [{ source: 'city', shareBp: 10000 }];

function rule(
  ruleId: string,
  benefit: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ruleId, label: ruleId, benefit, funding: CITY, ...extra };
}

function fixed(fen: number): unknown {
  return { kind: 'fixed', fen };
}

function run(
  document: unknown,
  events: OracleEvent[],
  elders: OracleElder[] = [elder('e1')],
  month = '2026-10',
): OracleMonth {
  return decideMonth({ month, policy: document, canteens: CANTEENS, elders, events });
}

/** Figures without operating subsidy. */
function figures(
  mealsSold: number,
  subsidisedMeals: number,
  subsidyFen: number,
  bySource: Record<string, number>,
  operatingSubsidyFen = 0,
): OracleFigures {
  return {
    mealsSold,
    subsidisedMeals,
    subsidyFen,
    operatingSubsidyFen,
    reimbursementFen: subsidyFen + operatingSubsidyFen,
    bySource: Object.entries(bySource).map(([source, fen]) => ({ source, fen })),
  };
}

describe('benefit kinds', () => {
  it('fixed gives its fen', () => {
    const result = run(policy({ rules: [rule('r', fixed(300))] }), [
      sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1500),
    ]);
    // 300 fen, all from city.
    expect(result.total).toEqual(figures(1, 1, 300, { city: 300 }));
    expect(result.canteens).toEqual([{ canteenId: 'c1', figures: figures(1, 1, 300, { city: 300 }) }]);
    expect(result.byRule).toEqual([{ ruleId: 'r', fen: 300 }]);
    expect(result.elderSubsidyFen).toEqual(new Map([['e1', 300]]));
    expect(result.month).toBe('2026-10');
  });

  it('percentOff rounds down', () => {
    const document = policy({ rules: [rule('r', { kind: 'percentOff', bp: 3333 })] });
    // 1000 × 3333 / 10000 = 333.3 → 333.
    const result = run(document, [sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1000)]);
    expect(result.total.subsidyFen).toBe(333);
  });

  it('percentOff stops at maxFen', () => {
    const document = policy({ rules: [rule('r', { kind: 'percentOff', bp: 5000, maxFen: 200 })] });
    // 1000 × 50% = 500, at most 200; 300 × 50% = 150, under the max.
    const result = run(document, [
      sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1000),
      sale('s2', 'c1', 'e1', '2026-10-08 18:00', 300),
    ]);
    expect(result.total).toEqual(figures(2, 2, 350, { city: 350 }));
  });

  it('payAtMost gives the rest of the price, never below zero', () => {
    const document = policy({ rules: [rule('r', { kind: 'payAtMost', fen: 500 })] });
    // 1200 − 500 = 700; 400 − 500 < 0 → 0, not a subsidised meal.
    const result = run(document, [
      sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1200),
      sale('s2', 'c1', 'e1', '2026-10-08 18:00', 400),
    ]);
    expect(result.total).toEqual(figures(2, 1, 700, { city: 700 }));
    expect(result.elderSubsidyFen).toEqual(new Map([['e1', 700]]));
  });

  it('elderMinPayFen bounds the benefit, never below zero', () => {
    const document = policy({ rules: [rule('r', fixed(800))], elderMinPayFen: 300 });
    // min(800, 1000 − 300) = 700; min(800, 250 − 300) = −50 → 0.
    const result = run(document, [
      sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1000),
      sale('s2', 'c1', 'e1', '2026-10-08 18:00', 250),
    ]);
    expect(result.total).toEqual(figures(2, 1, 700, { city: 700 }));
  });
});

describe('funding', () => {
  it('splits shares by largest remainder, ties to the first listed', () => {
    const funding = [
      { source: 'a', shareBp: 3333 },
      { source: 'b', shareBp: 3333 },
      { source: 'c', shareBp: 3334 },
    ];
    const document = policy({ rules: [rule('r', { kind: 'payAtMost', fen: 1000 }, { funding })] });
    const result = run(document, [
      // 1100 − 1000 = 100: floors 33 (rem 3300), 33 (rem 3300), 33 (rem 3400); 1 left → c: 33/33/34.
      sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1100),
      // 1002 − 1000 = 2: floors 0/0/0 with remainders 6666/6666/6668; 2 left → c, then a (tie a/b: a first).
      sale('s2', 'c2', 'e1', '2026-10-08 18:00', 1002),
    ]);
    expect(result.canteens).toEqual([
      { canteenId: 'c1', figures: figures(1, 1, 100, { a: 33, b: 33, c: 34 }) },
      { canteenId: 'c2', figures: figures(1, 1, 2, { a: 1, c: 1 }) },
    ]);
    expect(result.total.bySource).toEqual([
      { source: 'a', fen: 34 },
      { source: 'b', fen: 33 },
      { source: 'c', fen: 35 },
    ]);
  });

  it('gives an odd fen of an even split to the first listed source', () => {
    const funding = [
      { source: 'z', shareBp: 5000 },
      { source: 'y', shareBp: 5000 },
    ];
    // 301: floors 150/150, remainders equal, 1 left → z (listed first).
    const result = run(policy({ rules: [rule('r', fixed(301), { funding })] }), [
      sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1000),
    ]);
    expect(result.total.bySource).toEqual([
      { source: 'y', fen: 150 },
      { source: 'z', fen: 151 },
    ]);
  });

  it('fills fixed parts in order, the rest part last, and drops parts failing locality', () => {
    // Zengcheng-like: city 300 + district 300 (locality district) + rest (locality town).
    const funding = [
      { source: 'city', fen: 300 },
      { source: 'district', fen: 300, locality: 'district' },
      { source: 'town', rest: true, locality: 'town' },
    ];
    const document = policy({ rules: [rule('r', { kind: 'payAtMost', fen: 100 }, { funding })] });
    // e1 lives in d1/t1. Price 1500 → 1400 = city 300 + district 300 + town 800.
    const result = run(document, [
      // c1 (d1/t1): all parts paid → 1400.
      sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1500),
      // c2 (d1/t2): town part dropped → 600.
      sale('s2', 'c2', 'e1', '2026-10-09 12:00', 1500),
      // c3 (d2/t3): district and town parts dropped → 300.
      sale('s3', 'c3', 'e1', '2026-10-10 12:00', 1500),
      // c1 again, 450 − 100 = 350: city 300, district 50 (what is left), town 0.
      sale('s4', 'c1', 'e1', '2026-10-11 12:00', 450),
    ]);
    expect(result.canteens).toEqual([
      { canteenId: 'c1', figures: figures(2, 2, 1750, { city: 600, district: 350, town: 800 }) },
      { canteenId: 'c2', figures: figures(1, 1, 600, { city: 300, district: 300 }) },
      { canteenId: 'c3', figures: figures(1, 1, 300, { city: 300 }) },
    ]);
    expect(result.elderSubsidyFen).toEqual(new Map([['e1', 2650]]));
  });

  it('fills a rest part listed first only after the fixed parts; without a rest part the excess is unpaid', () => {
    const restFirst = [
      { source: 'town', rest: true },
      { source: 'city', fen: 300 },
    ];
    const noRest = [
      { source: 'city', fen: 200 },
      { source: 'district', fen: 100 },
    ];
    const document = policy({
      rules: [
        rule('rest-first', fixed(500), { funding: restFirst, channels: ['dine-in'] }),
        rule('no-rest', fixed(500), { funding: noRest, channels: ['delivery'] }),
      ],
    });
    const result = run(document, [
      // 500: city 300 first, then the rest part takes 200.
      sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1000),
      // 500: city 200, district 100; the other 200 is not paid → 300.
      sale('s2', 'c2', 'e1', '2026-10-08 18:00', 1000, 'delivery'),
    ]);
    expect(result.canteens).toEqual([
      { canteenId: 'c1', figures: figures(1, 1, 500, { city: 300, town: 200 }) },
      { canteenId: 'c2', figures: figures(1, 1, 300, { city: 200, district: 100 }) },
    ]);
    expect(result.byRule).toEqual([
      { ruleId: 'no-rest', fen: 300 },
      { ruleId: 'rest-first', fen: 500 },
    ]);
  });
});

describe('stack groups', () => {
  it('lets rules of one group compete: largest wins, ties to the first in the document', () => {
    const document = policy({
      rules: [
        rule('age-80', fixed(300), { eligible: { minAge: 80 }, stackGroup: 'base' }),
        rule('dibao', fixed(500), { eligible: { categoriesAny: ['dibao'] }, stackGroup: 'base' }),
        rule('z-first', fixed(200), { eligible: { categoriesAny: ['veteran'] }, stackGroup: 'tie' }),
        rule('a-second', fixed(200), { eligible: { categoriesAny: ['veteran'] }, stackGroup: 'tie' }),
      ],
    });
    const always = (category: string) => ({ category, from: '2000-01-01', to: null });
    const elders = [
      elder('e1', { categories: [always('dibao')] }),
      elder('e2'),
      elder('e3', { birthDate: '1960-01-01', categories: [always('veteran')] }),
    ];
    const result = run(
      document,
      [
        // e1 (86, dibao): age-80 300 vs dibao 500 → 500.
        sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1500),
        // e2 (86): only age-80 → 300.
        sale('s2', 'c1', 'e2', '2026-10-08 12:00', 1500),
        // e3 (66, veteran): z-first 200 and a-second 200 tie → z-first (first in the document).
        sale('s3', 'c1', 'e3', '2026-10-08 12:00', 1500),
      ],
      elders,
    );
    expect(result.byRule).toEqual([
      { ruleId: 'age-80', fen: 300 },
      { ruleId: 'dibao', fen: 500 },
      { ruleId: 'z-first', fen: 200 },
    ]);
    expect(result.elderSubsidyFen).toEqual(
      new Map([
        ['e1', 500],
        ['e2', 300],
        ['e3', 200],
      ]),
    );
  });

  it('adds up different groups; each rule without stackGroup is its own group', () => {
    const document = policy({
      rules: [
        rule('age-80', fixed(300), { stackGroup: 'base' }),
        rule('topup', fixed(100)),
        rule('topup-2', fixed(50)),
      ],
    });
    // base 300 + topup 100 + topup-2 50 = 450.
    const result = run(document, [sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1500)]);
    expect(result.total).toEqual(figures(1, 1, 450, { city: 450 }));
    expect(result.byRule).toEqual([
      { ruleId: 'age-80', fen: 300 },
      { ruleId: 'topup', fen: 100 },
      { ruleId: 'topup-2', fen: 50 },
    ]);
  });

  it('compares rules by what remains after locality', () => {
    const document = policy({
      rules: [
        rule('local', fixed(500), {
          stackGroup: 'g',
          funding: [{ source: 'district', shareBp: 10000, locality: 'district' }],
        }),
        rule('city', fixed(300), { stackGroup: 'g' }),
      ],
    });
    const result = run(document, [
      // c1 (e1's district): local 500 beats city 300.
      sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1500),
      // c3 (another district): local's only part is dropped → 0; city 300 wins.
      sale('s2', 'c3', 'e1', '2026-10-08 18:00', 1500),
    ]);
    expect(result.byRule).toEqual([
      { ruleId: 'city', fen: 300 },
      { ruleId: 'local', fen: 500 },
    ]);
    expect(result.total.bySource).toEqual([
      { source: 'city', fen: 300 },
      { source: 'district', fen: 500 },
    ]);
  });
});

describe('cut to price − elderMinPayFen', () => {
  it('cuts from the last group backwards, within a group from its last part', () => {
    const document = policy({
      elderMinPayFen: 500,
      rules: [
        rule('r1', fixed(300)),
        rule('r2', fixed(300), {
          funding: [
            { source: 'A', fen: 100 },
            { source: 'B', rest: true },
          ],
        }),
        rule('r3', fixed(300), { funding: [{ source: 'D', shareBp: 10000 }] }),
      ],
    });
    // Limit 1000 − 500 = 500. r1 300 (city); r2 300 (A 100, B 200); r3 300 (D). Total 900, excess 400:
    // r3: D 300 → 0 (100 left to cut); r2 from its last part: B 200 → 100. Result city 300, A 100, B 100.
    const result = run(document, [sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1000)]);
    expect(result.total).toEqual(figures(1, 1, 500, { A: 100, B: 100, city: 300 }));
    expect(result.byRule).toEqual([
      { ruleId: 'r1', fen: 300 },
      { ruleId: 'r2', fen: 200 },
    ]);
  });

  it("orders groups by their first rule, not by the winner's place", () => {
    const document = policy({
      elderMinPayFen: 400,
      rules: [
        rule('x', fixed(100), { stackGroup: 'g1', funding: [{ source: 'X', shareBp: 10000 }] }),
        rule('y', fixed(400), { stackGroup: 'g2', funding: [{ source: 'Y', shareBp: 10000 }] }),
        rule('z', fixed(500), { stackGroup: 'g1', funding: [{ source: 'Z', shareBp: 10000 }] }),
      ],
    });
    // Limit 1000 − 400 = 600. g1 (place of x, first) wins with z 500; g2 gives y 400. Total 900, excess 300,
    // cut from g2 (the later group): y 400 → 100. Result Z 500, Y 100.
    const result = run(document, [sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1000)]);
    expect(result.total).toEqual(figures(1, 1, 600, { Y: 100, Z: 500 }));
    expect(result.byRule).toEqual([
      { ruleId: 'y', fen: 100 },
      { ruleId: 'z', fen: 500 },
    ]);
  });
});

describe('caps', () => {
  const base = rule('r', fixed(300));

  it('day: one subsidised meal a day, in arrival order, counting only subsidised meals', () => {
    const document = policy({ rules: [base], caps: [{ per: 'day', max: 1 }] });
    const result = run(document, [
      // 15:00 is outside every period: no subsidy, so it does not count.
      sale('s0', 'c1', 'e1', '2026-10-08 15:00', 1000),
      // Arrives first (dinner) → 300.
      sale('s1', 'c1', 'e1', '2026-10-08 18:00', 1000),
      // Same day, earlier occurredAt but arrives later → cap full → 0.
      sale('s2', 'c1', 'e1', '2026-10-08 12:00', 1000),
      // Next day → 300.
      sale('s3', 'c2', 'e1', '2026-10-09 12:00', 1000),
    ]);
    // 4 meals, 2 subsidised, 600.
    expect(result.total).toEqual(figures(4, 2, 600, { city: 600 }));
  });

  it('week: Monday to Sunday, fresh on Monday', () => {
    const document = policy({ rules: [base], caps: [{ per: 'week', max: 2 }] });
    const result = run(document, [
      sale('s1', 'c1', 'e1', '2026-10-03 12:00', 1000), // Saturday → 300
      sale('s2', 'c1', 'e1', '2026-10-04 12:00', 1000), // Sunday → 300 (2 of 2)
      sale('s3', 'c1', 'e1', '2026-10-04 18:00', 1000), // Sunday → week full → 0
      sale('s4', 'c1', 'e1', '2026-10-05 12:00', 1000), // Monday, new week → 300
    ]);
    expect(result.total).toEqual(figures(4, 3, 900, { city: 900 }));
  });

  it('month: the calendar month', () => {
    const document = policy({ rules: [base], caps: [{ per: 'month', max: 2 }] });
    const result = run(document, [
      sale('s1', 'c1', 'e1', '2026-10-01 12:00', 1000), // 300
      sale('s2', 'c1', 'e1', '2026-10-15 12:00', 1000), // 300
      sale('s3', 'c1', 'e1', '2026-10-31 12:00', 1000), // month full → 0
    ]);
    expect(result.total).toEqual(figures(3, 2, 600, { city: 600 }));
  });

  it('period: applies only to meals of that period and counts only those', () => {
    const document = policy({ rules: [base], caps: [{ per: 'day', period: 'lunch', max: 1 }] });
    const result = run(document, [
      sale('s1', 'c1', 'e1', '2026-10-08 18:00', 1000), // dinner: cap does not apply → 300
      sale('s2', 'c1', 'e1', '2026-10-08 12:00', 1000), // lunch: the dinner does not count → 300
      sale('s3', 'c1', 'e1', '2026-10-08 12:30', 1000), // lunch: 1 lunch already → 0
      sale('s4', 'c1', 'e1', '2026-10-08 18:30', 1000), // dinner again → 300
    ]);
    expect(result.total).toEqual(figures(4, 3, 900, { city: 900 }));
  });

  it('stackGroup: counts meals in which that group paid, and only that group stops', () => {
    const document = policy({
      rules: [
        rule('age-80', fixed(300), { stackGroup: 'base' }),
        rule('daily-bonus', fixed(100), { stackGroup: 'daily', channels: ['dine-in'] }),
      ],
      caps: [{ per: 'day', max: 1, stackGroup: 'daily' }],
    });
    const result = run(document, [
      // Delivery: daily-bonus does not apply → 300; the daily group paid nothing, so it does not count.
      sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1000, 'delivery'),
      // Dine-in: 300 + 100 = 400.
      sale('s2', 'c1', 'e1', '2026-10-08 18:00', 1000),
      // Dine-in: daily group full → 300 only.
      sale('s3', 'c1', 'e1', '2026-10-08 18:30', 1000),
    ]);
    expect(result.total).toEqual(figures(3, 3, 1000, { city: 1000 }));
    expect(result.byRule).toEqual([
      { ruleId: 'age-80', fen: 900 },
      { ruleId: 'daily-bonus', fen: 100 },
    ]);
  });

  it('a void frees the cap for later sales only, and the voided sale leaves every figure', () => {
    const document = policy({ rules: [base], caps: [{ per: 'day', max: 1 }] });
    const result = run(document, [
      sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1000), // 300
      sale('s2', 'c1', 'e1', '2026-10-08 18:00', 1000), // cap full → 0 (never revisited)
      voidOf('s1'),
      sale('s3', 'c1', 'e1', '2026-10-08 18:30', 1000), // s1 no longer counts → 300
    ]);
    // s2 and s3 remain: 2 meals, 1 subsidised, 300.
    expect(result.total).toEqual(figures(2, 1, 300, { city: 300 }));
    expect(result.elderSubsidyFen).toEqual(new Map([['e1', 300]]));
  });
});

describe('scope', () => {
  const base = rule('r', fixed(300));
  const events = [
    sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1000),
    sale('s2', 'c2', 'e1', '2026-10-09 12:00', 1000),
    sale('s3', 'c3', 'e1', '2026-10-10 12:00', 1000),
    sale('s4', 'c1', 'e2', '2026-10-08 12:00', 1000),
  ];
  // e1: d1, home c1; e2: d1, no home canteen.
  const elders = [elder('e1'), elder('e2', { homeCanteenId: null })];

  it('citywide (the default): every canteen', () => {
    const result = run(policy({ rules: [base] }), events, elders);
    expect(result.elderSubsidyFen).toEqual(
      new Map([
        ['e1', 900],
        ['e2', 300],
      ]),
    );
  });

  it('home-district: only canteens in the elder’s district', () => {
    // e1: c1 (d1) 300 + c2 (d1) 300 + c3 (d2) 0; e2: c1 (d1) 300.
    const result = run(policy({ rules: [base], scope: 'home-district' }), events, elders);
    expect(result.elderSubsidyFen).toEqual(
      new Map([
        ['e1', 600],
        ['e2', 300],
      ]),
    );
  });

  it('home-canteen: only the home canteen; without one, nothing', () => {
    // e1: only c1 → 300; e2 has no home canteen → 0.
    const result = run(policy({ rules: [base], scope: 'home-canteen' }), events, elders);
    expect(result.elderSubsidyFen).toEqual(
      new Map([
        ['e1', 300],
        ['e2', 0],
      ]),
    );
    expect(result.total).toEqual(figures(4, 1, 300, { city: 300 }));
  });
});

describe('who and when', () => {
  const ageRules = [
    rule('young', fixed(100), { eligible: { maxAge: 79 }, stackGroup: 'age' }),
    rule('old', fixed(300), { eligible: { minAge: 80, maxAge: null }, stackGroup: 'age' }),
  ];

  it('a guest without card is a meal sold and nothing else', () => {
    const result = run(policy({ rules: [rule('r', fixed(300))] }), [
      sale('s1', 'c1', null, '2026-10-08 12:00', 1000),
    ]);
    expect(result.total).toEqual(figures(1, 0, 0, {}));
    expect(result.elderSubsidyFen).toEqual(new Map());
    expect(result.byRule).toEqual([]);
  });

  it('no subsidy outside every period; from is inclusive, to exclusive', () => {
    const result = run(policy({ rules: [rule('r', fixed(300))] }), [
      sale('s1', 'c1', 'e1', '2026-10-08 15:00', 1000), // no period → 0
      sale('s2', 'c1', 'e1', '2026-10-08 13:30', 1000), // lunch ends at 13:30 → 0
      sale('s3', 'c1', 'e1', '2026-10-08 11:00', 1000), // lunch starts at 11:00 → 300
    ]);
    expect(result.total).toEqual(figures(3, 1, 300, { city: 300 }));
  });

  it('the business date and time are Asia/Shanghai, whatever the offset written', () => {
    const at = (saleId: string, occurredAt: string): OracleEvent => ({
      kind: 'sale',
      sale: { saleId, canteenId: 'c1', elderId: 'e1', occurredAt, channel: 'dine-in', priceFen: 1000 },
    });
    const result = run(policy({ rules: [rule('r', fixed(300))] }), [
      at('s1', '2026-10-08T04:00:00Z'), // 12:00 Shanghai, lunch → 300
      at('s2', '2026-10-08T12:00:00+09:00'), // 11:00 Shanghai, lunch → 300
      at('s3', '2026-09-30T16:30:00Z'), // 2026-10-01 00:30 Shanghai: October, outside periods → 0
      at('s4', '2026-10-31T16:30:00Z'), // 2026-11-01 00:30 Shanghai: not October
    ]);
    expect(result.total).toEqual(figures(3, 2, 600, { city: 600 }));
  });

  it('a deceased elder gets nothing after the date of death, still on it', () => {
    const result = run(
      policy({ rules: [rule('r', fixed(300))] }),
      [
        sale('s1', 'c1', 'e1', '2026-10-10 12:00', 1000), // the date of death → 300
        sale('s2', 'c1', 'e1', '2026-10-11 12:00', 1000), // after → 0
      ],
      [elder('e1', { diedOn: '2026-10-10' })],
    );
    expect(result.total).toEqual(figures(2, 1, 300, { city: 300 }));
  });

  it('age rises on the birthday itself; maxAge is inclusive', () => {
    const result = run(
      policy({ rules: ageRules }),
      [
        sale('s1', 'c1', 'e1', '2026-10-14 12:00', 1000), // 79 → young 100
        sale('s2', 'c1', 'e1', '2026-10-15 12:00', 1000), // 80 on the birthday → old 300
      ],
      [elder('e1', { birthDate: '1946-10-15' })],
    );
    expect(result.byRule).toEqual([
      { ruleId: 'old', fen: 300 },
      { ruleId: 'young', fen: 100 },
    ]);
  });

  it('a 29 February birth ages on 1 March in common years, on 29 February in leap years', () => {
    const commonYearBirth = [elder('e1', { birthDate: '1946-02-29' })];
    // 2026 is common: 02-28 → 79 → young 100; 03-01 → 80 → old 300.
    const february = run(
      policy({ rules: ageRules }),
      [sale('s1', 'c1', 'e1', '2026-02-28 12:00', 1000)],
      commonYearBirth,
      '2026-02',
    );
    expect(february.byRule).toEqual([{ ruleId: 'young', fen: 100 }]);
    const march = run(
      policy({ rules: ageRules }),
      [sale('s1', 'c1', 'e1', '2026-03-01 12:00', 1000)],
      commonYearBirth,
      '2026-03',
    );
    expect(march.byRule).toEqual([{ ruleId: 'old', fen: 300 }]);
    // 2024 is a leap year: born 1944-02-29, 02-28 → 79 → young 100; 02-29 → 80 → old 300.
    const leap = run(
      policy({ rules: ageRules }),
      [sale('s1', 'c1', 'e1', '2024-02-28 12:00', 1000), sale('s2', 'c1', 'e1', '2024-02-29 12:00', 1000)],
      [elder('e1', { birthDate: '1944-02-29' })],
      '2024-02',
    );
    expect(leap.byRule).toEqual([
      { ruleId: 'old', fen: 300 },
      { ruleId: 'young', fen: 100 },
    ]);
  });

  it('categories count from inclusive to exclusive; categoriesAny and categoriesAll', () => {
    const document = policy({
      rules: [
        rule('any', fixed(300), { eligible: { categoriesAny: ['dibao', 'low-income'] } }),
        rule('all', fixed(50), { eligible: { categoriesAll: ['disabled', 'dibao'] } }),
      ],
    });
    const elders = [
      elder('e1', { categories: [{ category: 'dibao', from: '2026-10-05', to: '2026-10-20' }] }),
      elder('e2', {
        categories: [
          { category: 'low-income', from: '2026-01-01', to: null },
          { category: 'disabled', from: '2026-01-01', to: null },
        ],
      }),
      elder('e3', {
        categories: [
          { category: 'dibao', from: '2026-01-01', to: null },
          { category: 'disabled', from: '2026-01-01', to: null },
        ],
      }),
    ];
    const result = run(
      document,
      [
        sale('s1', 'c1', 'e1', '2026-10-04 12:00', 1000), // before from → 0
        sale('s2', 'c1', 'e1', '2026-10-05 12:00', 1000), // on from → any 300
        sale('s3', 'c1', 'e1', '2026-10-19 12:00', 1000), // → any 300
        sale('s4', 'c1', 'e1', '2026-10-20 12:00', 1000), // on to → 0
        sale('s5', 'c1', 'e2', '2026-10-08 12:00', 1000), // low-income → any 300; lacks dibao → no all
        sale('s6', 'c1', 'e3', '2026-10-08 12:00', 1000), // any 300 + all 50
      ],
      elders,
    );
    expect(result.elderSubsidyFen).toEqual(
      new Map([
        ['e1', 600],
        ['e2', 300],
        ['e3', 350],
      ]),
    );
    expect(result.byRule).toEqual([
      { ruleId: 'all', fen: 50 },
      { ruleId: 'any', fen: 1200 },
    ]);
  });

  it('periods, channels and minSpendFen of a rule', () => {
    const document = policy({
      rules: [
        // Beijing-like: 500 for lunch or dinner, only when the bill exceeds it.
        rule('basic-care', fixed(500), { periods: ['lunch', 'dinner'], minSpendFen: 501 }),
        rule('delivery', fixed(70), { channels: ['delivery'] }),
      ],
    });
    const result = run(document, [
      sale('s1', 'c1', 'e1', '2026-10-08 12:00', 500), // 500 < 501 → 0
      sale('s2', 'c1', 'e1', '2026-10-08 18:00', 501), // → 500
      sale('s3', 'c1', 'e1', '2026-10-08 07:00', 800), // breakfast → 0
      sale('s4', 'c1', 'e1', '2026-10-09 07:00', 800, 'delivery'), // breakfast delivery → delivery 70
    ]);
    expect(result.total).toEqual(figures(4, 2, 570, { city: 570 }));
    expect(result.byRule).toEqual([
      { ruleId: 'basic-care', fen: 500 },
      { ruleId: 'delivery', fen: 70 },
    ]);
  });
});

describe('voids', () => {
  it('drops the canteen and the elder that only have voided sales', () => {
    const result = run(
      policy({ rules: [rule('r', fixed(300))], operatingSubsidy: [{ kind: 'flatMonthly', fen: 1000 }] }),
      [
        sale('s1', 'c1', 'e1', '2026-10-08 12:00', 1000), // 300
        sale('s2', 'c2', 'e2', '2026-10-08 12:00', 1000), // 300, then voided
        voidOf('s2'),
      ],
      [elder('e1'), elder('e2')],
    );
    // Only c1 with s1: subsidy 300 + flat 1000.
    expect(result.canteens).toEqual([{ canteenId: 'c1', figures: figures(1, 1, 300, { city: 300 }, 1000) }]);
    expect(result.total).toEqual(figures(1, 1, 300, { city: 300 }, 1000));
    expect(result.byRule).toEqual([{ ruleId: 'r', fen: 300 }]);
    expect(result.elderSubsidyFen).toEqual(new Map([['e1', 300]]));
  });
});

describe('operating subsidy', () => {
  const bands = [
    { minAge: 65, maxAge: 74, fen: 80 },
    { minAge: 75, fen: 120 },
  ];
  const elders = [
    elder('e1'), // 86
    elder('e2', { birthDate: '1956-03-01' }), // 70
    elder('e3', { birthDate: '1966-01-01' }), // 60: no band
    elder('e4', { birthDate: '1940-01-01', diedOn: '2026-10-06' }), // 86, died 10-06
  ];
  const events = [
    // c1, 10-05: 4 meals (≥ 2, earns): e1 twice (300 each), e2 (70, 0), a guest.
    //   subsidised 2; elders {e1, e2}: 2 elder-days; bands e1 120 + e2 80 = 200.
    sale('s1', 'c1', 'e1', '2026-10-05 12:00', 1000),
    sale('s2', 'c1', 'e1', '2026-10-05 18:00', 1000),
    sale('s3', 'c1', 'e2', '2026-10-05 12:00', 1000),
    sale('s4', 'c1', null, '2026-10-05 12:00', 1000),
    // c1, 10-06: 1 meal (< 2, earns nothing): e1 300.
    sale('s5', 'c1', 'e1', '2026-10-06 12:00', 1000),
    // c1, 10-07: 3 meals (earns): e2 0, e3 0, e4 (dead since 10-06: 0, and no elder-day).
    //   subsidised 0; elders {e2, e3}: 2 elder-days; bands e2 80 + e3 none = 80.
    sale('s6', 'c1', 'e2', '2026-10-07 12:00', 1000),
    sale('s7', 'c1', 'e3', '2026-10-07 12:00', 1000),
    sale('s8', 'c1', 'e4', '2026-10-07 12:00', 1000),
    // c1, 10-08: e1 300 and a guest's sale that is voided → 1 meal (< 2, earns nothing).
    sale('s9', 'c1', 'e1', '2026-10-08 12:00', 1000),
    sale('s10', 'c1', null, '2026-10-08 12:00', 1000),
    voidOf('s10'),
    // c2, 10-05: a single guest → earns only the flat amount.
    sale('s11', 'c2', null, '2026-10-05 12:00', 1000),
    // c3: only a voided sale → not in the month at all.
    sale('s12', 'c3', null, '2026-10-05 12:00', 1000),
    voidOf('s12'),
  ];
  const rules = [rule('age-80', fixed(300), { eligible: { minAge: 80 } })];
  // c1: 9 meals, subsidised s1, s2, s5, s9 → 4 meals, 1200 fen.

  it('pays each kind over the earning days', () => {
    const document = policy({
      rules,
      operatingSubsidy: [
        { kind: 'perSubsidisedMeal', fen: 100 },
        { kind: 'perElderDay', fen: 300 },
        { kind: 'perDinerByAge', bands },
        { kind: 'flatMonthly', fen: 150000 },
        { kind: 'minMealsPerDay', meals: 2 },
      ],
    });
    const result = run(document, events, elders);
    // c1: per subsidised meal (10-05: 2, 10-07: 0) 2 × 100 = 200; elder-days (2 + 2) 4 × 300 = 1200;
    //     by age 200 + 80 = 280; flat 150000 → 151680.
    // c2: 1 meal on its only day (< 2) → flat 150000 only.
    expect(result.canteens).toEqual([
      { canteenId: 'c1', figures: figures(9, 4, 1200, { city: 1200 }, 151680) },
      { canteenId: 'c2', figures: figures(1, 0, 0, {}, 150000) },
    ]);
    // 10 meals, 4 subsidised, 1200 subsidy, 301680 operating, 302880 reimbursed.
    expect(result.total).toEqual(figures(10, 4, 1200, { city: 1200 }, 301680));
    expect(result.elderSubsidyFen).toEqual(
      new Map([
        ['e1', 1200],
        ['e2', 0],
        ['e3', 0],
        ['e4', 0],
      ]),
    );
  });

  it('caps each item at its monthlyCapFen per canteen', () => {
    const document = policy({
      rules,
      operatingSubsidy: [
        { kind: 'perSubsidisedMeal', fen: 100, monthlyCapFen: 150 },
        { kind: 'perElderDay', fen: 300, monthlyCapFen: 1000 },
        { kind: 'perDinerByAge', bands, monthlyCapFen: 250 },
        { kind: 'flatMonthly', fen: 150000, monthlyCapFen: 100000 },
        { kind: 'minMealsPerDay', meals: 2 },
      ],
    });
    const result = run(document, events, elders);
    // c1: min(200, 150) + min(1200, 1000) + min(280, 250) + min(150000, 100000) = 101400.
    // c2: min(150000, 100000) = 100000.
    expect(result.canteens.map(({ canteenId, figures }) => [canteenId, figures.operatingSubsidyFen])).toEqual(
      [
        ['c1', 101400],
        ['c2', 100000],
      ],
    );
    expect(result.total.operatingSubsidyFen).toBe(201400);
    expect(result.total.reimbursementFen).toBe(202600);
  });

  it('without minMealsPerDay every day earns; an elder counts on the date of death', () => {
    const document = policy({ rules, operatingSubsidy: [{ kind: 'perElderDay', fen: 300 }] });
    const result = run(
      document,
      [
        sale('s1', 'c1', 'e4', '2026-10-06 12:00', 1000), // date of death: 300 subsidy, an elder-day
        sale('s2', 'c1', 'e4', '2026-10-06 18:00', 1000), // same elder, same day: no second elder-day
        sale('s3', 'c1', 'e4', '2026-10-07 12:00', 1000), // after death: 0, no elder-day
      ],
      elders,
    );
    // Subsidy 300 + 300 = 600; operating 1 elder-day × 300 = 300.
    expect(result.total).toEqual(figures(3, 2, 600, { city: 600 }, 300));
  });
});
