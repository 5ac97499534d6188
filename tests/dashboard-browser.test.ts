import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../domain/money.ts';
import { launchChromium, SCREENSHOTS, watchedPage } from './support/browser.ts';
import { idNumber, MENU, saleBody, setUpBureau } from './support/bureau.ts';
import { startTestService, type TestService } from './support/service.ts';

const HOUR = 3_600_000;
/** The service's clock: 20 November 2026, 15:00 in Shanghai. */
const NOW = Date.parse('2026-11-20T15:00:00+08:00');
const TODAY = '2026-11-20';

interface Sold {
  readonly date: string;
  readonly subsidyFen: number;
  readonly reimbursableFen: number;
}

/** HH:mm in Shanghai, the time the page's header should show. */
const shanghaiClock = (at: number) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);

/** The trend chart's value axes as ECharts scaled them: [min, max] and the ticks of each. */
const TREND_AXES = `(() => {
  const chart = echarts.getInstanceByDom(document.querySelector('[data-testid=trend-chart]'));
  return [0, 1].map((index) => {
    const scale = chart.getModel().getComponent('yAxis', index).axis.scale;
    return { extent: scale.getExtent(), ticks: scale.getTicks().map((tick) => tick.value) };
  });
})()`;

/** Where each canteen's name stands by its dot on the map. */
const MAP_LABELS = `echarts.getInstanceByDom(document.querySelector('[data-testid=map-chart]')).getOption()
  .series[0].data.map((item) => [item.name, item.label?.position ?? 'right'])`;

/** Whether the canteens table fits its panel (no column cut off). */
const CANTEENS_FIT = `(() => {
  const table = document.getElementById('canteens');
  const panel = table.parentElement;
  const style = getComputedStyle(panel);
  return table.offsetWidth <= panel.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
})()`;

/**
 * The bureau's dashboard in a real browser against the real service: a reviewer signs in, reads the
 * day's and the month's figures, the charts, canteens and terminals, sees October listed as closed
 * once it is closed, opens a statement, switches to English and back, and signs out.
 */
describe('the dashboard in a browser (Playwright, Chromium, real service)', () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  let clock = NOW;
  const sold: Sold[] = [];
  const problems: string[] = [];
  const tokens: Record<string, string> = {};

  const admin = async (method: string, pathname: string, body?: unknown) => {
    const answer = await service.call(method, pathname, service.adminToken, body);
    expect(answer.status, `${method} ${pathname}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
    return answer.body;
  };
  const screenshot = (name: string, fullPage = false) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `dashboard-${name}.png`), fullPage });
  const text = (selector: string) => page.locator(selector).first().textContent();
  const signIn = async (token: string) => {
    await page.locator('#token').fill(token);
    await page.locator('#sign-in-form button[type=submit]').click();
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    service = await startTestService({ now: () => clock }); // every read model: the page lists alerts too
    const bureau = await setUpBureau(service);
    const canteen = (name: string, district: string, lat: number, lng: number) => ({
      name,
      district,
      town: '一街道',
      location: { lat, lng },
      periods: { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } },
      menu: MENU,
    });
    await admin('PUT', '/api/v1/canteens/c1', canteen('西城区食堂', '西城区', 39.12, 117.18));
    await admin('PUT', '/api/v1/canteens/c2', canteen('东城区食堂', '东城区', 39.15, 117.26));
    await admin('PUT', '/api/v1/canteens/c3', canteen('南区长者食堂', '南区', 39.06, 117.21));
    // Just east of c1, where c1's name would cover its dot.
    await admin('PUT', '/api/v1/canteens/c4', canteen('河东区食堂', '河东区', 39.123, 117.205));
    const cards = ['K80'];
    for (let n = 1; n <= 5; n += 1) {
      await admin('PUT', `/api/v1/elders/e8${n}`, {
        name: '王秀兰',
        idNumber: idNumber(`193${n}-04-0${n}`, `${n}35`),
        district: '西城区',
        town: '一街道',
        categories: [],
      });
      await admin('POST', `/api/v1/elders/e8${n}/cards`, { cardUid: `K8${n}` });
      cards.push(`K8${n}`);
    }

    // Every day of October from the 8th and of November up to today: a few lunches at c1 and c2,
    // one a day for each elder (subsidised), a guest now and then.
    const terminals = [bureau.tokens.t1, bureau.tokens.t2, bureau.tokens.t3];
    let sequence = 0;
    const days = [
      ...Array.from({ length: 24 }, (_, index) => `2026-10-${String(index + 8).padStart(2, '0')}`),
      ...Array.from({ length: 20 }, (_, index) => `2026-11-${String(index + 1).padStart(2, '0')}`),
    ];
    for (const [dayIndex, date] of days.entries()) {
      const count = 2 + (dayIndex % 4);
      for (let n = 0; n < count; n += 1) {
        sequence += 1;
        const guest = n === count - 1 && dayIndex % 3 === 0;
        const body = saleBody({
          terminalSeq: sequence,
          occurredAt: `${date}T12:${String(10 + n).padStart(2, '0')}:00+08:00`,
          cardUid: guest ? undefined : cards[n],
        });
        const answer = await service.call('POST', '/api/v1/sales', terminals[sequence % 3] as string, body);
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        const lines = answer.body.lines as { funding: { fen: number }[] }[];
        sold.push({
          date,
          subsidyFen: answer.body.subsidyFen,
          reimbursableFen: lines.flatMap((line) => line.funding).reduce((sum, part) => sum + part.fen, 0),
        });
      }
    }

    // t4 holds two sales not yet sent, t5 was last heard from five hours ago, t6 never called.
    for (const terminalId of ['t4', 't5', 't6'])
      tokens[terminalId] = (await admin('PUT', `/api/v1/terminals/${terminalId}`, { canteenId: 'c3' })).token;
    await service.call('PUT', '/api/v1/terminals/t4/queue', tokens.t4 ?? '', { queuedSales: 2 });
    clock = NOW - 5 * HOUR;
    await service.call('PUT', '/api/v1/terminals/t5/queue', tokens.t5 ?? '', { queuedSales: 0 });
    clock = NOW;

    for (const [userId, role] of [
      ['reviewer', 'reviewer'],
      ['manager', 'canteen-manager'],
    ] as const)
      tokens[userId] = (
        await admin('PUT', `/api/v1/users/${userId}`, {
          name: userId === 'reviewer' ? '审核员' : '食堂经理',
          role,
          ...(role === 'canteen-manager' ? { canteenId: 'c1' } : {}),
        })
      ).token;
    await service.projections.catchUp();

    browser = await launchChromium();
    // A browser far from Shanghai: the page's times are Shanghai's all the same.
    page = await watchedPage(browser, problems, {
      viewport: { width: 1366, height: 768 },
      timezoneId: 'America/New_York',
    });
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('asks for a token, says so in Chinese when it is unknown or not a bureau token', async () => {
    await page.goto(`${service.url}/dashboard`);
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    expect(await text('#sign-in h2')).toBe('监管看板登录');
    await screenshot('sign-in');

    await signIn('zu_not-a-token.nobody');
    await expect.poll(() => text('[data-testid=sign-in-message]')).toBe('令牌无效或已失效，请重新输入');
    await signIn(tokens.manager ?? '');
    await expect
      .poll(() => text('[data-testid=sign-in-message]'))
      .toBe('此令牌无权查看监管看板：需要管理员、审核员或审计员账号');
    expect(await page.locator('#board').isHidden()).toBe(true);
    await screenshot('refused');
    // Both refusals came from the service (the browser reports them as console errors too); nothing else went wrong.
    expect(problems).toEqual(expect.arrayContaining(['401 /api/v1/dashboard', '403 /api/v1/dashboard']));
    expect(problems.filter((problem) => !/\b(401|403)\b/.test(problem))).toEqual([]);
    problems.length = 0;
  });

  it("shows a reviewer today's and this month's figures in yuan, exactly as sold", async () => {
    await signIn(tokens.reviewer ?? '');
    await expect.poll(() => page.locator('#board').isVisible()).toBe(true);
    const sum = (from: string, to: string) => {
      const meals = sold.filter((meal) => meal.date >= from && meal.date <= to);
      return {
        meals: String(meals.length),
        subsidised: String(meals.filter((meal) => meal.reimbursableFen > 0).length),
        subsidy: formatMoney(meals.reduce((total, meal) => total + meal.subsidyFen, 0)),
        reimbursable: formatMoney(meals.reduce((total, meal) => total + meal.reimbursableFen, 0)),
      };
    };
    const shown = async (section: string) =>
      Object.fromEntries(
        await Promise.all(
          ['meals', 'subsidised', 'subsidy', 'reimbursable'].map(
            async (key) => [key, await text(`[data-testid=${section}] [data-testid=${key}]`)] as const,
          ),
        ),
      );
    await expect.poll(() => shown('today')).toEqual(sum(TODAY, TODAY));
    expect(await shown('month')).toEqual(sum('2026-11-01', TODAY));
    expect(await page.locator('#date').inputValue()).toBe(TODAY);
    // Spelled out once: five lunches on the 20th, all subsidised: four at c1 (300 fen) and one at c2,
    // where the district's part (120) is dropped because the elders live in 西城区.
    expect(sum(TODAY, TODAY)).toEqual({
      meals: '5',
      subsidised: '5',
      subsidy: '￥13.80',
      reimbursable: '￥13.80',
    });
    expect(await text('#today-range')).toBe(TODAY);
    expect(await text('#month-range')).toBe(`2026-11-01 至 ${TODAY}`);
    const updated = await text('[data-testid=updated]');
    const now = Date.now();
    expect([shanghaiClock(now - 60_000), shanghaiClock(now)].map((time) => `更新于 ${time}`)).toContain(
      updated,
    );
  });

  it('draws the charts on canvas: funding sources, the daily trend and where the canteens are', async () => {
    for (const chart of ['source-chart', 'trend-chart', 'map-chart']) {
      const canvas = page.locator(`[data-testid=${chart}] canvas`).first();
      await expect.poll(() => canvas.count(), { message: chart }).toBeGreaterThan(0);
      const box = await canvas.boundingBox();
      expect(box?.width, chart).toBeGreaterThan(200);
      expect(box?.height, chart).toBeGreaterThan(200);
    }
    await page.waitForTimeout(800); // the charts' opening animation
    // Hovering shows tooltips and breaks no policy (checked at the end): the ring's part, a day.
    const hover = async (chart: string, x: number, y: number) => {
      const box = await page.locator(`[data-testid=${chart}]`).boundingBox();
      if (!box) throw new Error(`no ${chart}`);
      await page.mouse.move(box.x + box.width * x, box.y + box.height * y);
      await page.waitForTimeout(400);
    };
    // Meals step by one, money by whole yuan (￥3, not ￥3.00 or ￥0.01).
    const [counts, money] = (await page.evaluate(TREND_AXES)) as { extent: number[]; ticks: number[] }[];
    expect(counts?.ticks.every((tick) => Number.isInteger(tick))).toBe(true);
    expect(money?.ticks.every((tick) => tick % 100 === 0)).toBe(true);
    // c1's name stands left of its dot, which c4's would otherwise be under.
    expect(await page.evaluate(MAP_LABELS)).toEqual([
      ['西城区食堂', 'left'],
      ['东城区食堂', 'right'],
      ['南区长者食堂', 'right'],
      ['河东区食堂', 'right'],
    ]);
    await hover('source-chart', 0.68, 0.4);
    await screenshot('tooltip-source');
    await hover('trend-chart', 0.7, 0.5);
    await screenshot('tooltip-trend');
    await page.mouse.move(0, 0);
    await screenshot('zh');
    await screenshot('zh-full', true);
  });

  it('lists the canteens with their figures and the terminals with last contact and status', async () => {
    const rows = page.locator('[data-testid=canteens] tbody tr');
    expect(await rows.count()).toBe(4);
    expect(await rows.nth(0).locator('td').first().textContent()).toBe('西城区食堂');
    expect(await rows.nth(2).locator('td').allTextContents()).toEqual([
      '南区长者食堂',
      '南区 / 一街道',
      '0',
      '￥0.00',
      '0',
      '￥0.00',
      '￥0.00',
    ]);
    expect(await page.evaluate(CANTEENS_FIT)).toBe(true);
    const status = (terminalId: string) => text(`[data-testid=terminal-status-${terminalId}]`);
    expect(await page.locator('[data-testid=terminals] tbody tr').count()).toBe(6);
    expect(await status('t4')).toBe('有 2 笔待同步');
    expect(await status('t5')).toBe('离线超过 1 小时');
    expect(await status('t6')).toBe('从未联系');
    const t5 = page.locator('[data-testid=terminals] tbody tr', { hasText: 't5' });
    expect(await t5.locator('td').nth(2).textContent()).toBe('11-20 10:00');
    await page.locator('#terminals').scrollIntoViewIfNeeded();
    await screenshot('terminals');
  });

  it('lists October as closed once it is closed, and opens its statement with the token', async () => {
    const month = (key: string) => page.locator('[data-testid=settlements] tbody tr', { hasText: key });
    expect(await month('2026-10').locator('td').nth(1).textContent()).toBe('未关账(数字暂定)');
    await admin('POST', '/api/v1/settlements/2026-10/close');
    await page.locator('#day-before').click();
    await expect.poll(() => month('2026-10').locator('td').nth(1).textContent()).toBe('已关账');
    expect(await month('2026-10').locator('td').nth(2).textContent()).toBe('11-20 15:00');
    expect(await month('2026-10').locator('button').allTextContents()).toEqual([
      '汇总表 PDF',
      '西城区食堂',
      '东城区食堂',
    ]);
    expect(await text('#today-range')).toBe('2026-11-19');
    expect(await page.locator('#date').inputValue()).toBe('2026-11-19');

    // Fetched with the bearer token, then opened from memory in the browser's PDF viewer.
    const [popup, statement] = await Promise.all([
      page.waitForEvent('popup'),
      page.waitForResponse((response) =>
        response.url().endsWith('/api/v1/settlements/2026-10/statement.pdf'),
      ),
      month('2026-10').locator('button', { hasText: '汇总表 PDF' }).click(),
    ]);
    expect(statement.status()).toBe(200);
    expect(statement.headers()['content-type']).toBe('application/pdf');
    expect(statement.request().headers().authorization).toBe(`Bearer ${tokens.reviewer}`);
    expect(popup.url()).toMatch(/^blob:/);
    await popup.close();
    await page.locator('#settlements').scrollIntoViewIfNeeded();
    await screenshot('settlements');
  });

  it('switches to English and back to Chinese', async () => {
    await page.locator('#lang').click();
    await expect.poll(() => text('#today-title')).toBe('Today');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(await text('[data-testid=month] .label')).toBe('Meals');
    expect(await text('[data-testid=terminal-status-t6]')).toBe('Never in touch');
    expect(await text('#lang')).toBe('中文');
    expect(await text('[data-testid=canteens] th:last-child')).toBe('Reimbursable this month');
    expect(await page.evaluate(CANTEENS_FIT)).toBe(true);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.waitForTimeout(800);
    await screenshot('en');
    await page.locator('#canteens').scrollIntoViewIfNeeded();
    await screenshot('en-canteens');
    await screenshot('en-full', true);
    await page.locator('#lang').click();
    await expect.poll(() => text('#today-title')).toBe('今日');
    expect(await text('[data-testid=terminal-status-t6]')).toBe('从未联系');
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
  });

  it('shows a month without sales as empty: axes from 0 to 5 meals and ￥0 to ￥5', async () => {
    await page.locator('#date').fill('2026-09-15');
    await page.locator('#date').dispatchEvent('change');
    await expect.poll(() => text('#today-range')).toBe('2026-09-15');
    expect(await text('[data-testid=month] [data-testid=reimbursable]')).toBe('￥0.00');
    expect(await page.locator('#source-empty').isVisible()).toBe(true);
    await page.waitForTimeout(800);
    expect(await page.evaluate(TREND_AXES)).toEqual([
      { extent: [0, 5], ticks: [0, 1, 2, 3, 4, 5] },
      { extent: [0, 500], ticks: [0, 100, 200, 300, 400, 500] },
    ]);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot('empty-month');
    expect(new URL(page.url()).search).toBe('?date=2026-09-15');
    await page.locator('#go-today').click();
    await expect.poll(() => text('#today-range')).toBe(TODAY);
    expect(new URL(page.url()).search).toBe('');

    // A day named in the address is the day the page opens on.
    await page.goto(`${service.url}/dashboard?date=2026-11-19`);
    await expect.poll(() => text('#today-range')).toBe('2026-11-19');
    expect(await page.locator('#date').inputValue()).toBe('2026-11-19');
    await page.locator('#go-today').click();
    await expect.poll(() => text('#today-range')).toBe(TODAY);
  });

  it('fits every bureau page to a desktop and to a phone: wide tables scroll in their panels', async () => {
    const pages = [
      '',
      '/settlement',
      '/simulation',
      '/elders',
      '/import',
      '/canteens',
      '/terminals',
      '/funding-sources',
    ];
    const widths: string[] = [];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      for (const pathname of pages) {
        await page.goto(`${service.url}/dashboard${pathname}`);
        await page.waitForLoadState('networkidle');
        const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
        widths.push(`${width} ${pathname || '/'}: ${scrollWidth <= width ? 'fits' : scrollWidth}`);
      }
      if (width === 390) await screenshot('phone');
    }
    expect(widths).toEqual(
      [1280, 390].flatMap((width) => pages.map((pathname) => `${width} ${pathname || '/'}: fits`)),
    );
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${service.url}/dashboard`);
    await expect.poll(() => page.locator('#board').isVisible()).toBe(true);
  });

  it('signs out, forgetting the token', async () => {
    await page.locator('#sign-out').click();
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);
    expect(await text('[data-testid=sign-in-message]')).toBe('已退出登录');
    expect(await page.evaluate("sessionStorage.getItem('zhucan-dashboard-token')")).toBeNull();
    await page.reload();
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.locator('#board').isHidden()).toBe(true);
    expect(problems).toEqual([]);
  });
});
