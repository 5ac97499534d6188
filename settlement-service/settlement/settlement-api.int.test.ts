import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { positionFromString } from '../../event-store/position.ts';
import { saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { zhucan } from '../../tests/support/cli.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';
import { readStatement } from '../statements/statement-reader.ts';
import { SettlementIndex } from './settlement-index.ts';
import { computeSettlement } from './settlement-source.ts';

/*
 * The service's clock stands in November 2026: October has ended, November has not.
 * Policy: 80+ get 300 fen (180 city lottery, 120 district when the canteen is in the elder's district), one a day.
 */
describe('closing a month, review and approval, verification (real HTTP, real PostgreSQL)', () => {
  let service: TestService;
  let tokens: { t1: string; t3: string };
  const users: Record<string, string> = {};
  const sold: string[] = [];

  const sell = async (token: string, overrides: Record<string, unknown>) => {
    const body = saleBody(overrides);
    const { status } = await service.call('POST', '/api/v1/sales', token, body);
    expect(status).toBe(201);
    sold.push(body.saleId);
    return body.saleId;
  };
  const as = (token: string) => ({
    get: (path: string) => service.call('GET', path, token),
    post: (path: string, body?: unknown) => service.call('POST', path, token, body),
  });

  beforeAll(async () => {
    service = await startTestService({ now: () => Date.parse('2026-11-20T10:00:00+08:00') });
    tokens = (await setUpBureau(service)).tokens;
    for (const [userId, role, canteenId] of [
      ['wang', 'reviewer', undefined],
      ['zhao', 'auditor', undefined],
      ['li', 'canteen-manager', 'c1'],
      ['chen', 'admin', undefined],
    ] as const) {
      const { status, body } = await service.call('PUT', `/api/v1/users/${userId}`, service.adminToken, {
        name: `${userId}用户`,
        role,
        ...(canteenId ? { canteenId } : {}),
      });
      expect(status).toBe(201);
      users[userId] = body.token;
    }
    // c1 (西城区, the elder's district): two subsidised lunches, a guest, and a voided meal.
    await sell(tokens.t1, { occurredAt: '2026-10-08T12:00:00+08:00' });
    await sell(tokens.t1, { occurredAt: '2026-10-09T12:00:00+08:00' });
    await sell(tokens.t1, { occurredAt: '2026-10-09T12:05:00+08:00', cardUid: undefined, terminalSeq: 2 });
    const voided = await sell(tokens.t1, { occurredAt: '2026-10-10T12:00:00+08:00', cardUid: 'K65' });
    expect(
      (await service.call('POST', `/api/v1/sales/${voided}/void`, tokens.t1, { reason: '点错' })).status,
    ).toBe(200);
    // c2 (东城区): the district part is not paid outside the elder's district.
    await sell(tokens.t3, { occurredAt: '2026-10-12T12:00:00+08:00' });
  });
  afterAll(() => service?.close());
  const asAuditor = () => ({ ZHUCAN_URL: service.url, ZHUCAN_TOKEN: users.zhao ?? '' });
  const statementFile = join(tmpdir(), `statement-${process.pid}-${Date.now()}.pdf`);
  const download = async (path: string, token: string) => {
    const response = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      type: response.headers.get('content-type')?.split(';')[0],
      bytes: new Uint8Array(await response.arrayBuffer()),
    };
  };

  it('shows an open month as provisional, and refuses to close a month that has not ended', async () => {
    const open = await as(service.adminToken).get('/api/v1/settlements/2026-10');
    expect(open.status).toBe(200);
    expect(open.body.status).toBe('open');
    const november = await as(service.adminToken).post('/api/v1/settlements/2026-11/close');
    expect(november.status).toBe(409);
    expect(november.body.code).toBe('period-not-ended');
  });

  it('closes October with per-canteen figures split by funding source, and answers a second close the same', async () => {
    const before = await service.eventCount();
    const closed = await as(service.adminToken).post('/api/v1/settlements/2026-10/close');
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.status).toBe('closed');
    const [c1, c2] = closed.body.canteens;
    expect(c1).toMatchObject({
      canteenId: 'c1',
      mealsSold: 3,
      subsidisedMeals: 2,
      subsidyFen: 600,
      bySource: [
        { source: 'city-welfare-lottery', fen: 360 },
        { source: 'district-finance', fen: 240 },
      ],
      excluded: [],
      adjustments: [],
      operatingSubsidyFen: 0,
      reimbursementFen: 600,
    });
    expect(c1.voided).toHaveLength(1);
    expect(c2).toMatchObject({ canteenId: 'c2', mealsSold: 1, subsidyFen: 180, reimbursementFen: 180 });
    expect(closed.body.totals).toMatchObject({ mealsSold: 4, reimbursementFen: 780 });
    expect(closed.body.digest).toMatch(/^[0-9a-f]{64}$/);
    const again = await as(service.adminToken).post('/api/v1/settlements/2026-10/close');
    // The same bytes, key for key: a client may compare answers or their hashes.
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(closed.body));
    expect(await service.eventCount()).toBe(before + 1 + 2); // MonthClosed and one event per canteen
  });

  it('recomputes the closed month from the events with identical figures', async () => {
    const recorded = (await as(users.zhao ?? '').get('/api/v1/settlements/2026-10')).body;
    const { settlement } = await computeSettlement(
      new SettlementIndex(service.store, service.database.db),
      '2026-10',
      positionFromString(recorded.cutoff.position),
    );
    expect(settlement.digest).toBe(recorded.digest);
    // The answer prints each source's name beside its figures; the figures are the recomputed ones.
    const { bySource, ...answered } = recorded.totals;
    expect(settlement.totals).toEqual({
      ...answered,
      bySource: bySource.map(({ source, fen }: { source: string; fen: number }) => ({ source, fen })),
    });
    const verified = await as(users.zhao ?? '').get('/api/v1/settlements/2026-10/verify');
    expect(
      verified.body.verifications.map((entry: { matches: boolean; figuresMatch: boolean }) => [
        entry.matches,
        entry.figuresMatch,
      ]),
    ).toEqual([
      [true, true],
      [true, true],
    ]);
  });

  it('never changes a closed month: a late sale and a late void land in November as adjustments', async () => {
    const late = await sell(tokens.t1, { occurredAt: '2026-10-20T12:00:00+08:00' });
    const first = sold[0] ?? '';
    expect(
      (await service.call('POST', `/api/v1/sales/${first}/void`, service.adminToken, { reason: '重复' }))
        .status,
    ).toBe(200);
    const october = await as(service.adminToken).get('/api/v1/settlements/2026-10');
    expect(october.body.canteens[0]).toMatchObject({ mealsSold: 3, reimbursementFen: 600 });
    const november = await as(service.adminToken).get('/api/v1/settlements/2026-11');
    expect(november.body.status).toBe('open');
    expect(november.body.canteens[0]).toMatchObject({
      canteenId: 'c1',
      mealsSold: 0,
      adjustments: [
        { month: '2026-10', saleId: late, kind: 'late-sale', fen: 300 },
        { month: '2026-10', saleId: first, kind: 'late-void', fen: -300 },
      ],
      reimbursementFen: 0,
    });
  });

  it('takes the month through review, approval (four eyes) and payment, by role', async () => {
    const month = '/api/v1/settlements/2026-10';
    expect((await as(users.zhao ?? '').post(`${month}/review`)).status).toBe(403); // auditors only read
    expect((await as(users.li ?? '').get(month)).status).toBe(403);
    expect((await as(users.wang ?? '').post(`${month}/approve`)).body.code).toBe('settlement-step');
    expect((await as(users.wang ?? '').post(`${month}/review`, { note: '已核对' })).body.status).toBe(
      'reviewed',
    );
    const selfApproval = await as(service.adminToken).post(`${month}/approve`);
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.body.code).toBe('four-eyes');
    expect((await as(users.chen ?? '').post(`${month}/approve`)).body.status).toBe('approved');
    expect((await as(users.wang ?? '').post(`${month}/pay`)).status).toBe(403);
    const paid = await as(service.adminToken).post(`${month}/pay`, { note: '国库集中支付 2026-11-30' });
    expect(paid.body.status).toBe('paid');
    const paidAgain = await as(service.adminToken).post(`${month}/pay`, { note: '国库集中支付 2026-11-30' });
    expect(JSON.stringify(paidAgain.body)).toBe(JSON.stringify(paid.body));
    expect(paid.body.closedBy.userId).toBe('bureau-admin');
    expect(paid.body.steps.reviewed.by).toEqual({ userId: 'wang', name: 'wang用户' });
    expect(paid.body.steps.approved.by.userId).toBe('chen');
  });

  it('lets a canteen manager read its own canteen month only', async () => {
    expect((await as(users.li ?? '').get('/api/v1/settlements/2026-10/canteens/c1')).body.days).toHaveLength(
      2,
    );
    expect((await as(users.li ?? '').get('/api/v1/settlements/2026-10/canteens/c2')).status).toBe(403);
  });

  it('renders the canteen statement as a Chinese PDF with its figures embedded, the same bytes every time', async () => {
    const path = '/api/v1/settlements/2026-10/canteens/c1/statement.pdf';
    const response = await download(path, users.zhao ?? '');
    expect(response.status).toBe(200);
    expect(response.type).toBe('application/pdf');
    const statement = await readStatement(response.bytes);
    const text = statement.pages.join('\n');
    for (const expected of [
      '老年助餐补贴结算单',
      '西城区食堂',
      '2026-10',
      '应拨付金额(元)',
      '6.00',
      '张*明',
      '经办人',
      '第 1 页 共',
    ]) {
      expect(text).toContain(expected);
    }
    // The ID number is masked to its region and last four characters; the birth date never shows.
    expect(text).toMatch(/1201\*{10}\d{3}[\dX]/);
    expect(text).not.toContain('19400315');
    expect(text).toContain('已拨付');
    const recorded = (await as(users.zhao ?? '').get('/api/v1/settlements/2026-10/canteens/c1')).body;
    expect(statement.figures?.canteen.reimbursementFen).toBe(600);
    expect(statement.figures?.canteen.digest).toBe(recorded.digest);
    expect(text).toContain(recorded.digest);
    expect((await download(path, users.zhao ?? '')).bytes).toEqual(response.bytes);
    expect((await download(path.replace('c1', 'c2'), users.li ?? '')).status).toBe(403);
    expect((await download(path, users.li ?? '')).status).toBe(200);
    await writeFile(statementFile, response.bytes);
    const verified = await zhucan(['verify', statementFile], service.database.connectionString, asAuditor());
    expect(verified.code, verified.err).toBe(0);
    expect(verified.out).toMatch(/^matches: 2026-10 c1/m);
  });

  it('verifies an uploaded statement PDF, and refuses what is not one', async () => {
    const upload = async (bytes: Uint8Array, type: string, token = users.zhao ?? '') => {
      const answer = await fetch(`${service.url}/api/v1/statements/verify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body: bytes,
      });
      return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
    };
    const statement = (
      await download('/api/v1/settlements/2026-10/canteens/c1/statement.pdf', users.zhao ?? '')
    ).bytes;
    const verified = await upload(statement, 'application/pdf');
    expect(verified).toMatchObject({
      status: 200,
      body: { verifications: [{ month: '2026-10', canteenId: 'c1', matches: true, figuresMatch: true }] },
    });
    // A canteen's manager reads its own statement but does not audit.
    expect((await upload(statement, 'application/pdf', users.li ?? '')).status).toBe(403);
    expect(await upload(statement, 'application/json')).toMatchObject({
      status: 415,
      body: { code: 'unsupported-media-type' },
    });
    const notPdf = await upload(new TextEncoder().encode('%PDF-1.7 not really'), 'application/pdf');
    expect(notPdf).toMatchObject({ status: 400, body: { code: 'invalid-body' } });
    expect(String(notPdf.body.detail)).toContain('无法读取该 PDF');
    // The bureau's summary is a PDF without a canteen's embedded figures.
    const summary = (await download('/api/v1/settlements/2026-10/statement.pdf', users.zhao ?? '')).bytes;
    const noFigures = await upload(summary, 'application/pdf');
    expect(noFigures.status).toBe(400);
    expect(String(noFigures.body.detail)).toMatch(/没有嵌入的月结数据/);
  });

  it('shows and steps months from the command line through the API', async () => {
    const env = { ZHUCAN_URL: service.url, ZHUCAN_TOKEN: users.zhao ?? '' };
    const shown = await zhucan(['settlement', 'show', '2026-10'], service.database.connectionString, env);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/^2026-10：已拨付，摘要 [0-9a-f]{64}$/m);
    expect(shown.out).toContain('西城区食堂(c1)：3 餐，应拨付 6.00 元');
    const english = await zhucan(['settlement', 'show', '2026-10'], service.database.connectionString, {
      ...env,
      ZHUCAN_LANG: 'en',
    });
    expect(english.out).toMatch(/^2026-10: Paid, digest [0-9a-f]{64}$/m);
    expect(english.out).toContain('西城区食堂 (c1): 3 meals, reimbursement 6.00 yuan');
    const early = await zhucan(['settlement', 'close', '2026-11'], service.database.connectionString, {
      ...env,
      ZHUCAN_TOKEN: service.adminToken,
    });
    expect(early.code).toBe(2);
    expect(early.err).toContain('period-not-ended');
  });

  it('renders the bureau summary across canteens', async () => {
    const summary = await download('/api/v1/settlements/2026-10/statement.pdf', users.zhao ?? '');
    expect(summary.type).toBe('application/pdf');
    const text = (await readStatement(summary.bytes)).pages.join('\n');
    for (const expected of [
      '结算汇总表',
      '应拨付合计(元)',
      '7.80',
      '西城区食堂',
      '东城区食堂',
      'city-welfare-lottery',
      '第 1 页 共 1 页',
    ]) {
      expect(text).toContain(expected);
    }
    expect((await download('/api/v1/settlements/2026-10/statement.pdf', users.li ?? '')).status).toBe(403);
  });

  it("renders an elder's monthly statement with the meals, masked", async () => {
    await service.projections.catchUp();
    const statement = await download('/api/v1/elders/e80/statement.pdf?month=2026-10', service.adminToken);
    expect(statement.type).toBe('application/pdf');
    const text = (await readStatement(statement.bytes)).pages.join('\n');
    for (const expected of [
      '老年助餐月度账单',
      '张*明',
      '2026-10-08',
      '午餐',
      '12.00',
      '3.00',
      '9.00',
      '已作废',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('张三明');
    expect(
      (await download('/api/v1/elders/nobody/statement.pdf?month=2026-10', service.adminToken)).status,
    ).toBe(404);
  });

  it('exports the month for the finance system as CSV and XLSX', async () => {
    const csv = await download('/api/v1/settlements/2026-10/export.csv', users.zhao ?? '');
    expect(csv.type).toBe('text/csv');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(csv.bytes);
    expect(text.startsWith('\uFEFF月份,食堂编号,食堂名称,售餐份数')).toBe(true);
    const lines = text.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      /^2026-10,c1,西城区食堂,3,2,6\.00,0\.00,3\.60,2\.40,0\.00,0\.00,6\.00,[0-9a-f]{64}$/,
    );
    const payments = await download('/api/v1/settlements/2026-10/export.csv?list=payments', users.zhao ?? '');
    expect(new TextDecoder().decode(payments.bytes).trim().split('\r\n').slice(1)).toEqual([
      '2026-10,已拨付,c1,西城区食堂,6.00,600',
      '2026-10,已拨付,c2,东城区食堂,1.80,180',
    ]);
    const xlsx = await download('/api/v1/settlements/2026-10/export.xlsx', users.zhao ?? '');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(xlsx.bytes) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['结算汇总', '拨付清单']);
    expect(workbook.getWorksheet('拨付清单')?.getRow(2).values).toEqual([
      undefined,
      '2026-10',
      '已拨付',
      'c1',
      '西城区食堂',
      6,
      600,
    ]);
    expect((await download('/api/v1/settlements/2026-10/export.csv', users.li ?? '')).status).toBe(403);
  });

  it('catches an event changed in the database and names the sale', async () => {
    const target = sold[1] ?? '';
    await service.database.pool.query(
      `UPDATE event_store.events SET data = jsonb_set(data, '{subsidyFen}', '0') WHERE stream_id = $1 AND event_type = 'MealSold'`,
      [`sale-${target}`],
    );
    const verified = await as(users.zhao ?? '').get('/api/v1/settlements/2026-10/verify?canteenId=c1');
    const [result] = verified.body.verifications;
    expect(result).toMatchObject({ canteenId: 'c1', matches: false, figuresMatch: false });
    expect(result.firstDifference.saleId).toBe(target);
    const cli = await zhucan(['verify', statementFile], service.database.connectionString, asAuditor());
    expect(cli.code, cli.out + cli.err).toBe(1);
    expect(cli.out).toContain(`sale ${target}`);
  });

  it('carries a late sale of a month closed with no sales, met only after its cut-off', async () => {
    expect((await as(service.adminToken).post('/api/v1/settlements/2026-09/close')).status).toBe(200);
    const late = await sell(tokens.t3, { occurredAt: '2026-09-15T12:00:00+08:00', terminalSeq: 3 });
    const september = await as(service.adminToken).get('/api/v1/settlements/2026-09');
    expect(september.body.totals.mealsSold).toBe(0);
    const november = await as(service.adminToken).get('/api/v1/settlements/2026-11');
    const c2 = november.body.canteens.find((canteen: { canteenId: string }) => canteen.canteenId === 'c2');
    expect(c2.adjustments).toEqual([
      { month: '2026-09', saleId: late, kind: 'late-sale', fen: expect.any(Number) },
    ]);
  });
});
