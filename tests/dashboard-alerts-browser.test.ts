import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../domain/money.ts';
import { launchChromium, SCREENSHOTS, watchedPage } from './support/browser.ts';
import { MENU, saleBody, setUpBureau } from './support/bureau.ts';
import { startTestService, type TestService } from './support/service.ts';

/** The service's clock: 20 October 2026, 15:00 in Shanghai; decisions are recorded at that time. */
const NOW = Date.parse('2026-10-20T15:00:00+08:00');

interface Listed {
  alertId: string;
  kind: string;
  severity: 'high' | 'medium' | 'low';
  status: string;
  saleIds: string[];
  eventIds: string[];
  explanation: { zh: string; en: string };
  decision: null | { by: { userId: string; name: string }; reason: string; at: string };
}

/*
 * Two canteens 110 km apart (Beijing, Tianjin), the Tianjin one closed on Sundays, as in
 * alerts-api.int.test.ts: card K80 is tapped at both within 20 minutes (异地刷卡), at Tianjin on a
 * Sunday (休息日售餐) and at Beijing at 15:30 (非营业时间用餐). A reviewer works through them in
 * Chromium; an auditor reads them.
 */
describe('the dashboard’s alerts in a browser (Playwright, Chromium, real service)', () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const users: Record<string, string> = {};
  const sales: Record<string, string> = {};
  let byKind: Map<string, Listed>;

  const listed = async (query = 'month=2026-10') => {
    const { status, body } = await service.call('GET', `/api/v1/alerts?${query}`, service.adminToken);
    expect(status).toBe(200);
    return body.alerts as Listed[];
  };
  const screenshot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `dashboard-alerts-${name}.png`) });
  const text = (selector: string) => page.locator(selector).first().textContent();
  const rows = () => page.locator('[data-testid=alerts] tbody tr.alert');
  const row = (kind: string) => page.locator(`[data-testid=alerts] tbody tr[data-kind=${kind}]`);
  const kindsShown = async () => (await rows().locator('td.kind').allTextContents()).sort();
  const filters = () => page.locator('[data-testid=alert-filter] button').allTextContents();
  const filter = (label: string) =>
    page.locator('[data-testid=alert-filter] button', { hasText: label }).click();
  const signIn = async (token: string) => {
    await page.locator('#token').fill(token);
    await page.locator('#sign-in-form button[type=submit]').click();
    await expect.poll(() => page.locator('#board').isVisible()).toBe(true);
  };
  const scrollToAlerts = () => page.evaluate("document.getElementById('alerts').scrollIntoView()");

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    service = await startTestService({ now: () => NOW }); // every read model, supervision included
    await setUpBureau(service);
    const admin = async (method: string, pathname: string, body: unknown) => {
      const answer = await service.call(method, pathname, service.adminToken, body);
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
      return answer.body;
    };
    const periods = { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } };
    await admin('PUT', '/api/v1/canteens/bj', {
      name: '西城老年幸福食堂',
      district: '西城区',
      town: '一街道',
      location: { lat: 39.91, lng: 116.37 },
      periods,
      menu: MENU,
    });
    await admin('PUT', '/api/v1/canteens/tj', {
      name: '和平长者食堂',
      district: '和平区',
      town: '南营门街道',
      location: { lat: 39.12, lng: 117.2 },
      periods,
      menu: MENU,
      closedDays: { weekdays: [7], dates: [] },
    });
    const atBeijing = (await admin('PUT', '/api/v1/terminals/t-bj', { canteenId: 'bj' })).token;
    const atTianjin = (await admin('PUT', '/api/v1/terminals/t-tj', { canteenId: 'tj' })).token;
    for (const [userId, name, role] of [
      ['wang', '王审核', 'reviewer'],
      ['zhao', '赵审计', 'auditor'],
    ] as const)
      users[userId] = (await admin('PUT', `/api/v1/users/${userId}`, { name, role })).token;
    const sell = async (name: string, token: string, occurredAt: string, terminalSeq: number) => {
      const body = saleBody({ occurredAt, terminalSeq });
      const answer = await service.call('POST', '/api/v1/sales', token, body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      sales[name] = body.saleId;
    };
    await sell('beijingLunch', atBeijing, '2026-10-08T12:00:00+08:00', 1);
    await sell('tianjinLunch', atTianjin, '2026-10-08T12:20:00+08:00', 1);
    await sell('sunday', atTianjin, '2026-10-11T12:00:00+08:00', 2);
    await sell('afternoon', atBeijing, '2026-10-14T15:30:00+08:00', 2);
    await sell('ordinary', atBeijing, '2026-10-15T12:00:00+08:00', 3);
    await service.projections.catchUp();
    byKind = new Map((await listed()).map((alert) => [alert.kind, alert]));
    expect([...byKind.keys()].sort()).toEqual(['closed-day', 'impossible-travel', 'outside-hours']);
    // From here on the read models follow the events live, a moment behind, as in the service.
    service.projections.start();

    browser = await launchChromium();
    page = await watchedPage(browser, problems, { viewport: { width: 1366, height: 768 } });
    await page.goto(`${service.url}/dashboard`);
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it("lists the month's open alerts high on the page, in Chinese, with severity, evidence and the caller", async () => {
    await signIn(users.wang ?? '');
    await expect.poll(() => rows().count()).toBe(3);
    expect(await kindsShown()).toEqual(['休息日售餐', '异地刷卡', '非营业时间用餐'].sort());
    expect(await text('[data-testid=viewer]')).toBe('王审核(审核员)');
    expect(await filters()).toEqual(['待处理 3', '已核实 0', '已排除 0', '全部 3']);
    expect(await text('[data-testid=alert-filter] button[aria-pressed=true]')).toBe('待处理 3');
    const high = [...byKind.values()].filter((alert) => alert.severity === 'high').length;
    expect(await text('[data-testid=open-alerts]')).toBe(`待处理预警 3 条(高 ${high})`);
    const severityWord = { high: '高', medium: '中', low: '低' };
    for (const [kind, alert] of byKind) {
      const cells = row(kind).locator('td');
      expect(await cells.nth(0).textContent(), kind).toBe(severityWord[alert.severity]);
      expect(await cells.nth(0).locator('.severity').getAttribute('class')).toContain(alert.severity);
      expect(await cells.nth(4).textContent(), kind).toBe(alert.explanation.zh);
      expect(await cells.nth(6).textContent(), kind).toBe('待处理');
      const ids = cells.nth(5).locator('.sale-id');
      expect(await ids.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('title')))).toEqual(
        alert.saleIds,
      );
      expect(await ids.first().textContent()).toBe(`${alert.saleIds[0]?.slice(0, 8)}…`);
      expect(await cells.nth(5).textContent()).toContain(`依据 ${alert.eventIds.length} 个事件`);
      expect(await cells.nth(7).locator('button').textContent()).toBe('处理');
    }
    expect(await row('closed-day').locator('td').nth(2).textContent()).toBe('和平长者食堂');
    expect(await row('closed-day').locator('td').nth(3).textContent()).toBe('2026-10-11');
    // The section comes right after the two summary rows: the work to do, before the charts.
    const order = await page
      .locator('#board > section, #board > .row')
      .evaluateAll((nodes) => nodes.map((node) => node.id || node.className));
    expect(order.slice(0, 3)).toEqual(['summary', 'summary', 'alerts']);
    await screenshot('summary');
    await scrollToAlerts();
    await screenshot('open');
  });

  it('refuses a dismissal without a reason and records nothing, then dismisses with the reason', async () => {
    const before = await service.eventCount();
    await row('outside-hours').locator('button', { hasText: '处理' }).click();
    const form = page.locator('[data-testid=decide-form]');
    expect(await form.locator('.warning').textContent()).toContain('核实后，这些售餐的补贴将不予结算');
    await form.locator('button', { hasText: '排除' }).click();
    await expect.poll(() => text('[data-testid=decide-message]')).toBe('请填写排除原因');
    expect(await service.eventCount()).toBe(before);

    await form.locator('textarea').fill('下午为社区活动加餐，已报备');
    await form.locator('button', { hasText: '排除' }).click();
    await expect.poll(() => filters()).toEqual(['待处理 2', '已核实 0', '已排除 1', '全部 3']);
    expect(await kindsShown()).toEqual(['休息日售餐', '异地刷卡'].sort());
    expect(await form.count()).toBe(0);
  });

  it('confirms with a reason, saying first that the sales will not be reimbursed', async () => {
    await row('closed-day').locator('button', { hasText: '处理' }).click();
    const form = page.locator('[data-testid=decide-form]');
    expect(await form.locator('.warning').textContent()).toBe(
      '核实后，这些售餐的补贴将不予结算(1 笔，对账单注明“核实不予结算”及原因)。',
    );
    await form.locator('textarea').fill('周日闭店，现场核实无人就餐');
    await scrollToAlerts();
    await screenshot('confirm-form');
    await form.locator('button', { hasText: '核实' }).click();
    await expect.poll(() => filters()).toEqual(['待处理 1', '已核实 1', '已排除 1', '全部 3']);
    expect(await kindsShown()).toEqual(['异地刷卡']);
    expect(await text('[data-testid=open-alerts]')).toMatch(/^待处理预警 1 条\(高 [01]\)$/);
  });

  it("takes the confirmed sale's subsidy out of the month's 应结算补贴 and says how much", async () => {
    const ledger = await service.call('GET', '/api/v1/elders/e80/ledger?month=2026-10', service.adminToken);
    const meals = ledger.body.meals as { saleId: string; lines: { fen: number }[] }[];
    const reimbursable = (meal: (typeof meals)[number]) =>
      meal.lines.reduce((sum, line) => sum + line.fen, 0);
    const sunday = reimbursable(meals.find((meal) => meal.saleId === sales.sunday) as (typeof meals)[number]);
    const month = meals.reduce((sum, meal) => sum + reimbursable(meal), 0);
    expect(sunday).toBeGreaterThan(0);
    // The figures follow on the next load (every minute, or on moving the date): here, 今天.
    await expect
      .poll(async () => {
        await page.locator('#go-today').click();
        return text('[data-testid=month] [data-testid=excluded-by-alerts]');
      })
      .toBe(`已扣除核实不予结算 ${formatMoney(sunday)}`);
    expect(await text('[data-testid=month] [data-testid=reimbursable]')).toBe(formatMoney(month - sunday));
    expect(await page.locator('[data-testid=today] [data-testid=excluded-by-alerts]').count()).toBe(0);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot('excluded');
  });

  it('lists the decided alerts under 已核实 and 已排除 with who, when and why, as the service recorded them', async () => {
    await filter('已核实');
    await expect.poll(() => kindsShown()).toEqual(['休息日售餐']);
    expect(await row('closed-day').locator('td').nth(6).textContent()).toBe('已核实');
    expect(await text('[data-testid=decision]')).toBe(
      '王审核 于 2026-10-20 15:00：周日闭店，现场核实无人就餐',
    );
    expect(await rows().locator('button').count()).toBe(0);
    await filter('已排除');
    await expect.poll(() => kindsShown()).toEqual(['非营业时间用餐']);
    expect(await text('[data-testid=decision]')).toBe(
      '王审核 于 2026-10-20 15:00：下午为社区活动加餐，已报备',
    );
    await filter('全部');
    await expect.poll(() => rows().count()).toBe(3);
    await scrollToAlerts();
    await screenshot('decided');

    // The clicks were decisions recorded by the service, each with its reason and its reviewer.
    await expect
      .poll(async () =>
        Object.fromEntries(
          (await listed()).map((alert) => [
            alert.kind,
            [alert.status, alert.decision?.reason ?? null, alert.decision?.by.userId ?? null],
          ]),
        ),
      )
      .toEqual({
        'closed-day': ['confirmed', '周日闭店，现场核实无人就餐', 'wang'],
        'outside-hours': ['dismissed', '下午为社区活动加餐，已报备', 'wang'],
        'impossible-travel': ['open', null, null],
      });
    const confirmed = (await listed('month=2026-10&status=confirmed')).map((alert) => alert.saleIds);
    expect(confirmed).toEqual([[sales.sunday]]);
  });

  it('speaks English on the switch: kinds, explanations, statuses', async () => {
    await page.locator('#lang').click();
    await expect.poll(() => text('#alerts-title')).toBe('Alerts');
    expect(await kindsShown()).toEqual(
      ['Impossible travel', 'Sale on a closed day', 'Outside opening hours'].sort(),
    );
    for (const [kind, alert] of byKind)
      expect(await row(kind).locator('td.explanation p').first().textContent(), kind).toBe(
        alert.explanation.en,
      );
    expect(await filters()).toEqual(['Open 1', 'Confirmed 1', 'Dismissed 1', 'All 3']);
    expect(await text('[data-testid=open-alerts]')).toMatch(/^1 open alert \([01] high\)$/);
    expect(await text('[data-testid=month] [data-testid=excluded-by-alerts]')).toMatch(
      /^Less ￥\d+\.\d\d \(confirmed alerts\)$/,
    );
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot('en-summary');
    expect(await text('[data-testid=viewer]')).toBe('王审核(Reviewer)');
    await row('impossible-travel').locator('button', { hasText: 'Decide' }).click();
    await scrollToAlerts();
    await screenshot('en');
    await page.locator('[data-testid=decide-form] button', { hasText: 'Cancel' }).click();
    await page.locator('#lang').click();
    await expect.poll(() => text('#alerts-title')).toBe('预警');
  });

  it('says so when someone else decided the alert first', async () => {
    await row('impossible-travel').locator('button', { hasText: '处理' }).click();
    const travel = byKind.get('impossible-travel') as Listed;
    const meanwhile = await service.call(
      'POST',
      `/api/v1/alerts/${travel.alertId}/dismiss`,
      service.adminToken,
      {
        reason: '同名老人，两张卡',
      },
    );
    expect(meanwhile.status).toBe(200);
    await expect.poll(async () => (await listed('month=2026-10&status=open')).length).toBe(0);
    await page.locator('[data-testid=decide-form] button', { hasText: '核实' }).click();
    await expect.poll(() => text('[data-testid=alerts-message]')).toBe('该预警已由他人处理');
    await expect.poll(() => row('impossible-travel').locator('td').nth(6).textContent()).toBe('已排除');
    expect(await text('[data-testid=open-alerts]')).toBe('无待处理预警');
    // The refusal came from the service (the browser reports it as a console error too).
    expect(problems).toEqual(expect.arrayContaining([`409 /api/v1/alerts/${travel.alertId}/confirm`]));
    expect(problems.filter((problem) => !/\b409\b/.test(problem))).toEqual([]);
    problems.length = 0;
  });

  it('shows an auditor the alerts without the actions', async () => {
    await page.locator('#sign-out').click();
    await signIn(users.zhao ?? '');
    await expect.poll(() => text('[data-testid=viewer]')).toBe('赵审计(审计员)');
    await filter('全部');
    await expect.poll(() => rows().count()).toBe(3);
    expect(await page.locator('[data-testid=alerts] button').count()).toBe(0);
    expect(await page.locator('[data-testid=alerts] thead th').count()).toBe(7);
    await scrollToAlerts();
    await screenshot('auditor');
    expect(problems).toEqual([]);
  });
});
