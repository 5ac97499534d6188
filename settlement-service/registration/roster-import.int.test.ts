import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROSTER_COLUMNS } from '../../domain/elders/roster.ts';
import { idNumber } from '../../testkit/id-numbers.ts';
import { MENU } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Cells = Partial<Record<(typeof ROSTER_COLUMNS)[number], string | Date>>;

async function roster(rows: readonly Cells[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('花名册');
  sheet.addRow([...ROSTER_COLUMNS]);
  for (const row of rows) sheet.addRow(ROSTER_COLUMNS.map((column) => row[column] ?? null));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const row = (name: string, id: string, extra: Cells = {}): Cells => ({
  姓名: name,
  身份证号: id,
  区: '东城区',
  街镇: '和平里街道',
  ...extra,
});

describe('elder search and roster import over HTTP', () => {
  let service: TestService;
  const admin = (method: string, path: string, body?: unknown) =>
    service.call(method, path, service.adminToken, body);
  const search = async (query: string) => {
    await service.projections.catchUp();
    const answer = await admin('GET', `/api/v1/elders?${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as { elders: { elderId: string; [key: string]: unknown }[]; next: string | null };
  };
  const importRoster = async (bytes: Buffer, dryRun = false) => {
    const response = await fetch(`${service.url}/api/v1/elders/import${dryRun ? '?dryRun=true' : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.adminToken}`, 'content-type': XLSX },
      body: new Uint8Array(bytes),
    });
    // biome-ignore lint/suspicious/noExplicitAny: a report, whose shape each test asserts
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    service = await startTestService({ now: () => Date.parse('2026-10-01T09:00:00+08:00') });
    const canteen = {
      name: '和平里幸福食堂',
      district: '东城区',
      town: '和平里街道',
      periods: { lunch: { from: '11:00', to: '13:30' } },
      menu: MENU,
    };
    expect((await admin('PUT', '/api/v1/canteens/c1', canteen)).status).toBe(200);
  });
  afterAll(() => service?.close());

  describe('search', () => {
    const wang = idNumber('1940-03-15', '002');
    beforeAll(async () => {
      const elders = [
        ['s-01', '王秀英', wang, 'S-CARD-1'],
        ['s-02', '李秀兰', idNumber('1941-01-01', '012'), 'S-CARD-2'],
        ['s-03', '欧阳春华', idNumber('1942-01-01', '022'), null],
        ['s-04', '张建国', idNumber('1943-01-01', '031'), 'S-CARD-4'],
      ] as const;
      for (const [elderId, name, id, card] of elders) {
        const body = {
          name,
          idNumber: id,
          district: '东城区',
          town: '和平里街道',
          homeCanteenId: 'c1',
          categories: [{ category: 'dibao', from: '2026-01-01' }],
        };
        expect((await admin('PUT', `/api/v1/elders/${elderId}`, body)).status).toBe(200);
        if (card)
          expect((await admin('POST', `/api/v1/elders/${elderId}/cards`, { cardUid: card })).status).toBe(
            201,
          );
      }
      expect((await admin('POST', '/api/v1/elders/s-04/death', { date: '2026-09-20' })).status).toBe(200);
    });

    it('finds by a name fragment, masked, with categories and status', async () => {
      const found = await search(`q=${encodeURIComponent('秀')}`);
      expect(found.elders.map((elder) => elder.elderId)).toEqual(['s-01', 's-02']);
      expect(found.elders[0]).toEqual({
        elderId: 's-01',
        maskedName: '王*英',
        maskedIdNumber: `${wang.slice(0, 4)}**********${wang.slice(-4)}`,
        district: '东城区',
        town: '和平里街道',
        homeCanteenId: 'c1',
        cardUid: 'S-CARD-1',
        categories: [{ category: 'dibao', from: '2026-01-01', to: null }],
        status: 'alive',
        diedOn: null,
      });
      expect(found.next).toBeNull();
      expect((await search(`q=${encodeURIComponent('春华')}`)).elders.map((elder) => elder.elderId)).toEqual([
        's-03',
      ]);
      expect((await search(`q=${encodeURIComponent('秀华')}`)).elders).toEqual([]);
    });

    it('finds by the card in use and by the full ID number, which it never answers', async () => {
      expect((await search('q=S-CARD-2')).elders.map((elder) => elder.elderId)).toEqual(['s-02']);
      const byId = await search(`q=${wang}`);
      expect(byId.elders.map((elder) => elder.elderId)).toEqual(['s-01']);
      expect(JSON.stringify(byId)).not.toContain(wang);
      // A fragment of an ID number finds nothing: only the whole number is looked up, by its hash.
      expect((await search(`q=${wang.slice(0, 17)}`)).elders).toEqual([]);
    });

    it('answers a death', async () => {
      const [dead] = (await search(`q=${encodeURIComponent('张建国')}`)).elders;
      expect(dead).toMatchObject({
        elderId: 's-04',
        status: 'died',
        diedOn: '2026-09-20',
        maskedName: '张*国',
      });
    });

    it('pages through every elder by elder id when q is empty', async () => {
      const first = await search('limit=3');
      expect(first.elders.map((elder) => elder.elderId)).toEqual(['s-01', 's-02', 's-03']);
      expect(first.next).toBe('s-03');
      const second = await search(`limit=3&after=${first.next}`);
      expect(second.elders.map((elder) => elder.elderId)).toEqual(['s-04']);
      expect(second.next).toBeNull();
      expect((await admin('GET', '/api/v1/elders?limit=201')).body).toMatchObject({ code: 'invalid-query' });
    });
  });

  describe('roster import', () => {
    const good = [
      row('赵桂兰', idNumber('1944-11-08', '004'), {
        签约食堂: 'c1',
        类别: '低保,残疾',
        起始日期: '2026-01-01',
        卡号: 'R-0001',
      }),
      row('钱学明', idNumber('1950-02-02', '013'), {
        类别: '特困',
        起始日期: new Date(Date.UTC(2025, 5, 1)),
      }),
      row('孙立新', idNumber('1952-03-03', '021'), { 卡号: 'R-0003' }),
    ];

    it('answers a template with the header row and an example row', async () => {
      const response = await fetch(`${service.url}/api/v1/elders/import/template.xlsx`, {
        headers: { authorization: `Bearer ${service.adminToken}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(XLSX);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await response.arrayBuffer());
      const sheet = workbook.worksheets[0];
      expect(sheet?.getRow(1).values).toEqual([undefined, ...ROSTER_COLUMNS]);
      expect(sheet?.rowCount).toBe(2);
      // The template's own example imports as it stands (dry run: it names canteen c-hpl, unknown here).
      const dry = await importRoster(Buffer.from(await workbook.xlsx.writeBuffer()), true);
      expect(dry.body.rows[0].reasons.map((reason: { code: string }) => reason.code)).toEqual([
        'canteen-unknown',
      ]);
    });

    it('a dry run writes nothing and reports what would happen row by row', async () => {
      const events = await service.eventCount();
      const dry = await importRoster(await roster(good), true);
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({
        dryRun: true,
        summary: { created: 3, updated: 0, unchanged: 0, refused: 0 },
      });
      expect(
        dry.body.rows.map((reported: { row: number; outcome: string }) => [reported.row, reported.outcome]),
      ).toEqual([
        [2, 'created'],
        [3, 'created'],
        [4, 'created'],
      ]);
      expect(await service.eventCount()).toBe(events);
    });

    it('registers the elders and their cards; the same file again changes nothing', async () => {
      const first = await importRoster(await roster(good));
      expect(first.body.summary).toEqual({ created: 3, updated: 0, unchanged: 0, refused: 0 });
      const [zhao] = first.body.rows;
      expect(zhao).toMatchObject({ row: 2, outcome: 'created', reasons: [] });
      expect(zhao.elderId).toMatch(/^e-[0-9a-f]{20}$/);
      expect(zhao.idNumberMasked).toMatch(/^1201\*{10}\d{3}[\dX]$/);
      const found = await search('q=R-0001');
      expect(found.elders).toEqual([
        expect.objectContaining({
          elderId: zhao.elderId,
          maskedName: '赵*兰',
          homeCanteenId: 'c1',
          cardUid: 'R-0001',
          categories: [
            { category: 'dibao', from: '2026-01-01', to: null },
            { category: 'disability', from: '2026-01-01', to: null },
          ],
        }),
      ]);
      expect((await search(`q=${encodeURIComponent('钱')}`)).elders[0]?.categories).toEqual([
        { category: 'tekun', from: '2025-06-01', to: null },
      ]);

      const events = await service.eventCount();
      const again = await importRoster(await roster(good));
      expect(again.body.summary).toEqual({ created: 0, updated: 0, unchanged: 3, refused: 0 });
      expect(again.body.rows.map((reported: { elderId: string }) => reported.elderId)).toEqual(
        first.body.rows.map((reported: { elderId: string }) => reported.elderId),
      );
      expect(await service.eventCount()).toBe(events);
    });

    it('refuses bad rows with their reasons and registers the good rows of the same file', async () => {
      const badCheck = `${idNumber('1945-01-01', '041').slice(0, 17)}${idNumber('1945-01-01', '041').endsWith('0') ? '1' : '0'}`;
      const twice = idNumber('1946-01-01', '051');
      const fresh = idNumber('1947-01-01', '061');
      const taken = idNumber('1948-01-01', '071');
      const rows = [
        row('周一', badCheck),
        row('吴二', twice),
        row('郑三', twice),
        row('冯四', taken, { 卡号: 'R-0001' }),
        row('陈五', idNumber('1949-01-01', '081'), { 签约食堂: 'c-nowhere' }),
        row('', idNumber('1951-01-01', '091')),
        row('卫六', idNumber('1953-01-01', '101'), { 类别: '低保', 起始日期: '2026-13-01' }),
        row('蒋七', fresh, { 卡号: 'R-0007', 类别: '优抚', 起始日期: '2026/3/1' }),
        row('孙立新', idNumber('1952-03-03', '021'), { 街镇: '安定门街道', 卡号: 'R-0003' }),
      ];
      const events = await service.eventCount();
      const report = (await importRoster(await roster(rows))).body;
      const codes = report.rows.map((reported: { reasons: { code: string }[] }) =>
        reported.reasons.map((reason) => reason.code),
      );
      expect(codes).toEqual([
        ['id-number-check-digit'],
        ['id-number-duplicate'],
        ['id-number-duplicate'],
        ['card-taken'],
        ['canteen-unknown'],
        ['field-missing'],
        ['date-invalid'],
        [],
        [],
      ]);
      expect(report.rows[1].reasons[0]).toEqual({
        code: 'id-number-duplicate',
        zh: '身份证号与第 4 行重复',
        en: 'the ID number is also on row 4',
      });
      expect(report.summary).toEqual({ created: 1, updated: 1, unchanged: 0, refused: 7 });
      expect(report.rows.map((reported: { outcome: string }) => reported.outcome).slice(-2)).toEqual([
        'created',
        'updated',
      ]);
      expect(await service.eventCount()).toBeGreaterThan(events);
      // Refused rows registered nobody; the card taken stays with its elder.
      for (const id of [twice, taken]) expect((await search(`q=${id}`)).elders).toEqual([]);
      expect((await search('q=R-0001')).elders.map((elder) => elder.maskedName)).toEqual(['赵*兰']);
      expect((await search('q=R-0007')).elders.map((elder) => elder.maskedName)).toEqual(['蒋*']);
      expect((await search('q=R-0003')).elders[0]?.town).toBe('安定门街道');
    });

    it('finishes a run cut short: an elder registered without the card the row gives gets it', async () => {
      const id = idNumber('1954-01-01', '111');
      const dry = await importRoster(await roster([row('韩八', id, { 卡号: 'R-0008' })]), true);
      const elderId = dry.body.rows[0].elderId as string;
      // What a crash between the elder's registration and the card's leaves behind.
      const registered = await admin('PUT', `/api/v1/elders/${elderId}`, {
        name: '韩八',
        idNumber: id,
        district: '东城区',
        town: '和平里街道',
      });
      expect(registered.status).toBe(200);
      const resumed = await importRoster(await roster([row('韩八', id, { 卡号: 'R-0008' })]));
      expect(resumed.body.rows[0]).toMatchObject({ elderId, outcome: 'updated' });
      expect((await search('q=R-0008')).elders.map((elder) => elder.elderId)).toEqual([elderId]);
    });

    it('refuses a body that is not a roster', async () => {
      const notXlsx = await importRoster(Buffer.from('hello'));
      expect(notXlsx).toMatchObject({ status: 400, body: { code: 'invalid-body' } });
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet('x').addRow(['姓名', '身份证号']);
      const noColumns = await importRoster(Buffer.from(await workbook.xlsx.writeBuffer()));
      expect(noColumns).toMatchObject({ status: 400, body: { code: 'invalid-body' } });
    });
  });
});
