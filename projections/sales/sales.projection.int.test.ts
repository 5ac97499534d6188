import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bureau, LUNCH, saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';
import { canteenDay } from './canteen-day.ts';
import { settlementInputs } from './settlement-inputs.ts';

describe('sales projection: elder ledger, canteen days, terminal activity, settlement inputs', () => {
  let service: TestService;
  const ids: Record<string, string> = {};
  let bureau: Bureau;
  beforeAll(async () => {
    service = await startTestService();
    bureau = await setUpBureau(service);
    const { tokens } = bureau;
    const sell = async (name: string, token: string, overrides: Record<string, unknown>) => {
      const body = saleBody(overrides);
      const { status, body: answer } = await service.call('POST', '/api/v1/sales', token, body);
      expect(status, JSON.stringify(answer)).toBe(201);
      ids[name] = body.saleId;
    };
    await sell('lunch', tokens.t1, {});
    await sell('dinner', tokens.t1, { occurredAt: '2026-10-08T17:30:00+08:00' }); // over the daily cap
    await sell('guest', tokens.t2, { cardUid: undefined, items: [{ itemId: 'soup', qty: 2 }] });
    await sell('young', tokens.t3, { cardUid: 'K65' });
    await sell('voided', tokens.t1, { occurredAt: '2026-10-09T12:00:00+08:00' });
    await sell('offline', tokens.t2, {
      occurredAt: '2026-10-10T12:00:00+08:00',
      offline: true,
      appliedSubsidyFen: 500,
    });
    await sell('november', tokens.t1, { occurredAt: '2026-11-02T12:00:00+08:00' });
    const voided = await service.call('POST', `/api/v1/sales/${ids.voided}/void`, tokens.t1, {
      reason: '录错',
    });
    expect(voided.status).toBe(200);
    await service.projections.catchUp();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('answers the elder ledger endpoint: meals with lines and funding, voids marked, totals and caps used', async () => {
    const { status, body } = await service.call(
      'GET',
      '/api/v1/elders/e80/ledger?month=2026-10',
      service.adminToken,
    );
    expect(status).toBe(200);
    expect(body.meals.map((meal: { saleId: string; voided: boolean }) => [meal.saleId, meal.voided])).toEqual(
      [
        [ids.lunch, false],
        [ids.dinner, false],
        [ids.voided, true],
        [ids.offline, false],
      ],
    );
    const [lunch, dinner, , offline] = body.meals;
    expect(lunch).toMatchObject({
      canteenId: 'c1',
      terminalId: 't1',
      businessDate: '2026-10-08',
      period: 'lunch',
      occurredAt: LUNCH, // in Beijing time, as answers give instants
      totalFen: 1200,
      subsidyFen: 300,
      elderPaysFen: 900,
      items: [{ itemId: 'set-a', name: '套餐A', unitPriceFen: 1200, qty: 1 }],
      lines: [
        {
          ruleId: 'age-80',
          fen: 300,
          funding: [
            { source: 'city-welfare-lottery', fen: 180 },
            { source: 'district-finance', fen: 120 },
          ],
        },
      ],
      offline: false,
    });
    expect(dinner).toMatchObject({ subsidyFen: 0, lines: [], reasons: ['cap-day'] });
    expect(offline).toMatchObject({ offline: true, subsidyFen: 500 });
    expect(offline.excluded.reduce((sum: number, entry: { fen: number }) => sum + entry.fen, 0)).toBe(200);
    expect(body.totals).toEqual({
      meals: 3,
      subsidisedMeals: 2,
      subsidyFen: 800,
      reimbursableFen: 600,
      elderPaidFen: 900 + 1200 + 700,
    });
    expect(body.capsUsed).toEqual({
      days: [
        { date: '2026-10-08', subsidisedMeals: 1 },
        { date: '2026-10-10', subsidisedMeals: 1 },
      ],
      month: 2,
    });

    const november = await service.call('GET', '/api/v1/elders/e80/ledger?month=2026-11', service.adminToken);
    expect(november.body.meals.map((meal: { saleId: string }) => meal.saleId)).toEqual([ids.november]);
  });

  it('refuses a bad month, an unknown elder and a caller who is not the bureau', async () => {
    const bad = await service.call('GET', '/api/v1/elders/e80/ledger?month=2026-13', service.adminToken);
    expect(bad.status).toBe(400);
    const unknown = await service.call(
      'GET',
      '/api/v1/elders/nobody/ledger?month=2026-10',
      service.adminToken,
    );
    expect(unknown).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect((await service.call('GET', '/api/v1/elders/e80/ledger?month=2026-10', null)).status).toBe(401);
  });

  it('keeps canteen days by period with guests, subsidies by rule and source, voids and offline sales', async () => {
    const day = await canteenDay(service.database.db, 'c1', '2026-10-08');
    expect(day.periods.map((period) => period.period)).toEqual(['lunch', 'dinner']);
    expect(day.periods[0]).toEqual({
      period: 'lunch',
      meals: 2,
      guestMeals: 1,
      subsidisedMeals: 1,
      offlineMeals: 0,
      totalFen: 1200 + 400,
      subsidyFen: 300,
      reimbursableFen: 300,
      excludedFen: 0,
      elderPaysFen: 900 + 400,
      voids: 0,
      subsidies: [
        { ruleId: 'age-80', source: 'city-welfare-lottery', fen: 180 },
        { ruleId: 'age-80', source: 'district-finance', fen: 120 },
      ],
    });
    expect(day.periods[1]).toMatchObject({ period: 'dinner', meals: 1, subsidisedMeals: 0, subsidies: [] });

    const { body } = await service.call('GET', '/api/v1/canteens/c1/days/2026-10-09', service.adminToken);
    expect(body.periods).toEqual([
      expect.objectContaining({ period: 'lunch', meals: 0, subsidyFen: 0, voids: 1, subsidies: [] }),
    ]);
    // A registered canteen's quiet day has no periods; a canteen never registered is not found.
    const quiet = await service.call('GET', '/api/v1/canteens/c1/days/2026-10-01', service.adminToken);
    expect(quiet).toMatchObject({ status: 200, body: { periods: [] } });
    expect(
      await service.call('GET', '/api/v1/canteens/nowhere/days/2026-10-09', service.adminToken),
    ).toMatchObject({
      status: 404,
      body: { code: 'not-found', detail: '食堂 nowhere 未登记' },
    });
    const offline = await canteenDay(service.database.db, 'c1', '2026-10-10');
    expect(offline.periods[0]).toMatchObject({
      offlineMeals: 1,
      subsidyFen: 500,
      reimbursableFen: 300,
      excludedFen: 200,
    });
  });

  it('shows each terminal with its last contact and the offline sales it sent and had refused', async () => {
    const { body } = await service.call('GET', '/api/v1/terminals?canteenId=c1', service.adminToken);
    expect(body.terminals.map((terminal: { terminalId: string }) => terminal.terminalId)).toEqual([
      't1',
      't2',
    ]);
    const [t1, t2] = body.terminals;
    expect(t1).toMatchObject({ sales: 4, offlineSales: 0, refusedOfflineSales: 0 });
    expect(t2).toMatchObject({ sales: 2, offlineSales: 1, refusedOfflineSales: 1 });
    expect(Date.parse(t2.lastContactAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(t2.longestOfflineDelaySeconds).toBeGreaterThan(3600);
    expect(t2.queue).toBeNull();
  });

  it('shows the sales a terminal still holds, as it reports them; only changes are recorded', async () => {
    const report = { queuedSales: 3, oldestQueuedAt: '2026-10-10T11:40:00+08:00' };
    const path = '/api/v1/terminals/t2/queue';
    expect((await service.call('PUT', path, bureau.tokens.t2, report)).status).toBe(200);
    const events = await service.eventCount();
    expect((await service.call('PUT', path, bureau.tokens.t2, report)).status).toBe(200);
    expect(await service.eventCount()).toBe(events);
    expect(await service.call('PUT', path, bureau.tokens.t1, report)).toMatchObject({
      status: 403,
      body: { code: 'forbidden' },
    });
    expect((await service.call('PUT', path, bureau.tokens.t2, { queuedSales: -1 })).status).toBe(400);

    await service.projections.catchUp();
    const { body } = await service.call('GET', '/api/v1/terminals?canteenId=c1', service.adminToken);
    const t2 = body.terminals.find((terminal: { terminalId: string }) => terminal.terminalId === 't2');
    expect(t2.queue).toEqual({
      queuedSales: 3,
      oldestQueuedAt: report.oldestQueuedAt,
      reportedAt: expect.any(String),
    });
    expect(t2.lastContactAt).toBe(t2.queue.reportedAt);
  });

  it('gathers the settlement inputs per canteen, with ages for the operating subsidy, as of a moment', async () => {
    const [c1, c2] = await settlementInputs(service.database.db, '2026-10');
    expect(c1).toMatchObject({
      canteenId: 'c1',
      mealsSold: 4,
      subsidisedMeals: 2,
      subsidyFen: 800,
      excluded: [expect.objectContaining({ saleId: ids.offline })],
      bySource: [
        { source: 'city-welfare-lottery', fen: 360 },
        { source: 'district-finance', fen: 240 },
      ],
      days: [
        { date: '2026-10-08', meals: 3, elderDays: 1 },
        { date: '2026-10-10', meals: 1, elderDays: 1 },
      ],
    });
    expect(c1?.operatingSales.find((fact) => fact.elder !== null)?.elder).toEqual({
      elderId: 'e80',
      ageOnDate: 86,
      aliveOnDate: true,
    });
    expect(c2).toMatchObject({ canteenId: 'c2', mealsSold: 1, subsidisedMeals: 0, bySource: [] });

    // Before anything was recorded nothing counts; the void counts only once it was recorded.
    expect(await settlementInputs(service.database.db, '2026-10', { asOf: new Date(0) })).toEqual([]);
    const { rows } = await sql<{ at: Date }>`
      SELECT void_recorded_at AS at FROM read_models.sales WHERE sale_id = ${ids.voided}`.execute(
      service.database.db,
    );
    const voidedAt = rows[0]?.at;
    if (!voidedAt) throw new Error('the void is not projected');
    const justBeforeVoid = new Date(voidedAt.getTime() - 1);
    const [beforeVoid] = await settlementInputs(service.database.db, '2026-10', {
      canteenId: 'c1',
      asOf: justBeforeVoid,
    });
    expect(beforeVoid?.mealsSold).toBe(5);
  });

  it('changes nothing when every event is delivered again', async () => {
    const snapshot = async () => {
      const db = service.database.db;
      return Promise.all(
        ['sales', 'canteen_days', 'canteen_day_subsidies', 'terminal_activity'].map(
          async (table) =>
            (await sql`SELECT * FROM ${sql.id('read_models', table)} ORDER BY 1, 2, 3`.execute(db)).rows,
        ),
      );
    };
    const before = await snapshot();
    await sql`UPDATE projections.generations SET position = '0/0' WHERE name = 'sales'`.execute(
      service.database.db,
    );
    await service.projections.catchUp();
    expect(await snapshot()).toEqual(before);
  });
});
