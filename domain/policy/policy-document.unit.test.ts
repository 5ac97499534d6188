import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  formatIssuePath,
  type PolicyIssue,
  parsePolicyDocument,
  policyDocumentSchema,
} from './policy-document.ts';
import { wirePolicy, wireRule } from './test-support.ts';

/** The document of docs/policy-language.en.md, with its example rule, caps and operating items. */
const POLICY_MD_EXAMPLE = {
  policyId: 'tianjin-2024',
  name: '天津市老年助餐补贴(示例)',
  effectiveFrom: '2024-01-01',
  effectiveTo: null,
  supersedes: null,
  rules: [
    {
      ruleId: 'age-80',
      label: '80周岁以上',
      eligible: { minAge: 80, maxAge: null, categoriesAny: [], categoriesAll: [] },
      periods: ['lunch', 'dinner'],
      channels: ['dine-in', 'delivery'],
      minSpendFen: 0,
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
    { per: 'day', period: 'lunch', max: 1 },
    { per: 'day', max: 1, stackGroup: 'base' },
  ],
  elderMinPayFen: 0,
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  operatingSubsidy: [
    { kind: 'perSubsidisedMeal', fen: 100 },
    { kind: 'perElderDay', fen: 300 },
    {
      kind: 'perDinerByAge',
      bands: [
        { minAge: 65, maxAge: 74, fen: 80 },
        { minAge: 75, fen: 120 },
      ],
    },
    { kind: 'flatMonthly', fen: 150_000, monthlyCapFen: 100_000 },
    { kind: 'minMealsPerDay', meals: 150 },
  ],
};

type Mutation = (document: Record<string, unknown>) => void;

function refusedIssues(mutate: Mutation): readonly PolicyIssue[] {
  const document = structuredClone(wirePolicy()) as Record<string, unknown>;
  mutate(document);
  const result = parsePolicyDocument(document);
  return result.ok ? [] : result.issues;
}

function refusedPaths(mutate: Mutation): string[] {
  return refusedIssues(mutate).map((issue) => issue.path);
}

function firstRule(document: Record<string, unknown>): Record<string, unknown> {
  const rules = document.rules as Record<string, unknown>[];
  const rule = rules[0];
  if (!rule) throw new Error('no rule');
  return rule;
}

describe('reading a policy document', () => {
  it('reads the document of docs/policy-language.en.md as written', () => {
    const result = parsePolicyDocument(POLICY_MD_EXAMPLE);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const { policy } = result;
    expect(policy.rules[0]?.funding).toEqual({
      kind: 'shares',
      parts: [
        { source: 'city-welfare-lottery', shareBp: 6000, locality: null },
        { source: 'district-finance', shareBp: 4000, locality: 'district' },
      ],
    });
    expect(policy.caps).toEqual([
      { per: 'day', max: 1, period: null, stackGroup: null },
      { per: 'week', max: 5, period: null, stackGroup: null },
      { per: 'day', max: 1, period: 'lunch', stackGroup: null },
      { per: 'day', max: 1, period: null, stackGroup: 'base' },
    ]);
    expect(policy.operatingSubsidy[2]).toEqual({
      kind: 'perDinerByAge',
      bands: [
        { minAge: 65, maxAge: 74, fen: 80 },
        { minAge: 75, maxAge: null, fen: 120 },
      ],
      monthlyCapFen: null,
    });
    expect(policy.operatingSubsidy[3]).toEqual({ kind: 'flatMonthly', fen: 150_000, monthlyCapFen: 100_000 });
  });

  it('fills every default of an absent field', () => {
    const result = parsePolicyDocument(wirePolicy());
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.policy).toEqual({
      policyId: 'test-2024',
      name: '测试政策',
      effectiveFrom: '2024-01-01',
      effectiveTo: null,
      supersedes: null,
      rules: [
        {
          ruleId: 'r1',
          label: 'r1',
          eligible: { minAge: null, maxAge: null, categoriesAny: [], categoriesAll: [] },
          periods: ['breakfast', 'lunch', 'dinner'],
          channels: ['dine-in', 'delivery'],
          minSpendFen: 0,
          benefit: { kind: 'fixed', fen: 300 },
          stackGroup: null,
          funding: { kind: 'shares', parts: [{ source: 'city', shareBp: 10_000, locality: null }] },
        },
      ],
      caps: [],
      elderMinPayFen: 0,
      scope: 'citywide',
      offlineExcess: 'canteen-bears',
      operatingSubsidy: [],
    });
  });

  it('reads fixed parts with one rest part and a percentOff benefit', () => {
    const result = parsePolicyDocument(
      wirePolicy({
        rules: [
          wireRule({
            benefit: { kind: 'percentOff', bp: 1500 },
            funding: [
              { source: 'city', fen: 300 },
              { source: 'town', rest: true, locality: 'town' },
            ],
          }),
        ],
      }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.policy.rules[0]?.benefit).toEqual({ kind: 'percentOff', bp: 1500, maxFen: null });
    expect(result.policy.rules[0]?.funding).toEqual({
      kind: 'fixed',
      parts: [
        { kind: 'up-to', source: 'city', fen: 300, locality: null },
        { kind: 'rest', source: 'town', locality: 'town' },
      ],
    });
  });

  it('takes an absent and a null effectiveTo both as open-ended', () => {
    const absent = parsePolicyDocument(wirePolicy());
    const explicit = parsePolicyDocument(wirePolicy({ effectiveTo: null }));
    expect(absent.ok && absent.policy.effectiveTo).toBeNull();
    expect(explicit.ok && explicit.policy.effectiveTo).toBeNull();
  });

  it.each<[string, Mutation, string]>([
    [
      'an unknown benefit kind',
      (d) => Object.assign(firstRule(d), { benefit: { kind: 'free', fen: 1 } }),
      'rules[0].benefit.kind',
    ],
    [
      'an unknown operating kind',
      (d) => Object.assign(d, { operatingSubsidy: [{ kind: 'perTable', fen: 1 }] }),
      'operatingSubsidy[0].kind',
    ],
    ['a missing benefit', (d) => delete firstRule(d).benefit, 'rules[0].benefit'],
    [
      'a missing benefit amount',
      (d) => Object.assign(firstRule(d), { benefit: { kind: 'fixed' } }),
      'rules[0].benefit.fen',
    ],
    ['a missing funding', (d) => delete firstRule(d).funding, 'rules[0].funding'],
    ['an empty funding list', (d) => Object.assign(firstRule(d), { funding: [] }), 'rules[0].funding'],
    ['a missing policyId', (d) => delete d.policyId, 'policyId'],
    ['a missing rules list', (d) => delete d.rules, 'rules'],
    ['a missing scope', (d) => delete d.scope, 'scope'],
    ['a missing offlineExcess', (d) => delete d.offlineExcess, 'offlineExcess'],
    ['an unknown scope', (d) => Object.assign(d, { scope: 'province' }), 'scope'],
    ['an unknown period', (d) => Object.assign(firstRule(d), { periods: ['supper'] }), 'rules[0].periods[0]'],
    ['an empty period list', (d) => Object.assign(firstRule(d), { periods: [] }), 'rules[0].periods'],
    [
      'an unknown channel',
      (d) => Object.assign(firstRule(d), { channels: ['takeaway'] }),
      'rules[0].channels[0]',
    ],
    ['an unknown cap window', (d) => Object.assign(d, { caps: [{ per: 'year', max: 1 }] }), 'caps[0].per'],
    [
      'an unknown locality',
      (d) => Object.assign(firstRule(d), { funding: [{ source: 'a', shareBp: 10_000, locality: 'city' }] }),
      'rules[0].funding[0].locality',
    ],
    [
      'shares summing to 9000',
      (d) =>
        Object.assign(firstRule(d), {
          funding: [
            { source: 'a', shareBp: 6000 },
            { source: 'b', shareBp: 3000 },
          ],
        }),
      'rules[0].funding',
    ],
    [
      'shares summing to 11000',
      (d) =>
        Object.assign(firstRule(d), {
          funding: [
            { source: 'a', shareBp: 6000 },
            { source: 'b', shareBp: 5000 },
          ],
        }),
      'rules[0].funding',
    ],
    [
      'two rest parts',
      (d) =>
        Object.assign(firstRule(d), {
          funding: [
            { source: 'a', fen: 1 },
            { source: 'b', rest: true },
            { source: 'c', rest: true },
          ],
        }),
      'rules[0].funding[2].rest',
    ],
    [
      'shares mixed with fixed parts',
      (d) =>
        Object.assign(firstRule(d), {
          funding: [
            { source: 'a', shareBp: 10_000 },
            { source: 'b', fen: 100 },
          ],
        }),
      'rules[0].funding',
    ],
    [
      'a part with both fen and rest',
      (d) => Object.assign(firstRule(d), { funding: [{ source: 'a', fen: 100, rest: true }] }),
      'rules[0].funding[0]',
    ],
    [
      'a part with no amount',
      (d) => Object.assign(firstRule(d), { funding: [{ source: 'a' }] }),
      'rules[0].funding[0]',
    ],
    [
      'rest: false',
      (d) => Object.assign(firstRule(d), { funding: [{ source: 'a', rest: false }] }),
      'rules[0].funding[0].rest',
    ],
    [
      'a negative amount',
      (d) => Object.assign(firstRule(d), { benefit: { kind: 'fixed', fen: -1 } }),
      'rules[0].benefit.fen',
    ],
    ['a fraction of a fen', (d) => Object.assign(d, { elderMinPayFen: 1.5 }), 'elderMinPayFen'],
    [
      'an unsafe integer',
      (d) => Object.assign(firstRule(d), { minSpendFen: 2 ** 53 }),
      'rules[0].minSpendFen',
    ],
    ['money as a string', (d) => Object.assign(d, { elderMinPayFen: '100' }), 'elderMinPayFen'],
    [
      'percentOff above 100%',
      (d) => Object.assign(firstRule(d), { benefit: { kind: 'percentOff', bp: 10_001 } }),
      'rules[0].benefit.bp',
    ],
    ['a date that does not exist', (d) => Object.assign(d, { effectiveFrom: '2023-02-29' }), 'effectiveFrom'],
    ['a date in another format', (d) => Object.assign(d, { effectiveFrom: '2024/01/01' }), 'effectiveFrom'],
    [
      'effectiveTo equal to effectiveFrom',
      (d) => Object.assign(d, { effectiveTo: '2024-01-01' }),
      'effectiveTo',
    ],
    [
      'effectiveTo before effectiveFrom',
      (d) => Object.assign(d, { effectiveTo: '2023-12-31' }),
      'effectiveTo',
    ],
    ['a duplicate ruleId', (d) => Object.assign(d, { rules: [wireRule(), wireRule()] }), 'rules[1].ruleId'],
    [
      'maxAge below minAge',
      (d) => Object.assign(firstRule(d), { eligible: { minAge: 80, maxAge: 60 } }),
      'rules[0].eligible.maxAge',
    ],
    [
      'a cap on a group no rule has',
      (d) => Object.assign(d, { caps: [{ per: 'day', max: 1, stackGroup: 'nope' }] }),
      'caps[0].stackGroup',
    ],
    [
      'overlapping age bands',
      (d) =>
        Object.assign(d, {
          operatingSubsidy: [
            {
              kind: 'perDinerByAge',
              bands: [
                { minAge: 65, maxAge: 75, fen: 80 },
                { minAge: 75, fen: 120 },
              ],
            },
          ],
        }),
      'operatingSubsidy[0].bands[1]',
    ],
    ['a policy superseding itself', (d) => Object.assign(d, { supersedes: 'test-2024' }), 'supersedes'],
    ['a misspelt field', (d) => Object.assign(firstRule(d), { stackgroup: 'base' }), 'rules[0].stackgroup'],
  ])('refuses %s, naming %s', (_case, mutate, path) => {
    expect(refusedPaths(mutate)).toContain(path);
    // Worded in Chinese too, with no English sentence left in.
    for (const issue of refusedIssues(mutate)) {
      expect(issue.messageZh, issue.message).toMatch(/\p{Script=Han}/u);
      expect(issue.messageZh, issue.message).not.toMatch(/\b(must|expected|got|is|are|has|no|overlaps)\b/);
    }
  });

  it('refuses something that is not a document at all', () => {
    expect(parsePolicyDocument('policy')).toEqual({
      ok: false,
      issues: [
        { path: '', message: 'Invalid input: expected object, received string', messageZh: '应为对象' },
      ],
    });
  });

  it('writes field paths the way people read them', () => {
    expect(formatIssuePath(['rules', 0, 'funding', 2, 'rest'])).toBe('rules[0].funding[2].rest');
    expect(formatIssuePath(['policyId'])).toBe('policyId');
    expect(formatIssuePath([])).toBe('');
  });

  it('stays a plain schema that JSON Schema (and so OpenAPI) can describe', () => {
    const input = z.toJSONSchema(policyDocumentSchema, { io: 'input' }) as { required: string[] };
    expect(input.required).toEqual(['policyId', 'name', 'effectiveFrom', 'rules', 'scope', 'offlineExcess']);
    expect(() => z.toJSONSchema(policyDocumentSchema)).not.toThrow();
  });
});

describe('a policy with an impossible date', () => {
  it('is refused naming the date, also when it has an end date to compare with', () => {
    const parsed = parsePolicyDocument(
      wirePolicy({ effectiveFrom: '2030-02-30', effectiveTo: '2031-01-01' }),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues[0]).toMatchObject({ path: 'effectiveFrom' });
  });
});
