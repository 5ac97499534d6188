import { describe, expect, it } from 'vitest';
import { fen } from '../money.ts';
import { type CapHistoryEntry, capHistoryEntryOf } from './caps.ts';
import { decideMealSubsidy } from './decide-subsidy.ts';
import { computeOperatingSubsidy } from './operating-subsidy.ts';
import {
  decide,
  HOME_CANTEEN,
  instant,
  linesOf,
  OTHER_DISTRICT_CANTEEN,
  OTHER_TOWN_CANTEEN,
  policyFrom,
  testElder,
} from './test-support.ts';

const holds = (...categories: string[]) =>
  categories.map((category) => ({ category, from: '2020-01-01', to: null }));

/** Beijing-like: basic-care recipients 5 元 a day for lunch or dinner when the bill exceeds it. */
const BEIJING = policyFrom({
  policyId: 'beijing-like-2024',
  name: '北京市老年助餐服务补贴(示例)',
  effectiveFrom: '2024-01-01',
  effectiveTo: null,
  supersedes: null,
  rules: [
    {
      ruleId: 'basic-care',
      label: '基本养老服务对象',
      eligible: {
        minAge: 60,
        categoriesAny: ['dibao', 'tekun', 'low-income', 'disabled', 'family-planning'],
      },
      periods: ['lunch', 'dinner'],
      minSpendFen: 501,
      benefit: { kind: 'fixed', fen: 500 },
      funding: [{ source: 'city-finance', shareBp: 10_000 }],
    },
  ],
  caps: [{ per: 'day', max: 1 }],
  elderMinPayFen: 0,
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  operatingSubsidy: [{ kind: 'perElderDay', fen: 300 }],
});

/** Tianjin-like: 80+, or 60+ disabled on dibao or low income; 3 元 a meal; one a day, five a week. */
const TIANJIN = policyFrom({
  policyId: 'tianjin-like-2024',
  name: '天津市老年助餐补贴(示例)',
  effectiveFrom: '2024-01-01',
  scope: 'citywide',
  offlineExcess: 'elder-owes',
  rules: [
    {
      ruleId: 'age-80',
      label: '80周岁以上',
      eligible: { minAge: 80 },
      periods: ['lunch', 'dinner'],
      benefit: { kind: 'fixed', fen: 300 },
      stackGroup: 'base',
      funding: [
        { source: 'city-welfare-lottery', shareBp: 6000 },
        { source: 'district-finance', shareBp: 4000, locality: 'district' },
      ],
    },
    {
      ruleId: 'disabled-hardship',
      label: '60周岁以上失能且低保或低收入',
      eligible: { minAge: 60, categoriesAll: ['disabled'], categoriesAny: ['dibao', 'low-income'] },
      periods: ['lunch', 'dinner'],
      benefit: { kind: 'fixed', fen: 300 },
      stackGroup: 'base',
      funding: [
        { source: 'city-welfare-lottery', shareBp: 6000 },
        { source: 'district-finance', shareBp: 4000, locality: 'district' },
      ],
    },
  ],
  caps: [
    { per: 'day', max: 1 },
    { per: 'week', max: 5 },
  ],
});

const ZENGCHENG_FUNDING = [
  { source: 'city-finance', fen: 300 },
  { source: 'district-finance', fen: 300, locality: 'district' },
  { source: 'town-finance', rest: true, locality: 'town' },
];

/** Zengcheng-like: the elder pays at most 1 元 (hardship 60+), 3 元 (80+) or 5 元 (60–79). */
const ZENGCHENG = policyFrom({
  policyId: 'zengcheng-like-2024',
  name: '增城区长者饭堂补贴(示例)',
  effectiveFrom: '2024-01-01',
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  rules: [
    {
      ruleId: 'hardship-60',
      eligible: { minAge: 60, categoriesAny: ['tekun', 'dibao', 'low-income', 'veteran'] },
      benefit: { kind: 'payAtMost', fen: 100 },
      stackGroup: 'meal',
      funding: ZENGCHENG_FUNDING,
    },
    {
      ruleId: 'age-80',
      eligible: { minAge: 80 },
      benefit: { kind: 'payAtMost', fen: 300 },
      stackGroup: 'meal',
      funding: ZENGCHENG_FUNDING,
    },
    {
      ruleId: 'age-60-79',
      eligible: { minAge: 60, maxAge: 79 },
      benefit: { kind: 'payAtMost', fen: 500 },
      stackGroup: 'meal',
      funding: ZENGCHENG_FUNDING,
    },
  ],
});

/** Born 1944-05-10: 80 in June 2024. */
const OCTOGENARIAN = testElder();
/** Born 1954-03-01: 70 in June 2024. */
const SEPTUAGENARIAN = (categories: string[] = []) =>
  testElder({ birthDate: '1954-03-01', categories: holds(...categories) });

describe('Beijing-like policy', () => {
  const dibao = SEPTUAGENARIAN(['dibao']);

  it.each([
    ['a 12 元 lunch', 1200, '12:00', 500, 700, []],
    ['a 5.01 元 lunch (the bill exceeds the subsidy)', 501, '12:00', 500, 1, []],
    ['a 5 元 lunch (the bill does not exceed it)', 500, '12:00', 0, 500, ['below-min-spend']],
    ['a 12 元 dinner', 1200, '18:00', 500, 700, []],
    ['a 12 元 breakfast', 1200, '07:30', 0, 1200, ['period-not-subsidised']],
  ])('gives a basic-care recipient for %s', (_case, price, time, subsidy, pays, reasons) => {
    const decision = decide({
      policy: BEIJING,
      elder: dibao,
      priceFen: price,
      at: `2024-06-03T${time}:00+08:00`,
    });
    expect([decision.subsidyFen, decision.elderPaysFen, decision.reasons]).toEqual([subsidy, pays, reasons]);
  });

  it('gives it once a day: dinner after a subsidised lunch is full price', () => {
    const lunch = decide({ policy: BEIJING, elder: dibao });
    const dinner = decide({
      policy: BEIJING,
      elder: dibao,
      at: '2024-06-03T18:00:00+08:00',
      history: [capHistoryEntryOf(lunch)],
    });
    expect([dinner.subsidyFen, dinner.elderPaysFen, dinner.reasons]).toEqual([0, 1200, ['cap-day']]);
  });

  it('gives nothing to an elder who is not a basic-care recipient', () => {
    expect(decide({ policy: BEIJING, elder: OCTOGENARIAN }).reasons).toEqual(['not-eligible']);
  });

  it('pays the canteen 3 元 per elder-day actually served', () => {
    const result = computeOperatingSubsidy({
      policy: BEIJING,
      month: '2024-06',
      sales: [
        {
          businessDate: '2024-06-03',
          elder: { elderId: 'A', ageOnDate: 70, aliveOnDate: true },
          reimbursedSubsidy: true,
        },
        {
          businessDate: '2024-06-03',
          elder: { elderId: 'A', ageOnDate: 70, aliveOnDate: true },
          reimbursedSubsidy: false,
        },
        {
          businessDate: '2024-06-03',
          elder: { elderId: 'B', ageOnDate: 66, aliveOnDate: true },
          reimbursedSubsidy: false,
        },
        {
          businessDate: '2024-06-04',
          elder: { elderId: 'A', ageOnDate: 70, aliveOnDate: true },
          reimbursedSubsidy: true,
        },
        { businessDate: '2024-06-04', elder: null, reimbursedSubsidy: false },
      ],
    });
    expect(result.totalFen).toBe(900);
  });
});

describe('Tianjin-like policy', () => {
  it.each([
    ['an 80-year-old', OCTOGENARIAN, 'age-80', 300],
    ['a disabled 70-year-old on dibao', SEPTUAGENARIAN(['disabled', 'dibao']), 'disabled-hardship', 300],
    [
      'a disabled 70-year-old on low income',
      SEPTUAGENARIAN(['disabled', 'low-income']),
      'disabled-hardship',
      300,
    ],
    [
      'an 80-year-old who also qualifies otherwise',
      testElder({ categories: holds('disabled', 'dibao') }),
      'age-80',
      300,
    ],
  ])('gives %s 3 元 (one rule of the group)', (_case, elder, ruleId, subsidy) => {
    const decision = decide({ policy: TIANJIN, elder, priceFen: 1500 });
    expect(linesOf(decision)).toEqual([
      { ruleId, fen: subsidy, funding: { 'city-welfare-lottery': 180, 'district-finance': 120 } },
    ]);
    expect(decision.elderPaysFen).toBe(1200);
  });

  it.each([
    ['a disabled 70-year-old not on dibao or low income', SEPTUAGENARIAN(['disabled'])],
    ['a 70-year-old on dibao who is not disabled', SEPTUAGENARIAN(['dibao'])],
    ['a 70-year-old without categories', SEPTUAGENARIAN()],
  ])('gives nothing to %s', (_case, elder) => {
    expect(decide({ policy: TIANJIN, elder }).reasons).toEqual(['not-eligible']);
  });

  it('loses the district share in another district', () => {
    const away = decide({ policy: TIANJIN, canteen: OTHER_DISTRICT_CANTEEN });
    expect(linesOf(away)).toEqual([{ ruleId: 'age-80', fen: 180, funding: { 'city-welfare-lottery': 180 } }]);
  });

  it('subsidises once a day and five times a week (Monday–Sunday), without carrying over', () => {
    const history: CapHistoryEntry[] = [];
    const subsidies: number[] = [];
    // Lunch and dinner every day from Monday 3 June to Monday 10 June.
    for (let day = 3; day <= 10; day += 1) {
      for (const time of ['12:00', '18:00']) {
        const decision = decideMealSubsidy({
          policy: TIANJIN,
          sale: {
            occurredAt: instant(`2024-06-${String(day).padStart(2, '0')}T${time}:00+08:00`),
            channel: 'dine-in',
            priceFen: fen(1500),
            canteen: HOME_CANTEEN,
          },
          elder: OCTOGENARIAN,
          capHistory: history,
        });
        history.push(capHistoryEntryOf(decision));
        subsidies.push(decision.subsidyFen);
      }
    }
    expect(subsidies).toEqual([300, 0, 300, 0, 300, 0, 300, 0, 300, 0, 0, 0, 0, 0, 300, 0]);
  });
});

describe('Zengcheng-like policy: on a 12 元 meal', () => {
  const dibao65 = testElder({ birthDate: '1959-01-01', categories: holds('dibao') });

  it.each([
    [
      'a 60+ dibao elder in their own town',
      dibao65,
      HOME_CANTEEN,
      { 'city-finance': 300, 'district-finance': 300, 'town-finance': 500 },
      100,
    ],
    [
      'a 60+ dibao elder in another town',
      dibao65,
      OTHER_TOWN_CANTEEN,
      { 'city-finance': 300, 'district-finance': 300 },
      600,
    ],
    ['a 60+ dibao elder in another district', dibao65, OTHER_DISTRICT_CANTEEN, { 'city-finance': 300 }, 900],
    [
      'an 80-year-old in their own town',
      OCTOGENARIAN,
      HOME_CANTEEN,
      { 'city-finance': 300, 'district-finance': 300, 'town-finance': 300 },
      300,
    ],
    [
      'a 70-year-old in their own town',
      SEPTUAGENARIAN(),
      HOME_CANTEEN,
      { 'city-finance': 300, 'district-finance': 300, 'town-finance': 100 },
      500,
    ],
    [
      'a 70-year-old in another town',
      SEPTUAGENARIAN(),
      OTHER_TOWN_CANTEEN,
      { 'city-finance': 300, 'district-finance': 300 },
      600,
    ],
  ])('%s', (_case, elder, canteen, funding, pays) => {
    const decision = decide({ policy: ZENGCHENG, elder, canteen, priceFen: 1200 });
    expect(
      decision.lines.map((line) => Object.fromEntries(line.funding.map((p) => [p.source, p.fen]))),
    ).toEqual([funding]);
    expect(decision.elderPaysFen).toBe(pays);
  });

  it('names the lost local shares', () => {
    expect(decide({ policy: ZENGCHENG, elder: dibao65, canteen: OTHER_TOWN_CANTEEN }).reasons).toEqual([
      'outside-locality',
    ]);
    expect(decide({ policy: ZENGCHENG, elder: dibao65 }).reasons).toEqual([]);
  });

  it('gives a tie after locality to the rule first in the document', () => {
    // In another town both the hardship and the 60–79 rule give city 300 + district 300.
    const decision = decide({ policy: ZENGCHENG, elder: dibao65, canteen: OTHER_TOWN_CANTEEN });
    expect(decision.lines.map((line) => line.ruleId)).toEqual(['hardship-60']);
  });

  it('fills the city part first on a cheap meal', () => {
    const decision = decide({
      policy: ZENGCHENG,
      elder: dibao65,
      priceFen: 400,
      canteen: OTHER_DISTRICT_CANTEEN,
    });
    expect([decision.subsidyFen, decision.elderPaysFen]).toEqual([300, 100]);
  });

  it('gives nothing to a dibao elder under 60', () => {
    const young = testElder({ birthDate: '1970-01-01', categories: holds('dibao') });
    expect(decide({ policy: ZENGCHENG, elder: young }).elderPaysFen).toBe(1200);
  });
});
