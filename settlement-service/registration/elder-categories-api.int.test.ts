import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, MENU, saleBody } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

/** The service's clock: 20 November 2026, moved on step by step. */
let clock = Date.parse('2026-11-20T10:00:00+08:00');

/** 孙玉芬's ID number: 66 in November 2026. */
const SUN = idNumber('1960-04-02', '418');

/** 低保 alone brings a subsidy here: 5 yuan a meal for 60+ 低保 recipients. */
const DIBAO_ONLY = {
  policyId: 'dibao-2026',
  name: '低保助餐',
  effectiveFrom: '2026-01-01',
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  rules: [
    {
      ruleId: 'dibao-60',
      eligible: { minAge: 60, categoriesAny: ['dibao'] },
      periods: ['lunch', 'dinner'],
      benefit: { kind: 'fixed', fen: 500 },
      stackGroup: 'base',
      funding: [{ source: 'district-finance', shareBp: 10000 }],
    },
  ],
  caps: [{ per: 'day', max: 2 }],
};

describe('PUT /api/v1/elders/{elderId}/categories: categories changed without the name and ID number', () => {
  let service: TestService;
  let terminal = '';
  const admin = (method: string, path: string, body?: unknown) =>
    service.call(method, path, service.adminToken, body);
  const ok = async (pending: ReturnType<typeof admin>) => {
    const answer = await pending;
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    return answer.body;
  };
  const sellAt = async (occurredAt: string, terminalSeq: number) => {
    clock = Date.parse(occurredAt) + 5_000;
    const sold = await service.call(
      'POST',
      '/api/v1/sales',
      terminal,
      saleBody({ occurredAt, terminalSeq, cardUid: 'K66' }),
    );
    expect(sold.status, JSON.stringify(sold.body)).toBe(201);
    return sold.body;
  };

  beforeAll(async () => {
    service = await startTestService({ now: () => clock });
    await ok(admin('PUT', '/api/v1/policies/dibao-2026', DIBAO_ONLY));
    await ok(
      admin('PUT', '/api/v1/canteens/c1', {
        name: '西城区食堂',
        district: '西城区',
        town: '一街道',
        periods: { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } },
        menu: MENU,
      }),
    );
    await ok(
      admin('PUT', '/api/v1/elders/e66', {
        name: '孙玉芬',
        idNumber: SUN,
        district: '西城区',
        town: '一街道',
        homeCanteenId: 'c1',
        categories: [],
      }),
    );
    await ok(admin('POST', '/api/v1/elders/e66/cards', { cardUid: 'K66' }));
    terminal = (await ok(admin('PUT', '/api/v1/terminals/t1', { canteenId: 'c1' }))).token;
  });
  afterAll(async () => {
    await service?.close();
  });

  it('decides a sale after the change with the new category; one before it keeps the old', async () => {
    const lunch = await sellAt('2026-11-20T12:00:00+08:00', 1);
    expect(lunch).toMatchObject({ subsidyFen: 0, lines: [] });

    clock = Date.parse('2026-11-20T14:00:00+08:00');
    const changed = await admin('PUT', '/api/v1/elders/e66/categories', {
      categories: [{ category: 'dibao', from: '2026-11-01' }],
    });
    expect(changed).toEqual({
      status: 200,
      body: {
        elderId: 'e66',
        categories: [{ category: 'dibao', from: '2026-11-01', to: null }],
        changed: true,
      },
    });

    const dinner = await sellAt('2026-11-20T17:30:00+08:00', 2);
    expect(dinner).toMatchObject({ subsidyFen: 500, lines: [{ ruleId: 'dibao-60', fen: 500 }] });

    await service.projections.catchUp();
    const ledger = await admin('GET', '/api/v1/elders/e66/ledger?month=2026-11');
    expect(ledger.status, JSON.stringify(ledger.body)).toBe(200);
    expect(ledger.body.meals.map((meal: { subsidyFen: number }) => meal.subsidyFen)).toEqual([0, 500]);
    // The rest of the record stays as registered: the name and the ID number were not asked for.
    const record = await admin('GET', '/api/v1/elders/e66');
    expect(record.body).toMatchObject({
      maskedName: '孙*芬',
      maskedIdNumber: `${SUN.slice(0, 4)}**********${SUN.slice(14)}`,
      district: '西城区',
      homeCanteenId: 'c1',
      categories: [{ category: 'dibao', from: '2026-11-01', to: null }],
      cardUid: 'K66',
    });
  });

  it('changes nothing when the same categories come again (a retry is safe)', async () => {
    const events = await service.eventCount();
    const again = await admin('PUT', '/api/v1/elders/e66/categories', {
      categories: [{ category: 'dibao', from: '2026-11-01' }],
      from: '2026-11-21T00:00:00+08:00',
    });
    expect(again).toEqual({
      status: 200,
      body: {
        elderId: 'e66',
        categories: [{ category: 'dibao', from: '2026-11-01', to: null }],
        changed: false,
      },
    });
    expect(await service.eventCount()).toBe(events);
  });

  it('ends a category at a date; the full registration then sees the same record', async () => {
    const ended = [
      { category: 'dibao', from: '2026-11-01', to: '2026-12-01' },
      { category: 'tekun', from: '2026-12-01' },
    ];
    expect((await admin('PUT', '/api/v1/elders/e66/categories', { categories: ended })).body).toMatchObject({
      changed: true,
    });
    // The full registration with the same details records nothing more.
    const events = await service.eventCount();
    await ok(
      admin('PUT', '/api/v1/elders/e66', {
        name: '孙玉芬',
        idNumber: SUN,
        district: '西城区',
        town: '一街道',
        homeCanteenId: 'c1',
        categories: ended,
      }),
    );
    expect(await service.eventCount()).toBe(events);
  });

  it('refuses an elder never registered (404) and an end not after its start (400), recording nothing', async () => {
    const events = await service.eventCount();
    expect(
      await admin('PUT', '/api/v1/elders/nobody/categories', {
        categories: [{ category: 'dibao', from: '2026-11-01' }],
      }),
    ).toMatchObject({ status: 404, body: { code: 'not-found', detail: '没有该老人' } });

    const backwards = await admin('PUT', '/api/v1/elders/e66/categories', {
      categories: [{ category: 'dibao', from: '2026-11-01', to: '2026-10-01' }],
    });
    expect(backwards).toMatchObject({
      status: 400,
      body: {
        code: 'invalid-body',
        errors: [{ path: 'categories[0].to', message: '止日(to)须晚于起日(from)' }],
      },
    });
    const notADate = await admin('PUT', '/api/v1/elders/e66/categories', {
      categories: [{ category: 'dibao', from: '2026-02-30' }],
    });
    expect(notADate).toMatchObject({
      status: 400,
      body: { code: 'invalid-body', errors: [{ path: 'categories[0].from' }] },
    });
    const noList = await admin('PUT', '/api/v1/elders/e66/categories', {
      name: '孙玉芬',
    });
    expect(noList.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'categories',
      'name',
    ]);
    expect(await service.eventCount()).toBe(events);
  });

  it("changes a dead elder's categories too: the bureau corrects the record", async () => {
    await ok(admin('POST', '/api/v1/elders/e66/death', { date: '2026-11-19' }));
    const corrected = await admin('PUT', '/api/v1/elders/e66/categories', {
      categories: [{ category: 'dibao', from: '2026-10-01', to: '2026-11-26' }],
    });
    expect(corrected).toMatchObject({ status: 200, body: { changed: true } });
    await service.projections.catchUp();
    expect((await admin('GET', '/api/v1/elders/e66')).body).toMatchObject({
      status: 'died',
      categories: [{ category: 'dibao', from: '2026-10-01', to: '2026-11-26' }],
    });
  });
});
