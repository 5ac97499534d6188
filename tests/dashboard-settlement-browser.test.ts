import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../domain/money.ts';
import { launchChromium, SCREENSHOTS, watchedPage } from './support/browser.ts';
import { saleBody, setUpBureau } from './support/bureau.ts';
import { startTestService, type TestService } from './support/service.ts';

/** The service's clock: 20 November 2026, 15:00 in Shanghai; October has ended, November has not. */
const NOW = Date.parse('2026-11-20T15:00:00+08:00');
const MONTH = '2026-10';

interface Settlement {
  status: string;
  canteens: { canteenId: string; mealsSold: number; reimbursementFen: number }[];
  totals: { reimbursementFen: number };
}

/**
 * 月结办理 in a real browser against the real service, as two clerks take October from close to
 * payment: the admin 王经办 opens the month from the dashboard's settlement list and closes it (after
 * trying November, which has not ended); the reviewer 李审核 reviews it; 王经办 tries to approve and is
 * told why not (four eyes); 李审核 approves; 王经办 records the payment. Then the statements and the
 * workbook are downloaded with the token and their bytes checked.
 */
describe('the monthly settlement page in a browser (Playwright, Chromium, real service)', () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  let clerk = '';
  let reviewer = '';
  const problems: string[] = [];
  let expected: Settlement;

  const admin = async (method: string, pathname: string, body?: unknown) => {
    const answer = await service.call(method, pathname, service.adminToken, body);
    expect(answer.status, `${method} ${pathname}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
    return answer.body;
  };
  /** Closing waits for the store's settled head: give the page the time it takes. */
  const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });
  const screenshot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `settlement-${name}.png`), fullPage: true });
  const text = async (testid: string) =>
    ((await page.getByTestId(testid).first().textContent()) ?? '').trim();
  const signInAs = async (token: string) => {
    if (await page.locator('#sign-out').isVisible()) await page.locator('#sign-out').click();
    await eventually(() => page.locator('#sign-in').isVisible()).toBe(true);
    await page.getByLabel('访问令牌').fill(token);
    await page.getByRole('button', { name: '登录' }).click();
    await eventually(() => page.locator('#month-view').isVisible()).toBe(true);
  };
  const takeStep = async (label: string, note?: string) => {
    if (note !== undefined) await page.getByTestId('note').fill(note);
    await page.getByRole('button', { name: label }).click();
  };
  const downloaded = async (testid: string) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    const file = await download.path();
    return { name: download.suggestedFilename(), bytes: readFileSync(file) };
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    service = await startTestService({ now: () => NOW });
    const bureau = await setUpBureau(service);
    clerk = (await admin('PUT', '/api/v1/users/wang', { name: '王经办', role: 'admin' })).token;
    reviewer = (await admin('PUT', '/api/v1/users/li', { name: '李审核', role: 'reviewer' })).token;
    let sequence = 0;
    for (let day = 1; day <= 12; day += 1) {
      for (const [token, cardUid] of [
        [bureau.tokens.t1, 'K80'],
        [bureau.tokens.t3, day % 2 === 0 ? 'K65' : undefined],
      ] as const) {
        sequence += 1;
        const body = saleBody({
          terminalSeq: sequence,
          occurredAt: `${MONTH}-${String(day).padStart(2, '0')}T12:00:00+08:00`,
          ...(cardUid ? { cardUid } : { cardUid: undefined }),
        });
        const answer = await service.call('POST', '/api/v1/sales', token, body);
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      }
    }
    await service.projections.catchUp();
    service.projections.start();
    expected = (await service.call('GET', `/api/v1/settlements/${MONTH}`, clerk)).body;
    expect(expected.canteens.length).toBe(2);

    browser = await launchChromium();
    page = await watchedPage(browser, problems);
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('opens the month from the dashboard’s settlement list, with its provisional figures', async () => {
    await page.goto(`${service.url}/dashboard`);
    await page.getByLabel('访问令牌').fill(clerk);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId(`settlement-link-${MONTH}`).click();
    await page.waitForURL(`**/dashboard/settlement?month=${MONTH}`);
    await eventually(() => page.locator('#month-view').isVisible()).toBe(true);
    expect(await page.title()).toBe('助餐通 月结办理');
    expect(await text('viewer')).toBe('王经办(管理员)');
    expect(await page.getByTestId('month').inputValue()).toBe(MONTH);
    expect(await text('status-note')).toContain('暂定');
    for (const canteen of expected.canteens) {
      const row = page.locator(`[data-testid=figures] tbody tr[data-canteen="${canteen.canteenId}"]`);
      const cells = await row.locator('td').allTextContents();
      expect(cells[1]).toBe(String(canteen.mealsSold));
      expect(cells[7]).toBe(formatMoney(canteen.reimbursementFen, { grouped: true }));
    }
    const total = await page.getByTestId('total').locator('td').allTextContents();
    expect(total[6]).toBe(formatMoney(expected.totals.reimbursementFen, { grouped: true }));
    // Nothing to download before the close.
    expect(await page.getByTestId('downloads').isVisible()).toBe(false);
    await screenshot('open');
  });

  it('refuses to close a month that has not ended, in Chinese', async () => {
    await page.getByRole('button', { name: '下个月' }).click();
    await eventually(() => page.getByTestId('month').inputValue()).toBe('2026-11');
    await takeStep('关账');
    await eventually(() => text('refusal-text')).toBe('该月尚未结束(按北京时间)，月末之后才能关账。');
    expect(await page.getByTestId('refusal').getAttribute('data-code')).toBe('period-not-ended');
    await page.getByRole('button', { name: '上个月' }).click();
    await eventually(() => page.getByTestId('refusal').isVisible()).toBe(false);
  });

  it('closes the month as the admin with a note; the review is next', async () => {
    await takeStep('关账', '十月数据已与各食堂核对');
    await eventually(() => text('status')).toBe('已关账');
    expect(await text('step-closed')).toBe('关账王经办 · 2026-11-20 15:00备注：十月数据已与各食堂核对');
    expect(await text('take-step')).toBe('审核通过');
    expect(await page.getByTestId('digest').textContent()).toMatch(/[0-9a-f]{64}/);
    expect(await page.getByTestId('downloads').isVisible()).toBe(true);
    await screenshot('closed');
  });

  it('is reviewed by the reviewer with a note', async () => {
    await signInAs(reviewer);
    expect(await text('viewer')).toBe('李审核(审核员)');
    await takeStep('审核通过', '与食堂台账核对无误');
    await eventually(() => text('status')).toBe('已审核');
    expect(await text('step-reviewed')).toBe('审核李审核 · 2026-11-20 15:00备注：与食堂台账核对无误');
    expect(await text('take-step')).toBe('批准');
  });

  it('explains to the admin who closed it why they cannot approve it', async () => {
    await signInAs(clerk);
    await takeStep('批准');
    await eventually(() => text('refusal-text')).toBe('关账人不能批准同一个月，请由另一位审核人批准。');
    expect(await page.getByTestId('refusal').getAttribute('data-code')).toBe('four-eyes');
    expect(await text('status')).toBe('已审核');
    await screenshot('four-eyes');
  });

  it('is approved by the reviewer, who may not record the payment', async () => {
    await signInAs(reviewer);
    await takeStep('批准');
    await eventually(() => text('status')).toBe('已批准');
    expect(await page.getByTestId('action').isVisible()).toBe(false);
    expect(await text('no-action')).toBe('等待管理员登记拨付。');
  });

  it('is paid by the admin, and shows who took each step', async () => {
    await signInAs(clerk);
    await takeStep('确认已拨付', '国库集中支付 2026-11-20');
    await eventually(() => text('status')).toBe('已拨付');
    expect(await text('no-action')).toBe('本月月结已全部办结。');
    expect(await text('step-approved')).toMatch(/^批准李审核 · /);
    expect(await text('step-paid')).toBe('拨付王经办 · 2026-11-20 15:00备注：国库集中支付 2026-11-20');
    const recorded = (await service.call('GET', `/api/v1/settlements/${MONTH}`, clerk)).body;
    expect(recorded.status).toBe('paid');
    await screenshot('paid');
  });

  it('downloads a canteen’s statement, the summary, the CSV and the workbook with the token', async () => {
    const statement = await downloaded('statement-c1');
    expect(statement.name).toBe(`statement-${MONTH}-c1.pdf`);
    expect(statement.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const summary = await downloaded('download-summary');
    expect(summary.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const payments = await downloaded('download-payments-csv');
    expect(payments.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(payments.bytes.toString('utf8')).toContain(`${MONTH},已拨付,c1,`);
    const workbook = await downloaded('download-xlsx');
    expect(workbook.name).toBe(`settlement-${MONTH}.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(workbook.bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['结算汇总', '拨付清单']);
    expect(await text('download-message')).toBe('');
  });

  it('switches to English and back', async () => {
    await page.getByTestId('lang').click();
    await eventually(() => page.title()).toBe('助餐通 Monthly settlement');
    expect(await page.locator('#steps-title').textContent()).toBe('Steps');
    await page.getByTestId('lang').click();
    await eventually(() => page.title()).toBe('助餐通 月结办理');
  });

  it('met no refusal but the two it was shown, and no script error', () => {
    const refused = (status: number, reason: string) =>
      `Failed to load resource: the server responded with a status of ${status} (${reason})`;
    expect(problems).toEqual([
      '409 /api/v1/settlements/2026-11/close',
      refused(409, 'Conflict'),
      `403 /api/v1/settlements/${MONTH}/approve`,
      refused(403, 'Forbidden'),
    ]);
  });
});
