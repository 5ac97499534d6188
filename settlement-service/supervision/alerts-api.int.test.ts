import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildProjection } from '../../projections/runner/rebuild.ts';
import { supervisionProjection } from '../../projections/supervision/supervision.projection.ts';
import { MENU, saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';
import { readStatement } from '../statements/statement-reader.ts';

/*
 * Two canteens 110 km apart (Beijing, Tianjin); the Tianjin one closes on Sundays. Elder e80 (card
 * K80, 80+, subsidised at lunch and dinner once a day) is tapped at both within 20 minutes, eats at
 * Tianjin on a Sunday, and at Beijing in the afternoon. The service's clock stands on 1 December 2026.
 */
describe('supervision alerts: raised by the projection, decided by the bureau, excluded in settlement', () => {
  let service: TestService;
  const users: Record<string, string> = {};
  const sales: Record<string, string> = {};
  type Listed = {
    alertId: string;
    kind: string;
    status: string;
    saleIds: string[];
    elderId?: string;
    detail: string;
    canteenId: string;
  };
  const listAlerts = async (query = 'month=2026-10') => {
    const { status, body } = await service.call('GET', `/api/v1/alerts?${query}`, users.wang ?? '');
    expect(status, JSON.stringify(body)).toBe(200);
    return body.alerts as Listed[];
  };
  const alertOfKind = async (kind: string) => {
    const found = (await listAlerts()).find((alert) => alert.kind === kind);
    if (!found) throw new Error(`no ${kind} alert`);
    return found;
  };

  beforeAll(async () => {
    service = await startTestService({
      now: () => Date.parse('2026-12-01T10:00:00+08:00'),
    });
    await setUpBureau(service);
    const admin = (method: string, path: string, body: unknown) =>
      service.call(method, path, service.adminToken, body);
    const periods = { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } };
    const beijing = {
      name: '西城老年幸福食堂',
      district: '西城区',
      town: '一街道',
      location: { lat: 39.91, lng: 116.37 },
    };
    const tianjin = {
      name: '和平长者食堂',
      district: '和平区',
      town: '南营门街道',
      location: { lat: 39.12, lng: 117.2 },
    };
    expect((await admin('PUT', '/api/v1/canteens/bj', { ...beijing, periods, menu: MENU })).status).toBe(200);
    const closed = { weekdays: [7], dates: ['2026-10-01'] };
    expect(
      (await admin('PUT', '/api/v1/canteens/tj', { ...tianjin, periods, menu: MENU, closedDays: closed }))
        .status,
    ).toBe(200);
    const terminal = async (terminalId: string, canteenId: string) =>
      (await admin('PUT', `/api/v1/terminals/${terminalId}`, { canteenId })).body.token as string;
    const atBeijing = await terminal('t-bj', 'bj');
    const atTianjin = await terminal('t-tj', 'tj');
    for (const [userId, role] of [
      ['wang', 'reviewer'],
      ['zhao', 'auditor'],
    ] as const) {
      const { body } = await admin('PUT', `/api/v1/users/${userId}`, { name: `${userId}用户`, role });
      users[userId] = body.token;
    }
    const sell = async (name: string, token: string, occurredAt: string, seq: number) => {
      const body = saleBody({ occurredAt, terminalSeq: seq });
      const { status, body: answer } = await service.call('POST', '/api/v1/sales', token, body);
      expect(status, JSON.stringify(answer)).toBe(201);
      sales[name] = body.saleId;
    };
    await sell('beijingLunch', atBeijing, '2026-10-08T12:00:00+08:00', 1);
    await sell('tianjinLunch', atTianjin, '2026-10-08T12:20:00+08:00', 1);
    await sell('sunday', atTianjin, '2026-10-11T12:00:00+08:00', 2);
    await sell('afternoon', atBeijing, '2026-10-14T15:30:00+08:00', 2);
    await sell('ordinary', atBeijing, '2026-10-15T12:00:00+08:00', 3);
    await service.projections.catchUp();
  });
  afterAll(() => service?.close());

  it('raises each finding once with its evidence, the elder, and a Chinese detail', async () => {
    const alerts = await listAlerts();
    const byKind = new Map(alerts.map((alert) => [alert.kind, alert]));
    expect([...byKind.keys()].sort()).toEqual(['closed-day', 'impossible-travel', 'outside-hours']);
    expect(alerts).toHaveLength(3);
    expect(byKind.get('impossible-travel')).toMatchObject({
      status: 'open',
      elderId: 'e80',
      saleIds: [sales.beijingLunch, sales.tianjinLunch].sort(),
    });
    expect(byKind.get('impossible-travel')?.detail).toMatch(/卡 K80.*公里/);
    expect(byKind.get('closed-day')).toMatchObject({ canteenId: 'tj', saleIds: [sales.sunday] });
    expect(byKind.get('outside-hours')).toMatchObject({ canteenId: 'bj', saleIds: [sales.afternoon] });
    expect(await listAlerts('month=2026-11')).toEqual([]);
    expect((await listAlerts('month=2026-10&kind=closed-day')).map((alert) => alert.kind)).toEqual([
      'closed-day',
    ]);
  });

  it('lets auditors read but not decide, and refuses canteen terminals, unknown alerts and bad input', async () => {
    const closedDay = await alertOfKind('closed-day');
    const path = `/api/v1/alerts/${closedDay.alertId}`;
    const before = await service.eventCount();
    expect((await service.call('GET', path, users.zhao ?? '')).status).toBe(200);
    const auditorConfirms = await service.call('POST', `${path}/confirm`, users.zhao ?? '', {});
    expect(auditorConfirms).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect((await service.call('GET', '/api/v1/alerts', null)).status).toBe(401);
    const unknown = await service.call('POST', '/api/v1/alerts/no-such-alert/confirm', users.wang ?? '', {});
    expect(unknown).toMatchObject({ status: 404, body: { code: 'not-found' } });
    const noReason = await service.call('POST', `${path}/dismiss`, users.wang ?? '', { reason: '   ' });
    expect(noReason).toMatchObject({ status: 400, body: { code: 'reason-required' } });
    const badMonth = await service.call('GET', '/api/v1/alerts?month=2026-13', users.wang ?? '');
    expect(badMonth).toMatchObject({ status: 400, body: { code: 'invalid-query' } });
    expect(await service.eventCount()).toBe(before);
  });

  it('confirms an alert once: the same confirmation again records nothing, another decision is refused', async () => {
    const closedDay = await alertOfKind('closed-day');
    const path = `/api/v1/alerts/${closedDay.alertId}`;
    const confirmed = await service.call('POST', `${path}/confirm`, users.wang ?? '', {
      reason: '周日闭店，现场核实无人就餐',
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({
      status: 'confirmed',
      decision: { by: { userId: 'wang', name: 'wang用户' }, reason: '周日闭店，现场核实无人就餐' },
    });
    const events = await service.eventCount();
    const again = await service.call('POST', `${path}/confirm`, users.wang ?? '', {
      reason: '周日闭店，现场核实无人就餐',
    });
    expect(again.status).toBe(200);
    expect(await service.eventCount()).toBe(events);
    const dismiss = await service.call('POST', `${path}/dismiss`, users.wang ?? '', { reason: '误报' });
    expect(dismiss).toMatchObject({ status: 409, body: { code: 'alert-decided' } });

    const outsideHours = await alertOfKind('outside-hours');
    const dismissed = await service.call(
      'POST',
      `/api/v1/alerts/${outsideHours.alertId}/dismiss`,
      users.wang ?? '',
      { reason: '下午为社区活动加餐，已报备' },
    );
    expect(dismissed.body).toMatchObject({ status: 'dismissed' });
    await service.projections.catchUp();
    const statuses = Object.fromEntries((await listAlerts()).map((alert) => [alert.kind, alert.status]));
    expect(statuses).toEqual({
      'closed-day': 'confirmed',
      'outside-hours': 'dismissed',
      'impossible-travel': 'open',
    });
  });

  it("excludes the confirmed sale's subsidy from the month, prints the reason on the statement, and verifies", async () => {
    const admin = service.adminToken;
    const sundaySale = await service.call('GET', '/api/v1/elders/e80/ledger?month=2026-10', admin);
    const sunday = sundaySale.body.meals.find((meal: { saleId: string }) => meal.saleId === sales.sunday);
    const reimbursable = sunday.lines.reduce((sum: number, line: { fen: number }) => sum + line.fen, 0);
    expect(reimbursable).toBeGreaterThan(0);

    const closed = await service.call('POST', '/api/v1/settlements/2026-10/close', admin);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const tianjin = closed.body.canteens.find((canteen: { canteenId: string }) => canteen.canteenId === 'tj');
    const closedDay = await alertOfKind('closed-day');
    expect(tianjin.excluded).toEqual([
      {
        saleId: sales.sunday,
        reason: 'alert-confirmed',
        fen: reimbursable,
        alertId: closedDay.alertId,
        note: expect.stringContaining('周日闭店，现场核实无人就餐'),
      },
    ]);
    // The reimbursement is what was advanced less what is excluded: the Sunday meal's subsidy is not paid.
    expect(tianjin.reimbursementFen).toBe(
      tianjin.subsidyFen - tianjin.excludedFen + tianjin.operatingSubsidyFen,
    );
    expect(tianjin.subsidyFen - tianjin.excludedFen).toBe(
      tianjin.bySource.reduce((sum: number, part: { fen: number }) => sum + part.fen, 0),
    );

    const verified = await service.call('GET', '/api/v1/settlements/2026-10/verify', admin);
    expect(verified.body.verifications.every((entry: { matches: boolean }) => entry.matches)).toBe(true);

    const pdf = await fetch(`${service.url}/api/v1/settlements/2026-10/canteens/tj/statement.pdf`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const text = (await readStatement(new Uint8Array(await pdf.arrayBuffer()))).pages.join('');
    expect(text.replaceAll('\n', '')).toContain('核实不予结算(预警 1)');
    expect(text.replaceAll('\n', '')).toContain(`预警 1(${closedDay.alertId})`);
    expect(text.replaceAll('\n', '')).toContain('现场核实无人就餐');
  });

  it('carries an alert confirmed after its month closed into the next month as a late exclusion', async () => {
    const travel = await alertOfKind('impossible-travel');
    const confirmed = await service.call(
      'POST',
      `/api/v1/alerts/${travel.alertId}/confirm`,
      users.wang ?? '',
      {},
    );
    expect(confirmed.status).toBe(200);
    const november = await service.call('GET', '/api/v1/settlements/2026-11', service.adminToken);
    const adjustments = november.body.canteens.flatMap(
      (canteen: { canteenId: string; adjustments: { kind: string; fen: number; alertId?: string }[] }) =>
        canteen.adjustments.map((entry) => ({ canteenId: canteen.canteenId, ...entry })),
    );
    // The Beijing lunch was subsidised; the Tianjin one 20 minutes later met the daily cap.
    const ledger = await service.call('GET', '/api/v1/elders/e80/ledger?month=2026-10', service.adminToken);
    const beijingLunch = ledger.body.meals.find(
      (meal: { saleId: string }) => meal.saleId === sales.beijingLunch,
    );
    const reimbursable = beijingLunch.lines.reduce((sum: number, line: { fen: number }) => sum + line.fen, 0);
    expect(reimbursable).toBeGreaterThan(0);
    const late = {
      kind: 'late-exclusion',
      alertId: travel.alertId,
      month: '2026-10',
      note: expect.stringContaining('公里'),
    };
    expect(adjustments).toEqual([
      { canteenId: 'bj', ...late, saleId: sales.beijingLunch, fen: -reimbursable },
      { canteenId: 'tj', ...late, saleId: sales.tianjinLunch, fen: 0 },
    ]);
  });

  it('raises the same alerts with the same decisions when the read model is rebuilt', async () => {
    await service.projections.catchUp();
    const live = await listAlerts();
    await rebuildProjection(service.store, service.database.db, supervisionProjection);
    expect(await listAlerts()).toEqual(live);
  });

  it('keeps thresholds as events: unknown fields are refused, and a change applies to later sales', async () => {
    const refused = await service.call('PUT', '/api/v1/supervision/settings', service.adminToken, {
      openingHours: { graceMinute: 300 },
    });
    expect(refused).toMatchObject({ status: 400, body: { code: 'invalid-body' } });
    expect(refused.body.detail).toMatch(/openingHours\.graceMinute/);
    const byReviewer = await service.call('PUT', '/api/v1/supervision/settings', users.wang ?? '', {});
    expect(byReviewer.status).toBe(403);
    const changed = await service.call('PUT', '/api/v1/supervision/settings', service.adminToken, {
      openingHours: { graceMinutes: 180 },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.settings.openingHours.graceMinutes).toBe(180);
    expect(changed.body.settings.impossibleTravel.maxSpeedKmh).toBe(60);
    const read = await service.call('GET', '/api/v1/supervision/settings', users.zhao ?? '');
    expect(read.body.settings).toEqual(changed.body.settings);

    // 15:30 is two hours after lunch: outside the hours before, within the new grace now.
    const atBeijing = (
      await service.call('PUT', '/api/v1/terminals/t-bj2', service.adminToken, { canteenId: 'bj' })
    ).body.token as string;
    const body = saleBody({ occurredAt: '2026-11-03T15:30:00+08:00', terminalSeq: 1 });
    expect((await service.call('POST', '/api/v1/sales', atBeijing, body)).status).toBe(201);
    await service.projections.catchUp();
    expect(await listAlerts('month=2026-11&kind=outside-hours')).toEqual([]);

    // A later change keeps what it does not name; a check set to null returns to its defaults.
    const put = (settings: unknown) =>
      service.call('PUT', '/api/v1/supervision/settings', service.adminToken, settings);
    const more = await put({ voidRate: { multiple: 4 } });
    expect(more.body.settings.voidRate).toMatchObject({ multiple: 4, floorRate: 0.03 });
    expect(more.body.settings.openingHours.graceMinutes).toBe(180);
    const events = await service.eventCount();
    expect((await put({ voidRate: { multiple: 4 } })).status).toBe(200);
    expect(await service.eventCount()).toBe(events);
    const reset = await put({ openingHours: null });
    expect(reset.body.settings.openingHours.graceMinutes).toBe(15);
    expect(reset.body.settings.voidRate.multiple).toBe(4);
  });

  it('takes a confirmation without a body, and refuses a dismissal without a reason by its code', async () => {
    const atTianjin = (
      await service.call('PUT', '/api/v1/terminals/t-tj2', service.adminToken, { canteenId: 'tj' })
    ).body.token as string;
    const sunday = saleBody({ occurredAt: '2026-11-01T12:00:00+08:00', terminalSeq: 1 });
    expect((await service.call('POST', '/api/v1/sales', atTianjin, sunday)).status).toBe(201);
    await service.projections.catchUp();
    const [alert] = await listAlerts('month=2026-11&kind=closed-day');
    if (!alert) throw new Error('no closed-day alert in November');
    const path = `/api/v1/alerts/${alert.alertId}`;
    const dismissEmpty = await service.call('POST', `${path}/dismiss`, users.wang ?? '', {});
    expect(dismissEmpty).toMatchObject({ status: 400, body: { code: 'reason-required' } });
    const confirmed = await service.call('POST', `${path}/confirm`, users.wang ?? '');
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', decision: { reason: '' } });
  });
});
