import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, saleBody } from '../../tests/support/bureau.ts';
import { BEIJING_LIKE, TIANJIN_LIKE, ZENGCHENG_LIKE } from '../../tests/support/example-policies.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

describe('the example policies of docs/policy-language.en.md over HTTP', () => {
  let service: TestService;
  let home: string;
  let otherTown: string;
  beforeAll(async () => {
    service = await startTestService();
    const admin = async (method: string, path: string, body: unknown) => {
      const answer = await service.call(method, path, service.adminToken, body);
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
      return answer.body;
    };
    for (const policy of [BEIJING_LIKE, TIANJIN_LIKE, ZENGCHENG_LIKE]) {
      await admin('PUT', `/api/v1/policies/${policy.policyId}`, policy);
    }
    const periods = { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } };
    const menu = [
      { itemId: 'set-a', name: '套餐', priceFen: 1200 },
      { itemId: 'rice', name: '盖饭', priceFen: 500 },
    ];
    await admin('PUT', '/api/v1/canteens/home', {
      name: '荔城街食堂',
      district: '增城区',
      town: '荔城街',
      periods,
      menu,
    });
    await admin('PUT', '/api/v1/canteens/other-town', {
      name: '新塘镇食堂',
      district: '增城区',
      town: '新塘镇',
      periods,
      menu,
    });
    const elder = (birth: string, sequence: string, categories: unknown[]) => ({
      name: '陈桂芳',
      idNumber: idNumber(birth, sequence, '440118'),
      district: '增城区',
      town: '荔城街',
      categories,
    });
    await admin(
      'PUT',
      '/api/v1/elders/dibao-75',
      elder('1950-03-01', '224', [{ category: 'dibao', from: '2020-01-01' }]),
    );
    await admin('PUT', '/api/v1/elders/age-85', elder('1940-03-01', '113', []));
    await admin('POST', '/api/v1/elders/dibao-75/cards', { cardUid: 'DIBAO75' });
    await admin('POST', '/api/v1/elders/age-85/cards', { cardUid: 'AGE85' });
    home = (await admin('PUT', '/api/v1/terminals/home-1', { canteenId: 'home' })).token;
    otherTown = (await admin('PUT', '/api/v1/terminals/other-1', { canteenId: 'other-town' })).token;
  });
  afterAll(async () => {
    await service.close();
  });

  const sell = async (token: string, card: string, occurredAt: string, itemId = 'set-a') =>
    (
      await service.call(
        'POST',
        '/api/v1/sales',
        token,
        saleBody({ cardUid: card, occurredAt, items: [{ itemId, qty: 1 }] }),
      )
    ).body;

  it('Beijing-like: 5 元 a day for basic-care recipients, only when the bill exceeds it', async () => {
    expect(await sell(home, 'DIBAO75', '2025-03-03T12:00:00+08:00')).toMatchObject({
      subsidyFen: 500,
      elderPaysFen: 700,
      lines: [{ ruleId: 'basic-care', fen: 500, funding: [{ source: 'city-finance', fen: 500 }] }],
    });
    expect(await sell(home, 'DIBAO75', '2025-03-04T12:00:00+08:00', 'rice')).toMatchObject({
      subsidyFen: 0,
      reason: { code: 'below-min-spend' },
    });
    expect(await sell(home, 'AGE85', '2025-03-04T12:00:00+08:00')).toMatchObject({
      subsidyFen: 0,
      reason: { code: 'not-eligible' },
    });
  });

  it('Tianjin-like: 3 元 for 80+, split city 60 % and district 40 %', async () => {
    expect(await sell(home, 'AGE85', '2025-06-02T12:00:00+08:00')).toMatchObject({
      subsidyFen: 300,
      lines: [
        {
          ruleId: 'age-80',
          funding: [
            { source: 'city-welfare-lottery', fen: 180 },
            { source: 'district-finance', fen: 120 },
          ],
        },
      ],
    });
    // 75 and on dibao but not disabled: neither rule of the group applies.
    expect(await sell(home, 'DIBAO75', '2025-06-02T12:00:00+08:00')).toMatchObject({ subsidyFen: 0 });
  });

  it('Zengcheng-like: the elder pays at most 1 元; eating in another town loses the town share', async () => {
    expect(await sell(home, 'DIBAO75', '2025-10-08T12:00:00+08:00')).toMatchObject({
      subsidyFen: 1100,
      elderPaysFen: 100,
      lines: [
        {
          ruleId: 'hardship-60',
          funding: [
            { source: 'city-finance', fen: 300 },
            { source: 'district-finance', fen: 300 },
            { source: 'town-finance', fen: 500 },
          ],
        },
      ],
    });
    expect(await sell(otherTown, 'DIBAO75', '2025-10-09T12:00:00+08:00')).toMatchObject({
      subsidyFen: 600,
      elderPaysFen: 600,
      lines: [
        {
          funding: [
            { source: 'city-finance', fen: 300 },
            { source: 'district-finance', fen: 300 },
          ],
        },
      ],
    });
    expect(await sell(home, 'AGE85', '2025-10-08T12:00:00+08:00')).toMatchObject({
      subsidyFen: 900,
      elderPaysFen: 300,
    });
  });

  it('settles each month by the policy in force: subsidy by source and operating subsidy', async () => {
    const close = async (month: string) => {
      const answer = await service.call('POST', `/api/v1/settlements/${month}/close`, service.adminToken);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return Object.fromEntries(
        answer.body.canteens.map((canteen: { canteenId: string }) => [canteen.canteenId, canteen]),
      );
    };
    // Beijing-like, March: one subsidised lunch; elder-days 3 (one on the 3rd, two on the 4th) at 3 元.
    expect((await close('2025-03')).home).toMatchObject({
      mealsSold: 3,
      subsidisedMeals: 1,
      subsidyFen: 500,
      bySource: [{ source: 'city-finance', fen: 500 }],
      operatingSubsidy: {
        policyId: 'beijing-like',
        lines: [{ kind: 'perElderDay', elderDays: 3, fen: 900 }],
      },
      operatingSubsidyFen: 900,
      reimbursementFen: 1400,
    });
    // Tianjin-like, June: 3 元 for the 85-year-old, 60/40; no operating subsidy.
    expect((await close('2025-06')).home).toMatchObject({
      mealsSold: 2,
      subsidisedMeals: 1,
      bySource: [
        { source: 'city-welfare-lottery', fen: 180 },
        { source: 'district-finance', fen: 120 },
      ],
      operatingSubsidyFen: 0,
      reimbursementFen: 300,
    });
    // Zengcheng-like, October: the town share is paid only in the elder's own town.
    const october = await close('2025-10');
    expect(october.home).toMatchObject({ mealsSold: 2, subsidyFen: 2000, reimbursementFen: 2000 });
    expect(october.home.bySource.reduce((total: number, part: { fen: number }) => total + part.fen, 0)).toBe(
      2000,
    );
    expect(october['other-town']).toMatchObject({
      subsidyFen: 600,
      bySource: [
        { source: 'city-finance', fen: 300 },
        { source: 'district-finance', fen: 300 },
      ],
      reimbursementFen: 600,
    });
  });
});
