import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bureau, saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

/** What a counter terminal needs beyond docs/api.en.md: quotes, batches and its offline copy (real HTTP, real PostgreSQL). */
describe('terminal sync API', () => {
  let service: TestService;
  let tokens: Bureau['tokens'];
  beforeAll(async () => {
    service = await startTestService();
    tokens = (await setUpBureau(service)).tokens;
  });
  afterAll(() => service?.close());

  it('quotes a sale without recording it, and the sale recorded next gets the same figures', async () => {
    const body = saleBody({ occurredAt: '2026-10-20T12:00:00+08:00' });
    const before = await service.eventCount();
    const quote = await service.call('POST', '/api/v1/sales/quote', tokens.t1, body);
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({
      status: 'quoted',
      totalFen: 1200,
      subsidyFen: 300,
      elderPaysFen: 900,
      elder: { maskedName: '张*明' },
    });
    expect(await service.eventCount()).toBe(before);
    const sold = await service.call('POST', '/api/v1/sales', tokens.t1, body);
    expect(sold.body).toMatchObject({ status: 'recorded', subsidyFen: 300, elderPaysFen: 900 });
    // The day's subsidised meal is used: a second quote says so, in words, without the category.
    const again = await service.call(
      'POST',
      '/api/v1/sales/quote',
      tokens.t1,
      saleBody({ occurredAt: '2026-10-20T12:10:00+08:00' }),
    );
    expect(again.body).toMatchObject({
      subsidyFen: 0,
      elderPaysFen: 1200,
      reason: { code: 'cap-day', zh: '今日补贴次数已用完' },
    });
    const unknown = await service.call(
      'POST',
      '/api/v1/sales/quote',
      tokens.t1,
      saleBody({ cardUid: 'NOPE' }),
    );
    expect(unknown).toMatchObject({ status: 422, body: { code: 'card-unknown' } });
  });

  it('records a batch in order, each sale answered as alone; a bad one does not stop the rest; a repeat writes nothing', async () => {
    const first = saleBody({
      occurredAt: '2026-10-21T12:00:00+08:00',
      offline: true,
      appliedSubsidyFen: 300,
      terminalSeq: 11,
    });
    const second = saleBody({
      occurredAt: '2026-10-21T17:30:00+08:00',
      offline: true,
      appliedSubsidyFen: 300,
      terminalSeq: 12,
    });
    const bad = { ...saleBody(), items: [] };
    const unknownItem = saleBody({ items: [{ itemId: 'caviar', qty: 1 }], terminalSeq: 13 });
    const batch = await service.call('POST', '/api/v1/sales/batch', tokens.t2, {
      sales: [first, bad, second, unknownItem],
    });
    expect(batch.status).toBe(200);
    const results = batch.body.results;
    expect(results.map((result: { status: number }) => result.status)).toEqual([201, 400, 201, 422]);
    expect(results[0].sale).toMatchObject({ saleId: first.saleId, subsidyFen: 300, lines: [{ fen: 300 }] });
    // In the order sent: the dinner is over the day's cap, so its applied subsidy is not reimbursed.
    expect(results[2].sale).toMatchObject({
      subsidyFen: 300,
      excluded: [{ reason: 'offline-over-cap', fen: 300 }],
    });
    expect(results[1].problem).toMatchObject({ code: 'invalid-body', errors: [{ path: 'items' }] });
    expect(results[3].problem).toMatchObject({ code: 'item-unknown' });

    const count = await service.eventCount();
    const repeat = await service.call('POST', '/api/v1/sales/batch', tokens.t2, { sales: [first, second] });
    expect(repeat.body.results.map((result: { status: number }) => result.status)).toEqual([200, 200]);
    expect(repeat.body.results[1].sale).toEqual(results[2].sale);
    expect(await service.eventCount()).toBe(count);

    const tooMany = await service.call('POST', '/api/v1/sales/batch', tokens.t2, {
      sales: Array.from({ length: 501 }, () => saleBody()),
    });
    expect(tooMany).toMatchObject({ status: 400, body: { code: 'invalid-body' } });
    const byAdmin = await service.call('POST', '/api/v1/sales/batch', service.adminToken, {
      sales: [saleBody()],
    });
    expect(byAdmin.status).toBe(403);
  });

  it('answers voids of one sale sent at the same moment alike, and records one', async () => {
    const body = saleBody({ occurredAt: '2026-10-22T12:00:00+08:00' });
    expect((await service.call('POST', '/api/v1/sales', tokens.t1, body)).status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        service.call('POST', `/api/v1/sales/${body.saleId}/void`, tokens.t1, { reason: '点错' }),
      ),
    );
    expect(answers.map((answer) => [answer.status, answer.body.status])).toEqual(
      answers.map(() => [200, 'voided']),
    );
    const { rows } = await service.database.pool.query(
      `SELECT count(*)::int AS voids FROM event_store.events WHERE event_type = 'SaleVoided' AND data->>'saleId' = $1`,
      [body.saleId],
    );
    expect(rows[0].voids).toBe(1);
  });

  it("gives a terminal its offline copy: canteen, policies, its area's cards and elders with this week's meals, no ID numbers", async () => {
    const lunch = saleBody({ occurredAt: new Date(Date.now() - 60_000).toISOString() });
    expect((await service.call('POST', '/api/v1/sales', tokens.t1, lunch)).status).toBe(201);
    await service.projections.catchUp();
    const copy = await service.call('GET', '/api/v1/terminals/t1/offline-copy', tokens.t1);
    expect(copy.status).toBe(200);
    expect(copy.body).toMatchObject({
      terminalId: 't1',
      canteenId: 'c1',
      canteen: { district: '西城区', menu: [{ itemId: 'set-a', priceFen: 1200 }, { itemId: 'soup' }] },
      policies: [{ policyId: 'test-2026' }],
    });
    expect(copy.body.cards).toEqual(
      expect.arrayContaining([
        { cardUid: 'K80', elderId: 'e80', status: 'active' },
        { cardUid: 'K65', elderId: 'e65', status: 'active' },
      ]),
    );
    const e80 = copy.body.elders.find((elder: { elderId: string }) => elder.elderId === 'e80');
    expect(e80).toMatchObject({ maskedName: '张*明', birthDate: '1940-03-15', district: '西城区' });
    expect(e80.meals.map((meal: { saleId: string }) => meal.saleId)).toContain(lunch.saleId);
    const text = JSON.stringify(copy.body);
    expect(text).not.toContain('120101');
    expect(text).not.toContain('张三明');

    expect((await service.call('GET', '/api/v1/terminals/t1/offline-copy', tokens.t3)).status).toBe(403);
    expect((await service.call('GET', '/api/v1/terminals/t1/offline-copy', null)).status).toBe(401);
  });
});
