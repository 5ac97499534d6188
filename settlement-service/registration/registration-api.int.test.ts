import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, setUpBureau, TEST_POLICY } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

describe('registration over HTTP', () => {
  let service: TestService;
  const logged: string[] = [];
  beforeAll(async () => {
    service = await startTestService({ log: (line) => logged.push(line) });
  });
  afterAll(async () => {
    await service.close();
  });

  const admin = (method: string, path: string, body?: unknown) =>
    service.call(method, path, service.adminToken, body);

  describe('policies', () => {
    it('stores a policy (201), accepts the same document again (200), refuses another one under its id (409)', async () => {
      const policy = {
        ...TEST_POLICY,
        policyId: 'p-2025',
        effectiveFrom: '2025-01-01',
        effectiveTo: '2026-01-01',
      };
      expect((await admin('PUT', '/api/v1/policies/p-2025', policy)).status).toBe(201);
      const events = await service.eventCount();
      expect((await admin('PUT', '/api/v1/policies/p-2025', policy)).status).toBe(200);
      expect(await service.eventCount()).toBe(events);
      const changed = await admin('PUT', '/api/v1/policies/p-2025', { ...policy, name: '改过' });
      expect(changed).toMatchObject({ status: 409, body: { code: 'policy-immutable' } });
      // A document whose id is not the one in the address is refused, naming the field.
      const elsewhere = await admin('PUT', '/api/v1/policies/p-other', policy);
      expect(elsewhere).toMatchObject({
        status: 400,
        body: {
          code: 'invalid-body',
          detail: 'policyId: 须与地址中的政策编号一致',
          errors: [{ path: 'policyId', message: '须与地址中的政策编号一致' }],
        },
      });
    });

    it('refuses overlapping dates unless the new policy supersedes the old one', async () => {
      const overlapping = {
        ...TEST_POLICY,
        policyId: 'p-mid-2025',
        effectiveFrom: '2025-07-01',
        effectiveTo: '2026-01-01',
      };
      expect(await admin('PUT', '/api/v1/policies/p-mid-2025', overlapping)).toMatchObject({
        status: 409,
        body: { code: 'policy-overlap' },
      });
      const superseding = { ...overlapping, supersedes: 'p-2025' };
      expect((await admin('PUT', '/api/v1/policies/p-mid-2025', superseding)).status).toBe(201);
    });

    it('names the offending field of an invalid document', async () => {
      const badShares = {
        ...TEST_POLICY,
        policyId: 'bad',
        effectiveFrom: '2030-01-01',
        rules: [{ ...TEST_POLICY.rules[0], funding: [{ source: 'city', shareBp: 5000 }] }],
      };
      const answer = await admin('PUT', '/api/v1/policies/bad', badShares);
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].path).toMatch(/^rules\[0\]\.funding/);
      const unknownKind = {
        ...badShares,
        rules: [{ ...TEST_POLICY.rules[0], benefit: { kind: 'cashback', fen: 1 } }],
      };
      expect((await admin('PUT', '/api/v1/policies/bad', unknownKind)).body.errors[0].path).toMatch(
        /^rules\[0\]\.benefit/,
      );
    });
  });

  it('refuses overlapping canteen periods, naming the period', async () => {
    const answer = await admin('PUT', '/api/v1/canteens/overlap', {
      name: '食堂',
      district: '西城区',
      town: '一街道',
      periods: { lunch: { from: '11:00', to: '14:00' }, dinner: { from: '13:00', to: '19:00' } },
      menu: [],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].path).toMatch(/^periods\./);
  });

  it('takes 24:00 as the end of a period that runs to midnight, and no later time', async () => {
    const canteen = (to: string) => ({
      name: '食堂',
      district: '西城区',
      town: '一街道',
      periods: { dinner: { from: '17:00', to } },
      menu: [],
    });
    expect((await admin('PUT', '/api/v1/canteens/late', canteen('24:00'))).status).toBe(200);
    const later = await admin('PUT', '/api/v1/canteens/later', canteen('24:30'));
    expect(later.status).toBe(400);
    expect(later.body.errors.map((error: { path: string }) => error.path)).toEqual(['periods.dinner.to']);
  });

  describe('elders and their ID numbers', () => {
    const elder = (number: string) => ({
      name: '李秀英',
      idNumber: number,
      district: '西城区',
      town: '一街道',
      categories: [],
    });

    it('refuses a wrong check digit and an ID number already registered for another elder', async () => {
      const valid = idNumber('1946-08-02', '244');
      const wrongCheck = `${valid.slice(0, 17)}${valid.endsWith('0') ? '1' : '0'}`;
      expect(await admin('PUT', '/api/v1/elders/x1', elder(wrongCheck))).toMatchObject({
        status: 400,
        body: { code: 'invalid-id-number', errors: [{ path: 'idNumber' }] },
      });
      expect((await admin('PUT', '/api/v1/elders/x1', elder(valid))).status).toBe(200);
      expect(await admin('PUT', '/api/v1/elders/x2', elder(valid))).toMatchObject({
        status: 409,
        body: { code: 'id-number-taken' },
      });
    });

    it('refuses a birth date in the future, an unknown home canteen and categories that end before they start', async () => {
      expect(await admin('PUT', '/api/v1/elders/x4', elder(idNumber('2030-01-01', '111')))).toMatchObject({
        status: 400,
        body: { code: 'invalid-id-number' },
      });
      expect(
        await admin('PUT', '/api/v1/elders/x4', {
          ...elder(idNumber('1950-01-01', '111')),
          homeCanteenId: 'nowhere',
        }),
      ).toMatchObject({
        status: 422,
        body: { code: 'canteen-unknown', errors: [{ path: 'homeCanteenId' }] },
      });
      const backwards = {
        ...elder(idNumber('1950-01-01', '111')),
        categories: [{ category: 'dibao', from: '2026-01-01', to: '2025-01-01' }],
      };
      expect(await admin('PUT', '/api/v1/elders/x4', backwards)).toMatchObject({
        status: 400,
        body: { errors: [{ path: 'categories[0].to' }] },
      });
    });

    it('refuses a death after today or before the birth date, in Chinese, and records nothing', async () => {
      expect((await admin('PUT', '/api/v1/elders/x5', elder(idNumber('1950-01-01', '115')))).status).toBe(
        200,
      );
      const events = await service.eventCount();
      for (const [date, detail] of [
        ['2999-01-01', /^date: 死亡日期不能晚于今天\(\d{4}-\d\d-\d\d\)$/],
        ['1949-12-31', /^date: 死亡日期不能早于出生日期\(1950-01-01\)$/],
      ] as const) {
        const answer = await admin('POST', '/api/v1/elders/x5/death', { date });
        expect(answer).toMatchObject({
          status: 400,
          body: { code: 'invalid-body', errors: [{ path: 'date' }] },
        });
        expect(answer.body.detail).toMatch(detail);
      }
      expect(await service.eventCount()).toBe(events);
      expect((await admin('POST', '/api/v1/elders/x5/death', { date: '1950-01-01' })).status).toBe(200);
    });

    it('never stores, answers or logs the ID number in clear', async () => {
      const secretNumber = idNumber('1950-02-28', '377');
      const answer = await admin('PUT', '/api/v1/elders/x3', elder(secretNumber));
      expect(JSON.stringify(answer.body)).not.toContain(secretNumber);
      const { rows } = await service.database.pool.query(
        'SELECT count(*) AS clear FROM event_store.events WHERE data::text LIKE $1 OR metadata::text LIKE $1',
        [`%${secretNumber.slice(6, 14)}%`],
      );
      expect(Number(rows[0].clear)).toBe(0);
      const { rows: masked } = await service.database.pool.query(
        "SELECT data->'profile'->'idNumber'->>'masked' AS masked FROM event_store.events WHERE stream_id = 'elder-x3'",
      );
      expect(masked[0].masked).toBe(`${secretNumber.slice(0, 4)}**********${secretNumber.slice(14)}`);
      expect(logged.join('\n')).not.toContain(secretNumber);
    });
  });

  describe('terminals and authorization', () => {
    it('answers the same token when the same terminal is registered again, and refuses an unknown canteen', async () => {
      const bureau = await setUpBureau(service);
      const again = await admin('PUT', '/api/v1/terminals/t1', { canteenId: 'c1' });
      expect(again).toMatchObject({ status: 201, body: { terminalId: 't1', token: bureau.tokens.t1 } });
      expect(await admin('PUT', '/api/v1/terminals/t9', { canteenId: 'nowhere' })).toMatchObject({
        status: 422,
        body: { code: 'canteen-unknown' },
      });
    });

    it('refuses missing, unknown and misplaced tokens and writes nothing', async () => {
      const bureau = await setUpBureau(service);
      const before = await service.eventCount();
      const canteen = { name: '食堂', district: '西城区', town: '一街道', periods: {}, menu: [] };
      expect((await service.call('PUT', '/api/v1/canteens/c9', null, canteen)).status).toBe(401);
      expect((await service.call('PUT', '/api/v1/canteens/c9', 'za_wrong', canteen)).status).toBe(401);
      expect((await service.call('PUT', '/api/v1/canteens/c9', `${bureau.tokens.t1}x`, canteen)).status).toBe(
        401,
      );
      const asTerminal = await service.call('PUT', '/api/v1/canteens/c9', bureau.tokens.t1, canteen);
      expect(asTerminal).toMatchObject({ status: 403, body: { code: 'forbidden' } });
      const adminSelling = await service.call('POST', '/api/v1/sales', service.adminToken, {
        saleId: crypto.randomUUID(),
        terminalSeq: 1,
        occurredAt: '2026-10-08T12:00:00+08:00',
        channel: 'dine-in',
        items: [{ itemId: 'set-a', qty: 1 }],
      });
      expect(adminSelling.status).toBe(403);
      expect(await service.eventCount()).toBe(before);
    });

    it('checks who calls before what is sent, and takes the Bearer scheme in any case', async () => {
      const bureau = await setUpBureau(service);
      const noTokenBadBody = await service.call('POST', '/api/v1/sales', null, {});
      expect(noTokenBadBody).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
      expect(noTokenBadBody.body.errors).toBeUndefined();
      const terminalBadAdminBody = await service.call('PUT', '/api/v1/canteens/c1', bureau.tokens.t1, {
        nonsense: true,
      });
      expect(terminalBadAdminBody.status).toBe(403);
      const lowercase = await fetch(`${service.url}/api/v1/terminals/t1`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `bearer ${service.adminToken}` },
        body: JSON.stringify({ canteenId: 'c1' }),
      });
      expect(lowercase.status).toBe(201);
    });

    it('moves a terminal to another canteen: the old token stops working', async () => {
      const bureau = await setUpBureau(service);
      const moved = await admin('PUT', '/api/v1/terminals/t2', { canteenId: 'c2' });
      expect(moved.body.token).not.toBe(bureau.tokens.t2);
      const oldToken = await service.call(
        'POST',
        `/api/v1/sales/${crypto.randomUUID()}/void`,
        bureau.tokens.t2,
        { reason: 'x' },
      );
      expect(oldToken.status).toBe(401);
    });
  });

  it('serves its OpenAPI document with every core endpoint', async () => {
    const document = await service.call('GET', '/api/v1/openapi.json', null);
    expect(document.status).toBe(200);
    expect(document.body.openapi).toBe('3.1.0');
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/policies/{policyId}',
        '/api/v1/canteens/{canteenId}',
        '/api/v1/elders/{elderId}',
        '/api/v1/elders/{elderId}/cards',
        '/api/v1/elders/{elderId}/death',
        '/api/v1/terminals/{terminalId}',
        '/api/v1/sales',
        '/api/v1/sales/{saleId}/void',
      ]),
    );
  });
});
