import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS, watchedPage } from './support/browser.ts';
import { setUpBureau } from './support/bureau.ts';
import { startTestService, type TestService } from './support/service.ts';

/**
 * The registry pages' parts that rest on `GET /api/v1/elders?q=` (the elder search) and
 * `GET`/`PUT /api/v1/funding-sources` (funding-source names): a clerk finds an elder by name and
 * opens the record, then names a funding source.
 */
describe('the elder search and the funding-source names in a browser (Playwright, Chromium, real service)', () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  let clerk = '';
  const problems: string[] = [];

  const screenshot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `registry-${name}.png`), fullPage: true });
  const text = async (selector: string) =>
    ((await page.locator(selector).first().textContent()) ?? '').trim();

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    service = await startTestService({ now: () => Date.parse('2026-11-20T10:00:00+08:00') });
    await setUpBureau(service);
    const answer = await service.call('PUT', '/api/v1/users/clerk', service.adminToken, {
      name: '王经办',
      role: 'admin',
    });
    clerk = answer.body.token;
    await service.projections.catchUp();
    service.projections.start();
    browser = await launchChromium();
    page = await watchedPage(browser, problems);
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('finds elders by name, masked, and opens a record from the results', async () => {
    await page.goto(`${service.url}/dashboard/elders`);
    await page.getByLabel('访问令牌').fill(clerk);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.locator('#workspace').isVisible()).toBe(true);
    await page.getByLabel('姓名、身份证号、卡号或老人编号').fill('张三明');
    await page.getByRole('button', { name: '查找', exact: true }).click();
    const rows = page.locator('[data-testid=results] tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.locator('td:nth-child(1)').allTextContents()).toEqual(['e65', 'e80']);
    expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual(['张*明', '张*明']);
    expect(await rows.nth(1).locator('td').nth(5).textContent()).toBe('K80');
    expect(await rows.nth(1).locator('td').nth(7).textContent()).toBe('在册');
    await page.getByRole('button', { name: 'e80' }).click();
    await expect.poll(() => text('#record-title')).toBe('张*明 e80');
    await screenshot('elder-search');
    expect(problems).toEqual([]);
  });

  it("lists the policies' funding sources and names one", async () => {
    await page.getByRole('link', { name: '资金来源', exact: true }).click();
    const rows = page.locator('[data-testid=funding-list] tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const row = page.locator('tr[data-source=district-finance]');
    expect(await row.locator('td').nth(3).textContent()).toBe('测试政策');
    await row.getByRole('button', { name: '命名' }).click();
    await page.getByLabel('中文名称').fill('区财政专项资金');
    await page.getByLabel('英文名称(可空)').fill('District special fund');
    await page.getByRole('button', { name: '保存' }).click();
    await expect
      .poll(() => page.locator('tr[data-source=district-finance] td').allTextContents())
      .toEqual(['district-finance', '区财政专项资金', 'District special fund', '测试政策', '命名']);
    const answer = await service.call('GET', '/api/v1/funding-sources', clerk);
    expect(answer.body.fundingSources).toContainEqual(
      expect.objectContaining({
        sourceId: 'district-finance',
        name: '区财政专项资金',
        nameEn: 'District special fund',
        policies: ['test-2026'],
        policyNames: { 'test-2026': '测试政策' },
      }),
    );
    await screenshot('funding-sources');
    expect(problems).toEqual([]);
  });
});
