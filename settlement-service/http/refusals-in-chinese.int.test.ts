import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Bureau,
  idNumber,
  MENU,
  saleBody,
  setUpBureau,
  TEST_POLICY,
} from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

/*
 * Every refusal reads in Chinese to a caller who does not ask for English (a counter, a clerk's
 * browser), and in English to one who does: the detail and each refused field's message. Real HTTP,
 * real PostgreSQL.
 */

const HAN = /\p{Script=Han}/u;
/** An English sentence: three words in a row, or one of the words every English refusal here uses. */
const ENGLISH_SENTENCE =
  /[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}|\b(is|not|the|must|expected|received|only|Invalid|Too|overlaps|listed|registered|future)\b/;

interface Answer {
  readonly status: number;
  readonly language: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: a problem+json body, asserted field by field
  readonly body: any;
}

type Caller = 'admin' | 't1';

describe('refusals in Chinese by default, in English on request', () => {
  let service: TestService;
  let tokens: Bureau['tokens'];
  beforeAll(async () => {
    service = await startTestService();
    tokens = (await setUpBureau(service)).tokens;
  });
  afterAll(() => service?.close());

  async function send(
    caller: Caller,
    method: string,
    path: string,
    body: unknown,
    acceptLanguage?: string,
  ): Promise<Answer> {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${caller === 'admin' ? service.adminToken : tokens.t1}`,
        'content-type': 'application/json',
        ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}),
      },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      language: response.headers.get('content-language'),
      body: await response.json(),
    };
  }

  const canteen = (overrides: Record<string, unknown>) => ({
    name: '新食堂',
    district: '西城区',
    town: '一街道',
    periods: { lunch: { from: '11:00', to: '13:00' } },
    menu: MENU,
    ...overrides,
  });
  const policy = (overrides: Record<string, unknown>) => ({ ...TEST_POLICY, policyId: 'p2', ...overrides });
  const shares = (a: number, b: number) => [
    {
      ...TEST_POLICY.rules[0],
      funding: [
        { source: 'city-welfare-lottery', shareBp: a },
        { source: 'district-finance', shareBp: b },
      ],
    },
  ];

  /** Each: who sends what (a fresh body each time: a sale id is used once), and the code it must get. */
  const cases: readonly [string, string, Caller, string, string, () => unknown][] = [
    [
      'an unknown card',
      'card-unknown',
      't1',
      'POST',
      '/api/v1/sales',
      () => saleBody({ cardUid: 'CARDXXXX' }),
    ],
    [
      'an item not on the menu',
      'item-unknown',
      't1',
      'POST',
      '/api/v1/sales',
      () => saleBody({ items: [{ itemId: 'nope', qty: 1 }] }),
    ],
    [
      'a sale time in the future',
      'clock-skew',
      't1',
      'POST',
      '/api/v1/sales',
      () => saleBody({ occurredAt: '2100-01-01T12:00:00+08:00' }),
    ],
    [
      'a terminal of an unknown canteen',
      'canteen-unknown',
      'admin',
      'PUT',
      '/api/v1/terminals/t9',
      () => ({
        canteenId: 'nowhere',
      }),
    ],
    [
      'an ID number registered for another elder',
      'id-number-taken',
      'admin',
      'PUT',
      '/api/v1/elders/e-dup',
      () => ({
        name: '李四',
        idNumber: idNumber('1940-03-15', '123'),
        district: '西城区',
        town: '一街道',
        categories: [],
      }),
    ],
    [
      'a menu item listed twice',
      'invalid-body',
      'admin',
      'PUT',
      '/api/v1/canteens/c9',
      () =>
        canteen({
          menu: [
            { itemId: 'gold', name: '金牌套餐', priceFen: 1500 },
            { itemId: 'gold', name: '金牌套餐', priceFen: 1500 },
          ],
        }),
    ],
    [
      'overlapping periods',
      'invalid-body',
      'admin',
      'PUT',
      '/api/v1/canteens/c9',
      () =>
        canteen({
          periods: { lunch: { from: '11:00', to: '13:00' }, dinner: { from: '12:30', to: '19:00' } },
        }),
    ],
    [
      'policy shares that do not sum to the whole',
      'invalid-body',
      'admin',
      'PUT',
      '/api/v1/policies/p2',
      () => policy({ rules: shares(6000, 3000) }),
    ],
    [
      'a policy superseding one never stored',
      'policy-unknown',
      'admin',
      'PUT',
      '/api/v1/policies/p2',
      () => policy({ effectiveFrom: '2027-01-01', supersedes: 'nope' }),
    ],
    [
      'an id of forbidden characters',
      'invalid-params',
      'admin',
      'PUT',
      '/api/v1/terminals/bad!id',
      () => ({
        canteenId: 'c1',
      }),
    ],
    [
      'a card uid of forbidden characters',
      'invalid-body',
      'admin',
      'POST',
      '/api/v1/elders/e80/cards',
      () => ({
        cardUid: 'bad uid!',
      }),
    ],
    ['an empty name', 'invalid-body', 'admin', 'PUT', '/api/v1/canteens/c9', () => canteen({ name: '' })],
    [
      'a quantity that is not a whole number',
      'invalid-body',
      't1',
      'POST',
      '/api/v1/sales',
      () => saleBody({ items: [{ itemId: 'set-a', qty: 1.5 }] }),
    ],
    [
      'a negative supervision threshold',
      'invalid-body',
      'admin',
      'PUT',
      '/api/v1/supervision/settings',
      () => ({ impossibleTravel: { maxSpeedKmh: -1 } }),
    ],
    [
      'a simulated proposal that is no valid policy',
      'invalid-body',
      'admin',
      'POST',
      '/api/v1/simulations',
      () => ({ month: '2026-10', policy: { ...TEST_POLICY, rules: shares(5000, 4000), colour: 'red' } }),
    ],
  ];

  it.each(cases)(
    'words %s (%s) in Chinese, and in English when asked',
    async (_what, code, caller, method, path, body) => {
      const before = await service.eventCount();
      const zh = await send(caller, method, path, body());
      expect(zh.body.code, JSON.stringify(zh.body)).toBe(code);
      expect(zh.language).toBe('zh-CN');
      expect(zh.body.detail).toMatch(HAN);
      expect(zh.body.detail).not.toMatch(ENGLISH_SENTENCE);
      for (const error of zh.body.errors ?? []) {
        expect(error.message, error.path).toMatch(HAN);
        expect(error.message, error.path).not.toMatch(ENGLISH_SENTENCE);
      }

      const en = await send(caller, method, path, body(), 'en');
      expect(en).toMatchObject({ status: zh.status, language: 'en', body: { code } });
      expect(en.body.detail).not.toMatch(HAN);
      expect(en.body.detail).toMatch(/[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}/);
      for (const error of en.body.errors ?? []) expect(error.message, error.path).not.toMatch(HAN);
      // The same refused fields in both languages.
      expect((zh.body.errors ?? []).map((error: { path: string }) => error.path)).toEqual(
        (en.body.errors ?? []).map((error: { path: string }) => error.path),
      );
      expect(await service.eventCount()).toBe(before);
    },
  );

  it('says what was refused in plain Chinese words', async () => {
    const cases: [Caller, string, string, unknown, Record<string, unknown>][] = [
      [
        't1',
        'POST',
        '/api/v1/sales',
        saleBody({ cardUid: 'CARDXXXX' }),
        { detail: 'cardUid: 卡 CARDXXXX 未登记', title: '卡片未登记' },
      ],
      [
        'admin',
        'PUT',
        '/api/v1/canteens/c9',
        canteen({ name: '' }),
        { detail: 'name: 不能为空', errors: [{ path: 'name', message: '不能为空' }] },
      ],
      [
        'admin',
        'PUT',
        '/api/v1/canteens/c9',
        canteen({
          periods: { lunch: { from: '11:00', to: '13:00' }, dinner: { from: '12:30', to: '19:00' } },
        }),
        { errors: [{ path: 'periods.dinner', message: '与午餐(lunch)时段重叠' }] },
      ],
      [
        't1',
        'POST',
        '/api/v1/sales',
        saleBody({ items: [{ itemId: 'set-a', qty: 1.5 }] }),
        { errors: [{ path: 'items[0].qty', message: '应为整数' }] },
      ],
      // zod refuses 1e300 twice (beyond the safe integers, and above 100): the field is named once.
      [
        't1',
        'POST',
        '/api/v1/sales',
        saleBody({ items: [{ itemId: 'set-a', qty: 1e300 }] }),
        { errors: [{ path: 'items[0].qty', message: '不能大于 100' }] },
      ],
      [
        'admin',
        'PUT',
        '/api/v1/supervision/settings',
        { voidRate: { floorRate: 2 } },
        { errors: [{ path: 'voidRate.floorRate', message: '不能大于 1' }] },
      ],
    ];
    for (const [caller, method, path, body, expected] of cases) {
      expect((await send(caller, method, path, body)).body, path).toMatchObject(expected);
    }
  });

  it('answers each refused sale of a batch with the whole problem, in the language the batch asks for', async () => {
    const batch = () => ({
      sales: [
        saleBody({ terminalSeq: 1 }),
        { ...saleBody({ terminalSeq: 2 }), saleId: undefined },
        saleBody({ terminalSeq: 3, items: [{ itemId: 'nope', qty: 1 }] }),
      ],
    });
    const zh = await send('t1', 'POST', '/api/v1/sales/batch', batch());
    expect(zh.status).toBe(200);
    expect(zh.language).toBe('zh-CN');
    const [sold, invalid, unknownItem] = zh.body.results;
    expect(sold.status).toBe(201);
    expect(invalid).toMatchObject({
      status: 400,
      problem: {
        type: 'https://zhucan.invalid/problems/invalid-body',
        title: '请求内容有误',
        status: 400,
        code: 'invalid-body',
        detail: 'saleId: 必填',
        errors: [{ path: 'saleId', message: '必填' }],
      },
    });
    expect(unknownItem.problem).toEqual({
      type: 'https://zhucan.invalid/problems/item-unknown',
      title: '菜单中没有该餐品',
      status: 422,
      detail: 'items[0].itemId: 菜单中没有餐品 nope',
      code: 'item-unknown',
      errors: [{ path: 'items[0].itemId', message: '菜单中没有餐品 nope' }],
    });

    const en = await send('t1', 'POST', '/api/v1/sales/batch', batch(), 'en-GB,en;q=0.9');
    expect(en.language).toBe('en');
    const [, invalidEn, unknownItemEn] = en.body.results;
    expect(invalidEn.problem).toMatchObject({
      type: 'https://zhucan.invalid/problems/invalid-body',
      title: 'Invalid body',
      code: 'invalid-body',
      errors: [{ path: 'saleId', message: 'Invalid input: expected string, received undefined' }],
    });
    expect(unknownItemEn.problem).toMatchObject({
      title: 'Unknown menu item',
      detail: 'items[0].itemId: item nope is not on the menu',
    });
  });
});
