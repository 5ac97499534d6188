import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, MENU, saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

/** The service's clock: 20 November 2026, 10:00 in Shanghai. */
let clock = Date.parse('2026-11-20T10:00:00+08:00');

describe('the registry over HTTP: elder records, canteens as registered, terminal token rotation', () => {
  let service: TestService;
  let tokens: Awaited<ReturnType<typeof setUpBureau>>['tokens'];
  let auditor = '';
  beforeAll(async () => {
    service = await startTestService({ now: () => clock });
    ({ tokens } = await setUpBureau(service));
    auditor = (await admin('PUT', '/api/v1/users/au', { name: '审计员', role: 'auditor' })).body.token;
  });
  afterAll(async () => {
    await service?.close();
  });

  const admin = (method: string, path: string, body?: unknown) =>
    service.call(method, path, service.adminToken, body);

  describe('GET /api/v1/elders/{elderId}', () => {
    it('answers the record masked, with its cards (the replaced one retired), categories and death', async () => {
      await admin('PUT', '/api/v1/elders/e80', {
        name: '张三明',
        idNumber: idNumber('1940-03-15', '123'),
        district: '西城区',
        town: '一街道',
        homeCanteenId: 'c1',
        categories: [{ category: 'dibao', from: '2026-01-01', to: '2027-01-01' }],
      });
      clock = Date.parse('2026-11-20T10:05:00+08:00');
      expect((await admin('POST', '/api/v1/elders/e80/cards', { cardUid: 'K80-NEW' })).status).toBe(201);
      expect((await admin('POST', '/api/v1/elders/e80/death', { date: '2026-11-18' })).status).toBe(200);
      await service.projections.catchUp();

      const answer = await service.call('GET', '/api/v1/elders/e80', auditor);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toEqual({
        elderId: 'e80',
        maskedName: '张*明',
        maskedIdNumber: expect.stringMatching(/^\d{4}\*{10}\d{3}[\dX]$/),
        district: '西城区',
        town: '一街道',
        homeCanteenId: 'c1',
        homeCanteenName: '西城区食堂',
        categories: [{ category: 'dibao', from: '2026-01-01', to: '2027-01-01' }],
        cardUid: 'K80-NEW',
        cards: [
          {
            cardUid: 'K80-NEW',
            status: 'active',
            assignedFrom: '2026-11-20T10:05:00+08:00',
            retiredFrom: null,
          },
          { cardUid: 'K80', status: 'retired', assignedFrom: null, retiredFrom: '2026-11-20T10:05:00+08:00' },
        ],
        status: 'died',
        diedOn: '2026-11-18',
        registeredAt: expect.stringMatching(/\+08:00$/),
        updatedAt: expect.stringMatching(/\+08:00$/),
      });
      expect(JSON.stringify(answer.body)).not.toContain('张三明');
    });

    it('answers 404 not-found for an elder never registered', async () => {
      expect(await admin('GET', '/api/v1/elders/nobody')).toMatchObject({
        status: 404,
        body: { code: 'not-found' },
      });
    });
  });

  describe('GET /api/v1/canteens and /api/v1/canteens/{canteenId}', () => {
    const c1 = {
      name: '西城区食堂',
      district: '西城区',
      town: '一街道',
      periods: { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } },
    };

    it('lists the registered canteens', async () => {
      await service.projections.catchUp();
      const answer = await service.call('GET', '/api/v1/canteens', auditor);
      expect(answer).toMatchObject({
        status: 200,
        body: {
          canteens: [
            { canteenId: 'c1', name: '西城区食堂', district: '西城区', town: '一街道', location: null },
            { canteenId: 'c2', name: '东城区食堂', district: '东城区', town: '一街道', location: null },
          ],
        },
      });
    });

    it('answers the details in force and a price change to come, which then takes effect on its date', async () => {
      const dearer = MENU.map((item) => (item.itemId === 'soup' ? { ...item, priceFen: 250 } : item));
      const change = await admin('PUT', '/api/v1/canteens/c1', {
        ...c1,
        menu: dearer,
        closedDays: { weekdays: [7], dates: ['2026-12-25'] },
        from: '2026-12-01T00:00:00+08:00',
      });
      expect(change.status, JSON.stringify(change.body)).toBe(200);

      const before = await service.call('GET', '/api/v1/canteens/c1', auditor);
      expect(before.body).toEqual({
        canteenId: 'c1',
        ...c1,
        location: null,
        menu: MENU,
        closedDays: { weekdays: [], dates: [] },
        effectiveFrom: null,
        scheduled: [
          {
            effectiveFrom: '2026-12-01T00:00:00+08:00',
            ...c1,
            location: null,
            menu: dearer,
            closedDays: { weekdays: [7], dates: ['2026-12-25'] },
          },
        ],
      });

      clock = Date.parse('2026-12-01T08:00:00+08:00');
      const after = await service.call('GET', '/api/v1/canteens/c1', service.adminToken);
      expect(after.body).toMatchObject({
        menu: dearer,
        closedDays: { weekdays: [7], dates: ['2026-12-25'] },
        effectiveFrom: '2026-12-01T00:00:00+08:00',
        scheduled: [],
      });
      clock = Date.parse('2026-11-20T10:30:00+08:00');
    });

    it('answers 404 for a canteen never registered', async () => {
      expect(await admin('GET', '/api/v1/canteens/nowhere')).toMatchObject({
        status: 404,
        body: { code: 'not-found' },
      });
    });
  });

  describe('POST /api/v1/terminals/{terminalId}/token', () => {
    it('issues a new token; the old one is refused, the new one sells, and PUT answers the new one', async () => {
      const rotated = await admin('POST', '/api/v1/terminals/t2/token');
      expect(rotated).toMatchObject({ status: 201, body: { terminalId: 't2', canteenId: 'c1' } });
      const fresh: string = rotated.body.token;
      expect(fresh).toMatch(/^zt_[A-Za-z0-9_-]+\.t2$/);
      expect(fresh).not.toBe(tokens.t2);

      const sale = saleBody({ occurredAt: '2026-11-20T12:00:00+08:00', cardUid: 'K65' });
      clock = Date.parse('2026-11-20T12:00:05+08:00');
      expect(await service.call('POST', '/api/v1/sales', tokens.t2, sale)).toMatchObject({
        status: 401,
        body: { code: 'unauthenticated' },
      });
      expect((await service.call('POST', '/api/v1/sales', fresh, sale)).status).toBe(201);

      expect(await admin('PUT', '/api/v1/terminals/t2', { canteenId: 'c1' })).toMatchObject({
        status: 201,
        body: { terminalId: 't2', token: fresh },
      });
      // The other terminals keep their tokens.
      const other = saleBody({ occurredAt: '2026-11-20T12:01:00+08:00', cardUid: 'K65', terminalSeq: 1 });
      expect((await service.call('POST', '/api/v1/sales', tokens.t1, other)).status).toBe(201);

      // Moved to another canteen later, it gets yet another token.
      const moved = await admin('PUT', '/api/v1/terminals/t2', { canteenId: 'c2' });
      expect(moved.body.token).not.toBe(fresh);
      await service.projections.catchUp();
      const { rows } = await service.database.pool.query(
        "SELECT generation FROM read_models.terminals WHERE terminal_id = 't2'",
      );
      expect(rows[0].generation).toBe(3);
    });

    it('answers 404 for a terminal never registered and refuses a reviewer', async () => {
      const events = await service.eventCount();
      expect(await admin('POST', '/api/v1/terminals/t404/token')).toMatchObject({
        status: 404,
        body: { code: 'not-found' },
      });
      expect((await service.call('POST', '/api/v1/terminals/t1/token', auditor)).status).toBe(403);
      expect(await service.eventCount()).toBe(events);
    });
  });
});
