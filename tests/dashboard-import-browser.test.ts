import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskNationalId } from '../domain/identity/national-id.ts';
import { launchChromium, SCREENSHOTS, watchedPage } from './support/browser.ts';
import { idNumber, setUpBureau } from './support/bureau.ts';
import { startTestService, type TestService } from './support/service.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const COLUMNS = ['姓名', '身份证号', '区', '街镇', '签约食堂', '类别', '起始日期', '截止日期', '卡号'];

/** e80's and e65's ID numbers, as tests/support/bureau.ts registers them. */
const E80_ID = idNumber('1940-03-15', '123');
const E65_ID = idNumber('1961-05-01', '245');
const GOOD = [idNumber('1944-02-11', '402'), idNumber('1938-07-21', '311'), idNumber('1955-12-01', '520')];
const DUPLICATE = idNumber('1946-04-04', '188');
/** A real ID number with its check character changed. */
const BAD_CHECK = (() => {
  const good = idNumber('1949-09-09', '233');
  return `${good.slice(0, 17)}${good.endsWith('1') ? '2' : '1'}`;
})();

/** The roster the clerk fills in: row 2 on, in the template's columns. */
const ROSTER: Record<string, string>[] = [
  {
    姓名: '王秀英',
    身份证号: GOOD[0] as string,
    区: '西城区',
    街镇: '一街道',
    签约食堂: 'c1',
    类别: '低保',
    起始日期: '2026-01-01',
    卡号: 'K-1001',
  },
  {
    姓名: '李建国',
    身份证号: GOOD[1] as string,
    区: '东城区',
    街镇: '二街道',
    类别: '特困,残疾',
    起始日期: '2026-03-01',
  },
  {
    姓名: '赵淑兰',
    身份证号: GOOD[2] as string,
    区: '东城区',
    街镇: '二街道',
    签约食堂: 'c2',
    卡号: 'K-1003',
  },
  { 姓名: '钱志明', 身份证号: BAD_CHECK, 区: '西城区', 街镇: '一街道' },
  { 姓名: '孙玉梅', 身份证号: DUPLICATE, 区: '西城区', 街镇: '一街道' },
  { 姓名: '孙玉梅', 身份证号: DUPLICATE, 区: '西城区', 街镇: '三街道' },
  { 姓名: '周德华', 身份证号: idNumber('1947-05-05', '377'), 区: '西城区', 街镇: '一街道', 卡号: 'K80' },
  // e80 moves to 东城区 (its card left as it is); e65 as registered, with the card it holds.
  { 姓名: '张三明', 身份证号: E80_ID, 区: '东城区', 街镇: '一街道' },
  { 姓名: '张三明', 身份证号: E65_ID, 区: '西城区', 街镇: '一街道', 卡号: 'K65' },
];

interface Report {
  dryRun: boolean;
  summary: { created: number; updated: number; unchanged: number; refused: number };
  rows: {
    row: number;
    idNumberMasked: string;
    elderId: string | null;
    outcome: string;
    reasons: { code: string; zh: string; en: string }[];
  }[];
}

/** Elements wider than the page (something cut off or overflowing sideways). */
const OVERFLOWING = `(() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter((node) => node.getClientRects().length > 0)
    .filter((node) => node.getBoundingClientRect().right > width + 1)
    .map((node) => node.tagName + '.' + node.className);
})()`;

/**
 * 名单导入 in a real browser against the real service: a reviewer is told that only the admin
 * imports; the admin comes from the dashboard's header, downloads the template, fills it with good
 * and bad rows, checks it (the report, nothing written), imports it (the elders registered), checks
 * and imports it again (nothing changes), reads it in English, and sees whole files refused in Chinese.
 */
describe('the roster import page in a browser (Playwright, Chromium, real service)', () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  let reviewer = '';
  let roster: Buffer = Buffer.alloc(0);
  const problems: string[] = [];

  /** The whole page from its top (the header is sticky: scrolled, it would land mid-picture). */
  const screenshot = async (name: string) => {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.join(SCREENSHOTS, `import-${name}.png`), fullPage: true });
  };
  const text = (selector: string) => page.locator(selector).first().textContent();
  const summary = async () =>
    Object.fromEntries(
      await Promise.all(
        ['created', 'updated', 'unchanged', 'refused'].map(async (outcome) => [
          outcome,
          Number(await text(`[data-testid=summary] [data-outcome=${outcome}] .value`)),
        ]),
      ),
    );
  /** The report's table as shown: row number, masked ID, elder id, outcome, reasons. */
  const shownRows = () =>
    page.locator('[data-testid=rows] tbody tr').evaluateAll((rows) =>
      rows.map((row) => {
        const cells = [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '');
        return {
          row: Number(cells[0]),
          idNumberMasked: cells[1],
          elderId: cells[2],
          outcome: row.getAttribute('data-outcome'),
          label: cells[3],
          reasons: [...row.querySelectorAll('.reasons li')].map((item) => item.textContent),
        };
      }),
    );
  /** The service's own answer for the same bytes (a dry run writes nothing). */
  const dryRun = async (bytes: Buffer): Promise<Report> => {
    const response = await fetch(`${service.url}/api/v1/elders/import?dryRun=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.adminToken}`, 'content-type': XLSX },
      body: bytes,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Report;
  };
  const find = async (id: string) => {
    await service.projections.catchUp();
    const answer = await service.call('GET', `/api/v1/elders?q=${id}`, service.adminToken);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body.elders as { elderId: string; district: string; cardUid: string | null }[];
  };
  const choose = (name: string, buffer: Buffer) =>
    page.getByLabel('名单文件(Excel .xlsx)').setInputFiles({ name, mimeType: XLSX, buffer });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    service = await startTestService();
    await setUpBureau(service);
    const user = await service.call('PUT', '/api/v1/users/li', service.adminToken, {
      name: '李审核',
      role: 'reviewer',
    });
    reviewer = user.body.token;
    await service.projections.catchUp();
    browser = await launchChromium();
    page = await watchedPage(browser, problems);
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('tells a reviewer, in Chinese, that only the admin imports', async () => {
    await page.goto(`${service.url}/dashboard/import`);
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.title()).toBe('助餐通 名单导入');
    expect(await text('#sign-in h2')).toBe('名单导入登录');
    await page.getByLabel('访问令牌').fill(reviewer);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.locator('[data-testid=admin-only]').isVisible()).toBe(true);
    expect(await text('[data-testid=viewer]')).toBe('李审核(审核员)');
    expect(await text('[data-testid=admin-only] h2')).toBe('只有管理员可以导入名单');
    expect(await text('[data-testid=admin-only] p')).toContain('请联系本局的系统管理员');
    expect(await page.locator('[data-testid=importer]').isVisible()).toBe(false);
    await screenshot('reviewer');
    await page.getByRole('button', { name: '退出登录' }).click();
    await expect.poll(() => text('[data-testid=sign-in-message]')).toBe('已退出登录');
  });

  it('is linked from the navigation of every page; the admin signed in there is signed in here', async () => {
    await page.goto(`${service.url}/dashboard`);
    await page.getByLabel('访问令牌').fill(service.adminToken);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.locator('[data-testid=viewer]').textContent()).toContain('管理员');
    await page.getByRole('link', { name: '名单导入', exact: true }).click();
    await page.waitForURL('**/dashboard/import');
    await expect.poll(() => page.locator('[data-testid=importer]').isVisible()).toBe(true);
    expect(await page.locator('[data-testid=admin-only]').isVisible()).toBe(false);
    expect(await text('[data-testid=file-status]')).toBe('尚未选择文件');
    // The page's own words on the file button, not the browser's.
    expect(await text('[data-testid=choose-file]')).toBe('选择文件…');
    expect(await page.getByRole('button', { name: '导入' }).isDisabled()).toBe(true);
  });

  it('downloads the template as 老人名单模板.xlsx, with the columns of the roster', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载模板' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('老人名单模板.xlsx');
    const template = new ExcelJS.Workbook();
    await template.xlsx.load(readFileSync(await download.path()) as unknown as ArrayBuffer);
    const sheet = template.worksheets[0];
    if (!sheet) throw new Error('the template has no sheet');
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(COLUMNS);
    await expect.poll(() => text('[data-testid=template-status]')).toBe('已下载 老人名单模板.xlsx');

    // The clerk writes the roster over the template's example row.
    sheet.spliceRows(2, sheet.rowCount - 1);
    ROSTER.forEach((entry, index) => {
      const row = sheet.getRow(index + 2);
      COLUMNS.forEach((column, at) => {
        row.getCell(at + 1).value = entry[column] ?? null;
      });
      row.commit();
    });
    roster = Buffer.from(await template.xlsx.writeBuffer());
  });

  it('checks the roster: the report row by row, refused rows first, nothing written', async () => {
    const expected = await dryRun(roster);
    expect(expected.summary).toEqual({ created: 3, updated: 1, unchanged: 1, refused: 4 });
    const events = await service.eventCount();

    await choose('老人名单.xlsx', roster);
    await expect
      .poll(() => text('[data-testid=file-status]'))
      .toMatch(/^已选择：老人名单\.xlsx\(\d+\.\d KB\)$/);
    expect(await page.getByRole('button', { name: '导入' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '检查' }).click();
    await expect.poll(() => page.locator('[data-testid=report]').isVisible()).toBe(true);
    expect(await text('#report-title')).toBe('检查结果(尚未写入任何记录)');
    expect(await text('[data-testid=report-file]')).toBe('文件：老人名单.xlsx');
    expect(await summary()).toEqual(expected.summary);
    expect(await text('[data-testid=progress]')).toBe(
      '检查完成：将新建 3 位、更新 1 位老人；4 行被拒绝，不会导入，请改正后再检查。',
    );

    const rows = await shownRows();
    // Refused first, each part in the sheet's order; every row as the service answered it.
    expect(rows.map((row) => row.row)).toEqual([5, 6, 7, 8, 2, 3, 4, 9, 10]);
    const labels = { created: '新建', updated: '更新', unchanged: '未变', refused: '拒绝' } as const;
    for (const shown of rows) {
      const answered = expected.rows.find((row) => row.row === shown.row);
      expect(shown, String(shown.row)).toEqual({
        row: answered?.row,
        idNumberMasked: answered?.idNumberMasked,
        elderId: answered?.elderId ?? '—',
        outcome: answered?.outcome,
        label: labels[answered?.outcome as keyof typeof labels],
        reasons: answered?.reasons.map((reason) => reason.zh),
      });
    }
    const row = (n: number) => rows.find((shown) => shown.row === n);
    expect(row(2)?.idNumberMasked).toBe(maskNationalId(GOOD[0] as string));
    expect(row(2)?.idNumberMasked).not.toContain((GOOD[0] as string).slice(6, 14));
    expect(row(5)?.reasons).toEqual(['身份证号校验位错误']);
    expect(row(6)?.reasons).toEqual(['身份证号与第 7 行重复']);
    expect(row(7)?.reasons).toEqual(['身份证号与第 6 行重复']);
    expect(row(8)?.reasons).toEqual(['卡号 K80 已绑定其他老人']);
    expect(row(9)).toMatchObject({ elderId: 'e80', outcome: 'updated' });
    expect(row(10)).toMatchObject({ elderId: 'e65', outcome: 'unchanged', reasons: [] });

    // Filtered: the refused rows only, then every row again.
    await page.getByRole('button', { name: '拒绝 4' }).click();
    expect((await shownRows()).map((shown) => shown.row)).toEqual([5, 6, 7, 8]);
    expect(await page.getByRole('button', { name: '拒绝 4' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: '新建 3' }).click();
    expect((await shownRows()).map((shown) => shown.row)).toEqual([2, 3, 4]);
    await page.getByRole('button', { name: '全部 9' }).click();
    expect(await page.locator('[data-testid=rows] tbody tr').count()).toBe(9);
    await screenshot('zh-checked');

    // Nothing written: not one event, no elder found by the new ID numbers, e80 still in 西城区.
    expect(await service.eventCount()).toBe(events);
    for (const id of GOOD) expect(await find(id)).toEqual([]);
    expect((await find(E80_ID)).map((found) => found.district)).toEqual(['西城区']);
    expect(await page.getByRole('button', { name: '导入' }).isEnabled()).toBe(true);
  });

  it('imports the file checked: the created rows registered with their cards, e80 updated', async () => {
    await page.getByRole('button', { name: '导入' }).click();
    await expect.poll(() => text('#report-title')).toBe('导入结果');
    expect(await summary()).toEqual({ created: 3, updated: 1, unchanged: 1, refused: 4 });
    expect(await text('[data-testid=progress]')).toBe(
      '导入完成：新建 3 位、更新 1 位、未变 1 位老人；4 行被拒绝，未导入。',
    );
    // A further import starts with a further check.
    expect(await page.getByRole('button', { name: '导入' }).isDisabled()).toBe(true);

    const rows = await shownRows();
    const created = rows.filter((row) => row.outcome === 'created');
    expect(created.map((row) => row.row)).toEqual([2, 3, 4]);
    const cards = ['K-1001', null, 'K-1003'];
    for (const [index, id] of GOOD.entries()) {
      const found = await find(id);
      expect(found.map((elder) => elder.elderId)).toEqual([created[index]?.elderId]);
      expect(found[0]?.cardUid).toBe(cards[index]);
    }
    expect((await find(E80_ID)).map((found) => found.district)).toEqual(['东城区']);
    expect(await find(DUPLICATE)).toEqual([]);
    await screenshot('zh-imported');
  });

  it('checks and imports the same file again: every row that passes unchanged, nothing written', async () => {
    const events = await service.eventCount();
    await page.getByRole('button', { name: '检查' }).click();
    await expect.poll(() => text('#report-title')).toBe('检查结果(尚未写入任何记录)');
    expect(await summary()).toEqual({ created: 0, updated: 0, unchanged: 5, refused: 4 });
    expect(await text('[data-testid=progress]')).toBe(
      '检查完成：名单与已登记的信息一致，导入不会改变任何记录；4 行被拒绝，不会导入。',
    );
    await page.getByRole('button', { name: '导入' }).click();
    await expect.poll(() => text('#report-title')).toBe('导入结果');
    expect(await summary()).toEqual({ created: 0, updated: 0, unchanged: 5, refused: 4 });
    const rows = await shownRows();
    expect(rows.filter((row) => row.outcome !== 'refused').map((row) => row.row)).toEqual([2, 3, 4, 9, 10]);
    expect(new Set(rows.filter((row) => row.outcome !== 'refused').map((row) => row.outcome))).toEqual(
      new Set(['unchanged']),
    );
    expect(await service.eventCount()).toBe(events);
  });

  it('reads in English through the EN switch, the reasons too', async () => {
    await page.getByRole('button', { name: 'EN' }).click();
    await expect.poll(() => text('#report-title')).toBe('Import report');
    expect(await page.title()).toBe('助餐通 Roster import');
    expect(await text('[data-testid=progress]')).toBe(
      'Imported: 0 elders created, 0 updated, 5 unchanged; 4 rows refused, not imported.',
    );
    const rows = await shownRows();
    expect(rows.find((row) => row.row === 6)).toMatchObject({
      label: 'Refused',
      reasons: ['the ID number is also on row 7'],
    });
    expect(rows.find((row) => row.row === 8)?.reasons).toEqual(['card K80 is bound to another elder']);
    expect(rows.find((row) => row.row === 2)?.label).toBe('Unchanged');
    expect(await page.getByRole('button', { name: 'Refused 4' }).isVisible()).toBe(true);
    expect(await text('[data-testid=template-status]')).toBe('Downloaded 老人名单模板.xlsx');
    expect(await text('[data-testid=choose-file]')).toBe('Choose file…');
    expect(await page.evaluate(OVERFLOWING)).toEqual([]);
    await screenshot('en-imported');
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => text('#report-title')).toBe('导入结果');
  });

  it('says in Chinese why a whole file is refused, and writes nothing', async () => {
    const events = await service.eventCount();
    await choose('名单.xlsx', Buffer.from('姓名,身份证号\n王秀英,110101194003150027\n'));
    // A new file: the last report goes, and it must be checked before it can be imported.
    await expect.poll(() => page.locator('[data-testid=report]').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: '导入' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '检查' }).click();
    await expect
      .poll(() => text('[data-testid=run-message]'))
      .toContain('整份文件未被接受，未写入任何记录：文件不是 Excel 工作簿(.xlsx)');
    // The page's own Chinese words, not the service's English beside them.
    expect(await text('[data-testid=run-message]')).not.toContain('workbook');
    expect(await page.locator('[data-testid=report]').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: '导入' }).isDisabled()).toBe(true);

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('名单');
    sheet.addRow(COLUMNS.filter((column) => column !== '卡号' && column !== '类别'));
    sheet.addRow(['王秀英', GOOD[0], '西城区', '一街道']);
    await choose('缺列.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    await page.getByRole('button', { name: '检查' }).click();
    await expect
      .poll(() => text('[data-testid=run-message]'))
      .toContain('表头缺少以下列：类别、卡号。请使用模板的表头(列的顺序可以不同)。');
    await screenshot('zh-refused-file');
    expect(await service.eventCount()).toBe(events);

    await page.getByRole('button', { name: 'EN' }).click();
    await expect
      .poll(() => text('[data-testid=run-message]'))
      .toContain(
        'The whole file was refused; nothing was written: The header lacks the column(s) 类别, 卡号',
      );
    await page.getByRole('button', { name: '中文' }).click();
  });

  it('met no console error, page error or refused request but the files meant to be refused', () => {
    // Chromium logs each refused request to the console as well.
    const meant =
      /^(400 \/api\/v1\/elders\/import|Failed to load resource: .* status of 400 \(Bad Request\))$/;
    expect(problems.filter((problem) => !meant.test(problem))).toEqual([]);
    expect(problems.filter((problem) => problem.startsWith('400 '))).toHaveLength(2);
  });
});
