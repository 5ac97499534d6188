import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryProjection } from '../../projections/directory/directory.projection.ts';
import { namesProjection } from '../../projections/names/names.projection.ts';
import { salesProjection } from '../../projections/sales/sales.projection.ts';
import { supervisionProjection } from '../../projections/supervision/supervision.projection.ts';
import { MENU, saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

/**
 * The read models the dashboard reads (alerts: what confirmed alerts leave out of the reimbursement;
 * names: the funding sources' names).
 */
const DASHBOARD_READ_MODELS = [salesProjection, directoryProjection, supervisionProjection, namesProjection];
const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-03T15:00:00+08:00');

interface SoldMeal {
  readonly date: string;
  readonly canteenId: string;
  readonly voided: boolean;
  readonly subsidyFen: number;
  /** By funding source, from the answer's subsidy lines. */
  readonly funding: readonly { source: string; fen: number }[];
}

/** What the dashboard should show for the meals, summed here from the sales' own answers. */
function expectedFigures(meals: readonly SoldMeal[]) {
  const counted = meals.filter((meal) => !meal.voided);
  const bySource = new Map<string, number>();
  for (const part of counted.flatMap((meal) => meal.funding))
    bySource.set(part.source, (bySource.get(part.source) ?? 0) + part.fen);
  const reimbursable = (meal: SoldMeal) => meal.funding.reduce((sum, part) => sum + part.fen, 0);
  return {
    meals: counted.length,
    subsidisedMeals: counted.filter((meal) => reimbursable(meal) > 0).length,
    subsidyFen: counted.reduce((sum, meal) => sum + meal.subsidyFen, 0),
    reimbursableFen: counted.reduce((sum, meal) => sum + reimbursable(meal), 0),
    bySource: [...bySource]
      .filter(([, fen]) => fen !== 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([source, fen]) => ({ source, fen })),
  };
}

/** The figures by source, in the order of their ids (the names printed beside them left out). */
const bySourceName = (parts: readonly { source: string; fen: number }[]) =>
  parts.map(({ source, fen }) => ({ source, fen })).sort((a, b) => a.source.localeCompare(b.source));

/*
 * The service's clock stands at 2026-11-03 15:00 (Asia/Shanghai). Sales in October and on 1 and
 * 3 November at canteens c1 (西城区) and c2 (东城区), one voided; October is closed.
 */
describe('GET /api/v1/dashboard (real HTTP, real PostgreSQL, read models)', () => {
  let service: TestService;
  let clock = NOW;
  const meals: SoldMeal[] = [];
  const users: Record<string, string> = {};
  let tokens: { t1: string; t2: string; t3: string };

  const sell = async (token: string, canteenId: string, at: string, overrides: Record<string, unknown>) => {
    const body = saleBody({ occurredAt: at, terminalSeq: meals.length + 1, ...overrides });
    const answer = await service.call('POST', '/api/v1/sales', token, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const lines = answer.body.lines as { funding: { source: string; fen: number }[] }[];
    meals.push({
      date: at.slice(0, 10),
      canteenId,
      voided: false,
      subsidyFen: answer.body.subsidyFen,
      funding: lines.flatMap((line) => line.funding),
    });
    return body.saleId;
  };
  const dashboard = (date: string, token = service.adminToken) =>
    service.call('GET', `/api/v1/dashboard?date=${date}`, token);
  const registerTerminal = async (terminalId: string) =>
    (await service.call('PUT', `/api/v1/terminals/${terminalId}`, service.adminToken, { canteenId: 'c2' }))
      .body.token as string;

  beforeAll(async () => {
    service = await startTestService({ now: () => clock }, DASHBOARD_READ_MODELS);
    tokens = (await setUpBureau(service)).tokens;
    const located = await service.call('PUT', '/api/v1/canteens/c3', service.adminToken, {
      name: '河西食堂',
      district: '河西区',
      town: '友谊路街道',
      location: { lat: 39.1, lng: 117.21 },
      periods: { lunch: { from: '11:00', to: '13:30' } },
      menu: [{ itemId: 'set-a', name: '套餐A', priceFen: 1200 }],
    });
    expect(located.status).toBeLessThan(300);
    for (const [userId, role] of [
      ['reviewer', 'reviewer'],
      ['auditor', 'auditor'],
      ['m1', 'canteen-manager'],
    ] as const) {
      const answer = await service.call('PUT', `/api/v1/users/${userId}`, service.adminToken, {
        name: userId,
        role,
        ...(role === 'canteen-manager' ? { canteenId: 'c1' } : {}),
      });
      users[userId] = answer.body.token;
    }

    await sell(tokens.t1, 'c1', '2026-10-08T12:00:00+08:00', { cardUid: 'K80' });
    await sell(tokens.t2, 'c1', '2026-10-08T17:30:00+08:00', { cardUid: 'K80' }); // the cap: full price
    await sell(tokens.t3, 'c2', '2026-10-09T12:00:00+08:00', {
      cardUid: 'K65',
      items: [
        { itemId: 'set-a', qty: 1 },
        { itemId: 'soup', qty: 1 },
      ],
    });
    await sell(tokens.t3, 'c2', '2026-11-01T12:00:00+08:00', { cardUid: 'K80' });
    await sell(tokens.t1, 'c1', '2026-11-03T12:00:00+08:00', { cardUid: 'K80' });
    await sell(tokens.t3, 'c2', '2026-11-03T12:10:00+08:00', {
      cardUid: undefined,
      items: [{ itemId: 'soup', qty: 2 }],
    });
    const voided = await sell(tokens.t2, 'c1', '2026-11-03T12:20:00+08:00', { cardUid: 'K65' });
    const voiding = await service.call('POST', `/api/v1/sales/${voided}/void`, tokens.t2, { reason: '点错' });
    expect(voiding.status).toBe(200);
    meals[meals.length - 1] = { ...(meals.at(-1) as SoldMeal), voided: true };

    // t4 holds two sales it could not send yet; t5 last reported five hours ago; t6 never called.
    const t4 = await registerTerminal('t4');
    expect((await service.call('PUT', '/api/v1/terminals/t4/queue', t4, { queuedSales: 2 })).status).toBe(
      200,
    );
    const t5 = await registerTerminal('t5');
    clock = NOW - 5 * HOUR;
    expect((await service.call('PUT', '/api/v1/terminals/t5/queue', t5, { queuedSales: 0 })).status).toBe(
      200,
    );
    clock = NOW;
    await registerTerminal('t6');

    const closed = await service.call('POST', '/api/v1/settlements/2026-10/close', service.adminToken);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    await service.projections.catchUp();
  });
  afterAll(() => service?.close());

  it("answers the date's figures and its month to date, per canteen and funding source, summed from the sales", async () => {
    const { status, body } = await dashboard('2026-11-03');
    expect(status).toBe(200);
    expect([body.date, body.month]).toEqual(['2026-11-03', '2026-11']);
    const on = (from: string, to: string, canteenId?: string) =>
      expectedFigures(
        meals.filter(
          (meal) =>
            meal.date >= from && meal.date <= to && (canteenId === undefined || meal.canteenId === canteenId),
        ),
      );
    const figuresOf = ({
      meals,
      subsidisedMeals,
      subsidyFen,
      reimbursableFen,
      bySource,
    }: typeof body.today) => ({
      meals,
      subsidisedMeals,
      subsidyFen,
      reimbursableFen,
      bySource: bySourceName(bySource),
    });
    expect(figuresOf(body.today)).toEqual(on('2026-11-03', '2026-11-03'));
    expect(figuresOf(body.thisMonth)).toEqual(on('2026-11-01', '2026-11-03'));
    expect([body.today.from, body.today.to, body.thisMonth.from, body.thisMonth.to]).toEqual([
      '2026-11-03',
      '2026-11-03',
      '2026-11-01',
      '2026-11-03',
    ]);
    // Spelled out once: today one subsidised meal at c1 (300 fen, 60/40), a guest at c2, the void not counted.
    expect(body.today).toMatchObject({ meals: 2, subsidisedMeals: 1, subsidyFen: 300, reimbursableFen: 300 });
    expect(bySourceName(body.today.bySource)).toEqual([
      { source: 'city-welfare-lottery', fen: 180 },
      { source: 'district-finance', fen: 120 },
    ]);
    for (const canteenId of ['c1', 'c2']) {
      const canteen = body.thisMonth.canteens.find(
        (entry: { canteenId: string }) => entry.canteenId === canteenId,
      );
      expect(figuresOf(canteen), canteenId).toEqual(on('2026-11-01', '2026-11-03', canteenId));
    }
    expect(body.today.canteens.map((canteen: { canteenId: string; name: string }) => canteen.name)).toEqual([
      '西城区食堂',
      '东城区食堂',
      '河西食堂',
    ]);
    expect(body.today.canteens[2]).toMatchObject({ canteenId: 'c3', meals: 0, subsidyFen: 0, bySource: [] });
  });

  it('answers every day of the month up to the date, days without sales as zero', async () => {
    const { body } = await dashboard('2026-11-03');
    expect(body.trend).toEqual(
      ['2026-11-01', '2026-11-02', '2026-11-03'].map((date) => {
        const {
          meals: count,
          subsidisedMeals,
          subsidyFen,
        } = expectedFigures(meals.filter((meal) => meal.date === date));
        return { date, meals: count, subsidisedMeals, subsidyFen };
      }),
    );
    const october = await dashboard('2026-10-31');
    expect(october.body.trend).toHaveLength(31);
    expect(october.body.today).toMatchObject({ meals: 0, subsidyFen: 0 });
    const { meals: count, subsidyFen } = expectedFigures(meals.filter((meal) => meal.date < '2026-11-01'));
    expect(october.body.thisMonth).toMatchObject({ meals: count, subsidyFen });
  });

  it('lists canteens with their location when registered, and terminals with last contact and status', async () => {
    const { body } = await dashboard('2026-11-03');
    expect(body.canteens).toEqual([
      { canteenId: 'c1', name: '西城区食堂', district: '西城区', town: '一街道', location: null },
      { canteenId: 'c2', name: '东城区食堂', district: '东城区', town: '一街道', location: null },
      {
        canteenId: 'c3',
        name: '河西食堂',
        district: '河西区',
        town: '友谊路街道',
        location: { lat: 39.1, lng: 117.21 },
      },
    ]);
    expect(body.offlineAfterHours).toBe(1);
    const terminals = Object.fromEntries(
      body.terminals.map((terminal: { terminalId: string }) => [terminal.terminalId, terminal]),
    );
    expect(Object.keys(terminals).sort()).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
    expect(terminals.t1).toMatchObject({ canteenId: 'c1', queueReportedAt: null, queuedSales: 0 });
    expect(terminals.t1.lastSaleRecordedAt).toMatch(/\+08:00$/);
    expect(terminals.t1.lastContactAt).toBe(terminals.t1.lastSaleRecordedAt);
    expect(terminals.t4).toMatchObject({
      lastSaleRecordedAt: null,
      queueReportedAt: '2026-11-03T15:00:00+08:00',
      queuedSales: 2,
      hoursSinceContact: 0,
      status: 'queued',
    });
    expect(terminals.t5).toMatchObject({
      lastContactAt: '2026-11-03T10:00:00+08:00',
      hoursSinceContact: 5,
      status: 'offline',
    });
    expect(terminals.t6).toMatchObject({
      lastContactAt: null,
      hoursSinceContact: null,
      status: 'never-seen',
    });
  });

  it('lists the recent months with sales or a settlement, their status and the paths of their statements', async () => {
    const before = (await dashboard('2026-11-03')).body.settlements;
    expect(before).toEqual([
      {
        month: '2026-11',
        status: 'open',
        closedAt: null,
        statementPath: '/api/v1/settlements/2026-11/statement.pdf',
        canteenStatements: [
          { canteenId: 'c1', path: '/api/v1/settlements/2026-11/canteens/c1/statement.pdf' },
          { canteenId: 'c2', path: '/api/v1/settlements/2026-11/canteens/c2/statement.pdf' },
        ],
      },
      {
        month: '2026-10',
        status: 'closed',
        closedAt: '2026-11-03T15:00:00+08:00',
        statementPath: '/api/v1/settlements/2026-10/statement.pdf',
        canteenStatements: [
          { canteenId: 'c1', path: '/api/v1/settlements/2026-10/canteens/c1/statement.pdf' },
          { canteenId: 'c2', path: '/api/v1/settlements/2026-10/canteens/c2/statement.pdf' },
        ],
      },
    ]);
    const reviewed = await service.call(
      'POST',
      '/api/v1/settlements/2026-10/review',
      users.reviewer ?? '',
      {},
    );
    expect(reviewed.status).toBe(200);
    const after = (await dashboard('2026-11-03', users.auditor)).body.settlements;
    expect(after.map((month: { month: string; status: string }) => [month.month, month.status])).toEqual([
      ['2026-11', 'open'],
      ['2026-10', 'reviewed'],
    ]);
    for (const { statementPath, canteenStatements } of after) {
      for (const path of [statementPath, ...canteenStatements.map((entry: { path: string }) => entry.path)]) {
        const pdf = await fetch(`${service.url}${path}`, {
          headers: { authorization: `Bearer ${users.reviewer}` },
        });
        expect([path, pdf.status, pdf.headers.get('content-type')]).toEqual([path, 200, 'application/pdf']);
        await pdf.arrayBuffer();
      }
    }
  });

  it("defaults to today's business date in Asia/Shanghai by the service's clock", async () => {
    clock = Date.parse('2026-11-03T23:30:00+08:00'); // 15:30 UTC: still the 3rd in Shanghai
    try {
      const { status, body } = await service.call('GET', '/api/v1/dashboard', users.reviewer ?? '');
      expect(status).toBe(200);
      expect(body.date).toBe('2026-11-03');
    } finally {
      clock = NOW;
    }
  });

  it('serves the bureau (admin, reviewer, auditor) and refuses everyone else; a date that is not a date is 400', async () => {
    const viewers = [];
    for (const token of [service.adminToken, users.reviewer, users.auditor]) {
      const answer = await dashboard('2026-11-03', token);
      expect(answer.status).toBe(200);
      viewers.push(answer.body.viewer);
    }
    // Who is signed in, so that the page offers decisions on alerts to admins and reviewers only.
    expect(viewers).toEqual([
      { userId: 'bureau-admin', name: '系统管理员', role: 'admin' },
      { userId: 'reviewer', name: 'reviewer', role: 'reviewer' },
      { userId: 'auditor', name: 'auditor', role: 'auditor' },
    ]);
    const anonymous = await fetch(`${service.url}/api/v1/dashboard?date=2026-11-03`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'unauthenticated' });
    for (const token of [users.m1, tokens.t1]) {
      const refused = await dashboard('2026-11-03', token);
      expect([refused.status, refused.body.code]).toEqual([403, 'forbidden']);
    }
    // A date that is not a real YYYY-MM-DD is invalid input, as on every route (docs/api.en.md: 400, field named).
    for (const date of ['2026-02-30', '2026-11', 'today']) {
      const refused = await dashboard(date);
      expect([date, refused.status, refused.body.code]).toEqual([date, 400, 'invalid-query']);
      expect(refused.body.errors, date).toEqual([expect.objectContaining({ path: 'date' })]);
    }
  });

  it('serves the page and its assets under a policy of its own; the API keeps its own', async () => {
    // The service's own address, opened in a browser, leads to the dashboard.
    const root = await fetch(`${service.url}/`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/dashboard']);
    const page = await fetch(`${service.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<section id="alerts"');
    const policy = page.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
    ])
      expect(policy).toContain(directive);
    expect(policy).not.toContain('unsafe');
    for (const [path, type] of [
      ['/dashboard/assets/echarts.min.js', /javascript/],
      ['/dashboard/assets/dashboard.js', /javascript/],
      ['/dashboard/assets/dashboard.css', /^text\/css/],
      ['/dashboard/assets/noto-sans-sc-400.ttf', /^font\/ttf/],
    ] as const) {
      const asset = await fetch(`${service.url}${path}`);
      expect([path, asset.status]).toEqual([path, 200]);
      expect(asset.headers.get('content-type'), path).toMatch(type);
      expect(asset.headers.get('content-security-policy'), path).toBe(policy);
      await asset.arrayBuffer();
    }
    const missing = await fetch(`${service.url}/dashboard/assets/nothing.js`);
    expect(missing.status).toBe(404);
    const api = await dashboard('2026-11-03');
    expect(api.status).toBe(200);
    const apiAnswer = await fetch(`${service.url}/api/v1/dashboard`);
    expect(apiAnswer.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
  });
});

/*
 * 核实不予结算 on the dashboard: canteen c1 closes on Sundays and stands 110 km from c3. Elder e80
 * eats at c1 on Sunday 11 October and at c3 twenty minutes later (alerts closed-day and
 * impossible-travel both name the c1 sale); e80 eats at c1 on Sunday 4 October too, a sale then voided
 * at once
 * (its closed-day alert confirmed all the same); e80 eats at c1 on Monday 12 October, today.
 */
describe('GET /api/v1/dashboard with confirmed alerts', () => {
  let service: TestService;
  // Registered on 1 October, each sale sold at its hour: a canteen's change holds from when it is made.
  let clock = Date.parse('2026-10-01T08:00:00+08:00');
  const sales: Record<string, { saleId: string; reimbursableFen: number }> = {};
  type Alert = { alertId: string; kind: string; saleIds: string[] };
  type Canteen = {
    canteenId: string;
    reimbursableFen: number;
    excludedByAlertsFen: number;
    bySource: { source: string; fen: number }[];
  };

  const dashboard = async (date: string) => {
    const { status, body } = await service.call('GET', `/api/v1/dashboard?date=${date}`, service.adminToken);
    expect(status, JSON.stringify(body)).toBe(200);
    return body;
  };
  const c1Of = (period: { canteens: Canteen[] }) =>
    period.canteens.find((canteen) => canteen.canteenId === 'c1') as Canteen;
  const alerts = async () =>
    (await service.call('GET', '/api/v1/alerts?month=2026-10', service.adminToken)).body.alerts as Alert[];

  beforeAll(async () => {
    service = await startTestService({ now: () => clock }, DASHBOARD_READ_MODELS);
    const { tokens } = await setUpBureau(service);
    const admin = (method: string, path: string, body: unknown) =>
      service.call(method, path, service.adminToken, body);
    const periods = { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } };
    const located = (name: string, district: string, lat: number, lng: number, closedDays?: object) => ({
      name,
      district,
      town: '一街道',
      location: { lat, lng },
      periods,
      menu: MENU,
      ...(closedDays ? { closedDays } : {}),
    });
    expect(
      (
        await admin(
          'PUT',
          '/api/v1/canteens/c1',
          located('西城区食堂', '西城区', 39.91, 116.37, { weekdays: [7], dates: [] }),
        )
      ).status,
    ).toBe(200);
    expect(
      (await admin('PUT', '/api/v1/canteens/c3', located('和平食堂', '和平区', 39.12, 117.2))).status,
    ).toBe(200);
    const t9 = (await admin('PUT', '/api/v1/terminals/t9', { canteenId: 'c3' })).body.token as string;
    let seq = 0;
    const sell = async (name: string, token: string, occurredAt: string, cardUid: string) => {
      seq += 1;
      clock = Date.parse(occurredAt);
      const body = saleBody({ occurredAt, terminalSeq: seq, cardUid });
      const answer = await service.call('POST', '/api/v1/sales', token, body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      const lines = answer.body.lines as { fen: number }[];
      sales[name] = { saleId: body.saleId, reimbursableFen: lines.reduce((sum, line) => sum + line.fen, 0) };
    };
    await sell('voidedSunday', tokens.t1, '2026-10-04T12:00:00+08:00', 'K80');
    const voidPath = `/api/v1/sales/${sales.voidedSunday?.saleId}/void`;
    const voiding = await service.call('POST', voidPath, tokens.t1, { reason: '点错' });
    expect(voiding.status).toBe(200);
    await sell('sunday', tokens.t1, '2026-10-11T12:00:00+08:00', 'K80');
    await sell('faraway', t9, '2026-10-11T12:20:00+08:00', 'K80');
    await sell('monday', tokens.t2, '2026-10-12T12:00:00+08:00', 'K80');
    clock = Date.parse('2026-10-12T15:00:00+08:00');
    await service.projections.catchUp();
  });
  afterAll(() => service?.close());

  it('leaves out the subsidy of sales named by confirmed alerts, each sale once, voided sales not at all, as settlement does', async () => {
    const sunday = sales.sunday?.reimbursableFen ?? 0;
    expect(sunday).toBeGreaterThan(0);
    expect(sales.voidedSunday?.reimbursableFen).toBeGreaterThan(0);
    const before = await dashboard('2026-10-12');
    expect(c1Of(before.thisMonth).excludedByAlertsFen).toBe(0);
    expect(before.thisMonth.excludedByAlertsFen).toBe(0);

    const naming = (await alerts()).filter((alert) =>
      alert.saleIds.some(
        (saleId) => saleId === sales.sunday?.saleId || saleId === sales.voidedSunday?.saleId,
      ),
    );
    expect(naming.map((alert) => alert.kind).sort()).toEqual([
      'closed-day',
      'closed-day',
      'impossible-travel',
    ]);
    for (const alert of naming) {
      const confirmed = await service.call(
        'POST',
        `/api/v1/alerts/${alert.alertId}/confirm`,
        service.adminToken,
        {
          reason: '周日闭店，现场核实无人就餐',
        },
      );
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    }
    await service.projections.catchUp();

    const settlement = await service.call('GET', '/api/v1/settlements/2026-10', service.adminToken);
    expect(settlement.status).toBe(200);
    const settled = settlement.body.canteens.find(
      (canteen: { canteenId: string }) => canteen.canteenId === 'c1',
    );
    expect(settled.excludedFen).toBe(sunday);

    const after = await dashboard('2026-10-12');
    const month = c1Of(after.thisMonth);
    expect(month.excludedByAlertsFen).toBe(sunday);
    expect(month.reimbursableFen).toBe(settled.subsidyFen - settled.excludedFen);
    expect(month.reimbursableFen).toBe(c1Of(before.thisMonth).reimbursableFen - sunday);
    expect(bySourceName(month.bySource)).toEqual(bySourceName(settled.bySource));
    expect(after.thisMonth).toMatchObject({
      excludedByAlertsFen: sunday,
      reimbursableFen: before.thisMonth.reimbursableFen - sunday,
    });
    const sourcesTotal = after.thisMonth.bySource.reduce(
      (sum: number, part: { fen: number }) => sum + part.fen,
      0,
    );
    expect(sourcesTotal).toBe(after.thisMonth.reimbursableFen);
    // Only the period's sales: today (the 12th) has none named; the 11th has the Sunday sale.
    expect(after.today).toMatchObject({
      excludedByAlertsFen: 0,
      reimbursableFen: before.today.reimbursableFen,
    });
    const eleventh = await dashboard('2026-10-11');
    expect(c1Of(eleventh.today)).toMatchObject({ excludedByAlertsFen: sunday, reimbursableFen: 0 });
    expect(eleventh.today.excludedByAlertsFen).toBe(sunday);
  });
});
