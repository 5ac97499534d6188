import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, MENU, saleBody, TEST_POLICY } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';
import { readStatement } from './statement-reader.ts';

/*
 * What a bureau clerk reads: statements, exports, the month's answers and the dashboard print the
 * names registered for funding sources, rules, policies and canteens, never their ids where a name
 * exists; the embedded figures keep the ids, so verification is untouched. The clock stands in
 * November 2026; October is closed and paid.
 */
const POLICY = {
  ...TEST_POLICY,
  policyId: 'demo-2026',
  name: '老年助餐补贴(2026)',
  operatingSubsidy: [{ kind: 'perSubsidisedMeal', fen: 100 }],
  rules: [{ ...TEST_POLICY.rules[0], label: '80周岁以上老人' }],
};
const CANTEEN = {
  district: '和平区',
  town: '南市街道',
  periods: { lunch: { from: '11:00', to: '13:30' } },
  menu: MENU,
};

describe('names printed in place of ids (real HTTP, real PostgreSQL)', () => {
  let service: TestService;
  const admin = (method: string, path: string, body?: unknown) =>
    service.call(method, path, service.adminToken, body);
  const download = async (path: string) => {
    const response = await fetch(`${service.url}${path}`, {
      headers: { authorization: `Bearer ${service.adminToken}` },
    });
    expect(response.status).toBe(200);
    return new Uint8Array(await response.arrayBuffer());
  };

  beforeAll(async () => {
    service = await startTestService({ now: () => Date.parse('2026-11-20T10:00:00+08:00') });
    const ok = async (pending: Promise<{ status: number; body: unknown }>) => {
      const { status, body } = await pending;
      expect(status, JSON.stringify(body)).toBeLessThan(300);
      return body as Record<string, string>;
    };
    await ok(admin('PUT', '/api/v1/policies/demo-2026', POLICY));
    await ok(admin('PUT', '/api/v1/canteens/heping-01', { ...CANTEEN, name: '和平区第一老年食堂' }));
    await ok(admin('PUT', '/api/v1/canteens/heping-02', { ...CANTEEN, name: '和平区第二老年食堂' }));
    await ok(
      admin('PUT', '/api/v1/elders/e80', {
        name: '张三明',
        idNumber: idNumber('1940-03-15', '123'),
        district: '和平区',
        town: '南市街道',
      }),
    );
    await ok(admin('POST', '/api/v1/elders/e80/cards', { cardUid: 'K80' }));
    const t1 = await ok(admin('PUT', '/api/v1/terminals/t1', { canteenId: 'heping-01' }));
    const t2 = await ok(admin('PUT', '/api/v1/terminals/t2', { canteenId: 'heping-02' }));
    for (const [token, day, seq] of [
      [t1.token, '08', 1],
      [t1.token, '09', 2],
      [t2.token, '10', 1],
    ] as const) {
      const sale = saleBody({ occurredAt: `2026-10-${day}T12:00:00+08:00`, terminalSeq: seq });
      const answer = await service.call('POST', '/api/v1/sales', token ?? '', sale);
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    }
  });
  afterAll(() => service?.close());

  it('names a funding source once (201), answers the same name again with 200, and lists every source', async () => {
    const body = { name: '城市福利彩票公益金', nameEn: 'City welfare lottery fund' };
    const first = await admin('PUT', '/api/v1/funding-sources/city-welfare-lottery', body);
    expect(first).toEqual({ status: 201, body: { sourceId: 'city-welfare-lottery', ...body } });
    const before = await service.eventCount();
    const again = await admin('PUT', '/api/v1/funding-sources/city-welfare-lottery', body);
    expect(again.status).toBe(200);
    expect(await service.eventCount()).toBe(before);
    const tooLong = await admin('PUT', '/api/v1/funding-sources/x', { name: '长'.repeat(65) });
    expect(tooLong).toMatchObject({ status: 400, body: { code: 'invalid-body' } });
    expect((await admin('PUT', '/api/v1/funding-sources/x', { name: '' })).status).toBe(400);

    await service.projections.catchUp();
    const named = { [POLICY.policyId]: POLICY.name };
    const listed = await admin('GET', '/api/v1/funding-sources');
    expect(listed).toEqual({
      status: 200,
      body: {
        fundingSources: [
          { sourceId: 'city-welfare-lottery', ...body, policies: ['demo-2026'], policyNames: named },
          {
            sourceId: 'district-finance',
            name: null,
            nameEn: null,
            policies: ['demo-2026'],
            policyNames: named,
          },
        ],
      },
    });

    const renamed = await admin('PUT', '/api/v1/funding-sources/district-finance', { name: '区级财政资金' });
    expect(renamed).toEqual({
      status: 201,
      body: { sourceId: 'district-finance', name: '区级财政资金', nameEn: null },
    });
    await service.projections.catchUp();
  });

  it('answers the month with names beside the ids, the figures as they were', async () => {
    const reviewer = await admin('PUT', '/api/v1/users/wang', { name: '王审核', role: 'reviewer' });
    for (const [step, token] of [
      ['close', service.adminToken],
      ['review', reviewer.body.token],
      ['approve', reviewer.body.token],
      ['pay', service.adminToken],
    ])
      expect((await service.call('POST', `/api/v1/settlements/2026-10/${step}`, token)).status).toBe(200);
    const month = await admin('GET', '/api/v1/settlements/2026-10');
    const [first] = month.body.canteens;
    expect(first).toMatchObject({
      canteenId: 'heping-01',
      name: '和平区第一老年食堂',
      bySource: [
        { source: 'city-welfare-lottery', name: '城市福利彩票公益金', fen: 360 },
        { source: 'district-finance', name: '区级财政资金', fen: 240 },
      ],
      byRule: [{ ruleId: 'age-80', name: '80周岁以上老人', fen: 600 }],
      operatingSubsidy: { policyId: 'demo-2026', policyName: '老年助餐补贴(2026)' },
    });
    expect(month.body.totals.bySource[0]).toMatchObject({
      source: 'city-welfare-lottery',
      name: '城市福利彩票公益金',
    });
    const one = await admin('GET', '/api/v1/settlements/2026-10/canteens/heping-02');
    expect(one.body).toMatchObject({ canteenId: 'heping-02', name: '和平区第二老年食堂', status: 'paid' });
    expect(one.body.days).toHaveLength(1);
  });

  it("prints names on a canteen's statement, a readable cut-off, and keeps the embedded figures verifiable", async () => {
    const bytes = await download('/api/v1/settlements/2026-10/canteens/heping-01/statement.pdf');
    const statement = await readStatement(bytes);
    const text = statement.pages.join('\n');
    for (const expected of [
      '和平区第一老年食堂',
      '城市福利彩票公益金',
      '区级财政资金',
      '80周岁以上老人',
      '老年助餐补贴(2026)',
      '已拨付',
      '截止 2026年11月20日 10:00',
      '截止事件位置',
    ])
      expect(text).toContain(expected);
    for (const id of ['heping-01', 'city-welfare-lottery', 'district-finance', 'age-80', 'demo-2026'])
      expect(text).not.toContain(id);
    expect(text).not.toMatch(/截止:.*\+08:00/);
    // The header line carries no position; the digest section does.
    const header = text.split('\n').find((line) => line.startsWith('状态:')) ?? '';
    expect(header).not.toMatch(/\d+\/\d+/);
    // The figures as settled, ids and all: what verification recomputes.
    expect(statement.figures?.canteen.bySource.map((part) => part.source)).toEqual([
      'city-welfare-lottery',
      'district-finance',
    ]);
    expect(statement.figures).not.toHaveProperty('names');
    const verified = await fetch(`${service.url}/api/v1/statements/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.adminToken}`, 'content-type': 'application/pdf' },
      body: bytes,
    });
    expect(await verified.json()).toMatchObject({ verifications: [{ matches: true, figuresMatch: true }] });
  });

  it("prints names on the bureau's summary and the elder's statement", async () => {
    const summary = (
      await readStatement(await download('/api/v1/settlements/2026-10/statement.pdf'))
    ).pages.join('\n');
    for (const expected of ['和平区第一老年食堂', '和平区第二老年食堂', '城市福利彩票公益金', '已拨付'])
      expect(summary).toContain(expected);
    for (const id of ['heping-0', 'city-welfare-lottery', 'district-finance'])
      expect(summary).not.toContain(id);
    expect(summary).toMatch(/截止 2026年11月20日 10:00/);

    const elder = (
      await readStatement(await download('/api/v1/elders/e80/statement.pdf?month=2026-10'))
    ).pages.join('\n');
    expect(elder).toContain('和平区第一老年食堂');
    expect(elder).not.toContain('heping-0');
  });

  it('exports for finance: Chinese headers from names, states in words, numbers in yuan and a 合计 row', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      Buffer.from(await download('/api/v1/settlements/2026-10/export.xlsx')) as unknown as ArrayBuffer,
    );
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['结算汇总', '拨付清单']);
    const sheet = workbook.getWorksheet('结算汇总');
    if (!sheet) throw new Error('no settlement sheet');
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    expect(header).toContain('城市福利彩票公益金(元)');
    expect(header).toContain('区级财政资金(元)');
    expect(header.join()).not.toMatch(/city-welfare-lottery|district-finance/);
    const column = (title: string) => header.indexOf(title) + 1;
    expect(sheet.rowCount).toBe(4);
    const [c1, c2, totals] = [sheet.getRow(2), sheet.getRow(3), sheet.getRow(4)];
    expect(c1.getCell(column('食堂名称')).value).toBe('和平区第一老年食堂');
    const reimbursed = c1.getCell(column('应拨付(元)'));
    expect(reimbursed.value).toBe(8); // 6.00 subsidy + 2 × 1.00 operating subsidy
    expect(reimbursed.numFmt).toBe('0.00');
    expect(c1.getCell(column('城市福利彩票公益金(元)')).value).toBe(3.6);
    expect(totals.getCell(1).value).toBe('合计');
    for (const title of [
      '售餐份数',
      '垫付补贴(元)',
      '城市福利彩票公益金(元)',
      '区级财政资金(元)',
      '应拨付(元)',
    ]) {
      const cell = totals.getCell(column(title));
      expect(typeof cell.value, title).toBe('number');
      const sum = Math.round(
        ((c1.getCell(column(title)).value as number) + (c2.getCell(column(title)).value as number)) * 100,
      );
      expect(Math.round((cell.value as number) * 100), title).toBe(sum);
    }
    expect(totals.getCell(column('应拨付(元)')).value).toBe(12);
    expect(totals.getCell(column('应拨付(元)')).numFmt).toBe('0.00');

    const payments = workbook.getWorksheet('拨付清单');
    if (!payments) throw new Error('no payment sheet');
    expect((payments.getRow(2).values as unknown[]).slice(1)).toEqual([
      '2026-10',
      '已拨付',
      'heping-01',
      '和平区第一老年食堂',
      8,
      800,
    ]);
    const paymentTotals = payments.getRow(4);
    expect(paymentTotals.getCell(1).value).toBe('合计');
    expect(paymentTotals.getCell(5).value).toBe(12);
    expect(paymentTotals.getCell(6).value).toBe(1200);

    const csv = new TextDecoder().decode(await download('/api/v1/settlements/2026-10/export.csv'));
    const [csvHeader] = csv.replace('\uFEFF', '').split('\r\n');
    expect(csvHeader).toContain('城市福利彩票公益金(元),区级财政资金(元)');
    const paymentsCsv = new TextDecoder().decode(
      await download('/api/v1/settlements/2026-10/export.csv?list=payments'),
    );
    expect(paymentsCsv).toContain('2026-10,已拨付,heping-01,和平区第一老年食堂,8.00,800');
    expect(paymentsCsv).not.toContain('paid');
  });

  it('shows the registered source names on the dashboard answer', async () => {
    await service.projections.catchUp();
    const dashboard = await admin('GET', '/api/v1/dashboard?date=2026-10-31');
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.thisMonth.bySource).toEqual(
      expect.arrayContaining([
        {
          source: 'city-welfare-lottery',
          fen: 540,
          name: '城市福利彩票公益金',
          nameEn: 'City welfare lottery fund',
        },
      ]),
    );
  });
});
