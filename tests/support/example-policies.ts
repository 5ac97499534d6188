/** The three example cities' policies (docs/policy-language.en.md, examples 1–3), one after the other, each selling real meals. */
export const BEIJING_LIKE = {
  policyId: 'beijing-like',
  name: '北京式:基本养老服务对象每日5元',
  effectiveFrom: '2025-01-01',
  effectiveTo: '2025-05-01',
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  rules: [
    {
      ruleId: 'basic-care',
      eligible: { minAge: 60, categoriesAny: ['dibao', 'tekun', 'low-income', 'disabled'] },
      periods: ['lunch', 'dinner'],
      minSpendFen: 501,
      benefit: { kind: 'fixed', fen: 500 },
      funding: [{ source: 'city-finance', shareBp: 10000 }],
    },
  ],
  caps: [{ per: 'day', max: 1 }],
  operatingSubsidy: [{ kind: 'perElderDay', fen: 300 }],
};
export const TIANJIN_LIKE = {
  policyId: 'tianjin-like',
  name: '天津式:80周岁以上或失能困难每餐3元',
  effectiveFrom: '2025-05-01',
  effectiveTo: '2025-09-01',
  scope: 'citywide',
  offlineExcess: 'elder-owes',
  rules: ['age-80', 'disabled-hardship'].map((ruleId) => ({
    ruleId,
    eligible:
      ruleId === 'age-80'
        ? { minAge: 80 }
        : { minAge: 60, categoriesAll: ['disabled'], categoriesAny: ['dibao', 'low-income'] },
    periods: ['lunch', 'dinner'],
    benefit: { kind: 'fixed', fen: 300 },
    stackGroup: 'base',
    funding: [
      { source: 'city-welfare-lottery', shareBp: 6000 },
      { source: 'district-finance', shareBp: 4000, locality: 'district' },
    ],
  })),
  caps: [
    { per: 'day', max: 1 },
    { per: 'week', max: 5 },
  ],
};
const ZENGCHENG_FUNDING = [
  { source: 'city-finance', fen: 300 },
  { source: 'district-finance', fen: 300, locality: 'district' },
  { source: 'town-finance', rest: true, locality: 'town' },
];
export const ZENGCHENG_LIKE = {
  policyId: 'zengcheng-like',
  name: '增城式:长者每餐最多付1/3/5元',
  effectiveFrom: '2025-09-01',
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  rules: [
    {
      ruleId: 'hardship-60',
      eligible: { minAge: 60, categoriesAny: ['tekun', 'dibao', 'low-income', 'veteran'] },
      pay: 100,
    },
    { ruleId: 'age-80', eligible: { minAge: 80 }, pay: 300 },
    { ruleId: 'age-60-79', eligible: { minAge: 60, maxAge: 79 }, pay: 500 },
  ].map(({ ruleId, eligible, pay }) => ({
    ruleId,
    eligible,
    benefit: { kind: 'payAtMost', fen: pay },
    stackGroup: 'meal',
    funding: ZENGCHENG_FUNDING,
  })),
};
