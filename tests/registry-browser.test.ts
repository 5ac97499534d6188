import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../domain/money.ts';
import { launchChromium, SCREENSHOTS, watchProblems } from './support/browser.ts';
import { idNumber, saleBody, setUpBureau } from './support/bureau.ts';
import { startTestService, type TestService } from './support/service.ts';

/** The service's clock: 20 November 2026, 10:00 in Shanghai, moved on where a step needs it. */
let clock = Date.parse('2026-11-20T10:00:00+08:00');

/** Elements wider than the page (something cut off or overflowing sideways). */
const OVERFLOWING = `(() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter((node) => node.getClientRects().length > 0)
    .filter((node) => node.getBoundingClientRect().right > width + 1)
    .map((node) => node.tagName + '.' + node.className);
})()`;

/**
 * The registry pages in a real browser against the real service, as a bureau clerk uses them:
 * register an elder (a mistyped ID number first), replace a card and see the old one retired,
 * change the categories (no name or ID number asked for), record a death; change a price from a
 * date; register a terminal, copy its token, issue it a new one and see the old one refused; then
 * a reviewer who may only read.
 * The elder search and the funding-source names are in registry-search-funding-browser.test.ts.
 */
describe('the registry pages in a browser (Playwright, Chromium, real service)', () => {
  let service: TestService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let clerk = '';
  let reviewer = '';
  const problems: string[] = [];
  const dialogs: string[] = [];

  const admin = async (method: string, pathname: string, body?: unknown) => {
    const answer = await service.call(method, pathname, service.adminToken, body);
    expect(answer.status, `${method} ${pathname}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
    return answer.body;
  };
  const screenshot = async (name: string) => {
    // The header stays at the top of the window: a full-page picture is taken from the top.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.join(SCREENSHOTS, `registry-${name}.png`), fullPage: true });
  };
  const text = async (selector: string) =>
    ((await page.locator(selector).first().textContent()) ?? '').trim();
  const signIn = async (pathname: string, token: string) => {
    await page.goto(`${service.url}${pathname}`);
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);
    await page.getByLabel('访问令牌').fill(token);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.locator('#workspace').isVisible()).toBe(true);
  };
  /**
   * Takes out of `problems` the refusals a step expects (`404 /api/v1/elders/e-new`), each with the
   * console line the browser writes for it; answers how many there were.
   */
  const expectedRefusals = (refusal: string | RegExp) => {
    const matches = (problem: string) =>
      typeof refusal === 'string' ? problem === refusal : refusal.test(problem);
    const statuses = problems.filter(matches).map((problem) => problem.split(' ')[0]);
    for (const status of statuses) {
      problems.splice(problems.findIndex(matches), 1);
      const line = problems.findIndex((problem) =>
        problem.startsWith(`Failed to load resource: the server responded with a status of ${status}`),
      );
      if (line >= 0) problems.splice(line, 1);
    }
    return statuses.length;
  };
  const record = () => page.locator('[data-testid=record]');
  const form = () => page.locator('[data-testid=elder-form]');

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    service = await startTestService({ now: () => clock });
    const bureau = await setUpBureau(service);
    clerk = (await admin('PUT', '/api/v1/users/clerk', { name: '王经办', role: 'admin' })).token;
    reviewer = (await admin('PUT', '/api/v1/users/li', { name: '李审核', role: 'reviewer' })).token;
    // e80's November: two lunches at c1, the second voided.
    for (const [seq, day] of [
      [1, '03'],
      [2, '04'],
    ] as const) {
      const sale = saleBody({ terminalSeq: seq, occurredAt: `2026-11-${day}T12:00:00+08:00` });
      const sold = await service.call('POST', '/api/v1/sales', bureau.tokens.t1, sale);
      expect(sold.status, JSON.stringify(sold.body)).toBe(201);
      if (seq === 2) {
        const voided = await service.call('POST', `/api/v1/sales/${sale.saleId}/void`, bureau.tokens.t1, {
          reason: '点错了',
        });
        expect(voided.status, JSON.stringify(voided.body)).toBeLessThan(300);
      }
    }
    await service.projections.catchUp();
    service.projections.start();

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.url });
    page = await context.newPage();
    watchProblems(page, problems);
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('signs in with a bureau token; one navigation leads to every page', async () => {
    await signIn('/dashboard/elders', clerk);
    expect(await page.title()).toBe('助餐通 老人登记');
    expect(await text('[data-testid=viewer]')).toBe('王经办(管理员)');
    const nav = page.locator('#site-nav a');
    expect(await nav.allTextContents()).toEqual([
      '监管看板',
      '月结办理',
      '政策测算',
      '老人',
      '名单导入',
      '食堂',
      '终端',
      '资金来源',
    ]);
    expect(await page.locator('#site-nav a[aria-current=page]').textContent()).toBe('老人');
    expect(await page.locator('#read-only').isVisible()).toBe(false);
    // The dashboard and the simulation carry the same navigation, signed in the same way.
    await page.getByRole('link', { name: '监管看板', exact: true }).click();
    await expect.poll(() => page.locator('#board').isVisible()).toBe(true);
    expect(await page.locator('#site-nav a[aria-current=page]').textContent()).toBe('监管看板');
    await page.getByRole('link', { name: '政策测算', exact: true }).click();
    await expect.poll(() => page.locator('#workspace').isVisible()).toBe(true);
    await page.getByRole('link', { name: '老人', exact: true }).click();
    await expect.poll(() => page.locator('#workspace').isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });

  it("opens an elder's record by id: masked, with the card and the month's ledger in yuan", async () => {
    await page.getByLabel('老人编号', { exact: true }).fill('e80');
    await page.getByRole('button', { name: '打开', exact: true }).click();
    await expect.poll(() => text('#record-title')).toBe('张*明 e80');
    expect(await record().locator('dl').textContent()).toContain('西城区 一街道');
    const cards = record().locator('[data-testid=cards] tbody tr');
    expect(await cards.allTextContents()).toEqual(['K80在用首张卡—']);
    const ledger = record().locator('[data-testid=ledger]');
    expect(await ledger.locator('#ledger-month').inputValue()).toBe('2026-11');
    const meals = ledger.locator('tbody tr');
    await expect.poll(() => meals.count()).toBe(2);
    expect(await meals.nth(0).locator('td').allTextContents()).toEqual([
      '2026-11-03',
      '12:00',
      '西城区食堂',
      '午餐',
      '套餐A×1',
      formatMoney(1200),
      formatMoney(300),
      formatMoney(900),
      '',
    ]);
    expect(await meals.nth(1).getAttribute('class')).toBe('voided');
    expect(await ledger.locator('.totals').textContent()).toBe(
      `就餐 1 次，享受补贴 1 次，补贴 ${formatMoney(300)}，应结算 ${formatMoney(300)}，自付 ${formatMoney(900)}`,
    );
    await page.getByRole('button', { name: '上一个月' }).click();
    await expect.poll(() => text('[data-testid=ledger] p.muted')).toBe('本月没有用餐记录');
    await page.getByRole('button', { name: '下一个月' }).click();
    await expect.poll(() => meals.count()).toBe(2);
    await screenshot('elder-record');
    expect(await page.evaluate(OVERFLOWING)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('registers an elder: a mistyped ID number is refused in Chinese, then the record shows', async () => {
    const valid = idNumber('1941-07-09', '315');
    const mistyped = `${valid.slice(0, 17)}${valid.endsWith('0') ? '1' : '0'}`;
    await page.getByRole('button', { name: '＋ 登记老人' }).click();
    await form().getByLabel('老人编号', { exact: true }).fill('e-new');
    await form().getByLabel('姓名').fill('赵桂兰');
    await form().getByLabel('身份证号').fill(mistyped);
    await form().getByLabel('区', { exact: true }).fill('东城区');
    await form().getByLabel('街道 / 镇').fill('和平里街道');
    await form().getByLabel('签约食堂').selectOption({ label: '东城区食堂' });
    await form().getByRole('button', { name: '＋ 添加类别' }).click();
    await form().locator('[data-testid=category-1]').getByLabel('类别').selectOption({ label: '低保' });
    await form().locator('[data-testid=category-1]').getByLabel('起(含)').fill('2026-01-01');
    await form().getByRole('button', { name: '保存' }).click();
    expect(await text('[data-testid=form-message]')).toBe('身份证号校验位不符：请逐位核对号码');
    await screenshot('elder-id-refused');

    // A number whose check digit holds but whose birth date lies ahead: the service refuses it.
    await form().getByLabel('身份证号').fill(idNumber('2030-01-01', '315'));
    await form().getByRole('button', { name: '保存' }).click();
    await expect
      .poll(() => text('[data-testid=form-message]'))
      .toBe('身份证号不正确：请逐位核对号码(18 位，最后一位是校验码)');
    expect(expectedRefusals('400 /api/v1/elders/e-new')).toBe(1);

    await form().getByLabel('身份证号').fill(valid);
    await form().getByRole('button', { name: '保存' }).click();
    await expect.poll(() => text('#record-title')).toBe('赵*兰 e-new');
    expect(await text('[data-testid=notice]')).toBe('已保存');
    expect(await record().locator('dl').textContent()).toContain(
      `${valid.slice(0, 4)}**********${valid.slice(14)}`,
    );
    expect(await record().locator('dl').textContent()).toContain('东城区食堂');
    expect(await record().locator('[data-testid=categories] tbody tr').allTextContents()).toEqual([
      '低保2026-01-01至今',
    ]);
    expect(await text('[data-testid=ledger] p.muted')).toBe('本月没有用餐记录');
    // Until the read models have her, her record answers 404: the page asks again.
    expectedRefusals('404 /api/v1/elders/e-new');
    expect(problems).toEqual([]);
  });

  it('binds a card, then replaces it: the old card is retired at once', async () => {
    const bind = record().locator('[data-testid=bind-card]');
    await bind.getByLabel('新卡号').fill('K-ZHAO-1');
    await bind.getByRole('button', { name: '绑定' }).click();
    await expect.poll(() => record().locator('[data-testid=cards] tbody tr').count()).toBe(1);
    clock = Date.parse('2026-11-20T10:30:00+08:00');
    await bind.getByLabel('新卡号').fill('K-ZHAO-2');
    await bind.getByRole('button', { name: '绑定' }).click();
    await expect
      .poll(() => record().locator('[data-testid=cards] tbody tr').allTextContents())
      .toEqual(['K-ZHAO-2在用2026-11-20 10:30—', 'K-ZHAO-1已停用首张卡2026-11-20 10:30']);
    expect(await record().locator('dl').textContent()).toContain('K-ZHAO-2');
    // The service agrees: the old card no longer brings her a subsidy.
    clock = Date.parse('2026-11-20T12:00:05+08:00');
    const t3 = (await admin('PUT', '/api/v1/terminals/t3', { canteenId: 'c2' })).token;
    const quote = (cardUid: string) =>
      service.call(
        'POST',
        '/api/v1/sales/quote',
        t3,
        saleBody({ cardUid, occurredAt: '2026-11-20T12:00:00+08:00' }),
      );
    expect(JSON.stringify((await quote('K-ZHAO-1')).body)).toContain('card-retired');
    expect(JSON.stringify((await quote('K-ZHAO-2')).body)).not.toContain('card-retired');
    // A card held by another elder is refused in Chinese.
    await bind.getByLabel('新卡号').fill('K80');
    await bind.getByRole('button', { name: '绑定' }).click();
    await expect.poll(() => text('[data-testid=bind-card] .message')).toBe('这张卡已绑定给另一位老人');
    expect(expectedRefusals('409 /api/v1/elders/e-new/cards')).toBe(1);
    await screenshot('elder-card-replaced');
    expect(problems).toEqual([]);
  });

  it('changes the categories with their dates, without the name or ID number', async () => {
    await record().getByRole('button', { name: '修改类别' }).click();
    const editor = record().locator('[data-testid=category-editor]');
    expect(await editor.locator('h3').textContent()).toBe('修改补贴类别');
    // Nothing asks for who she is: only her categories, as the record holds them.
    expect(await editor.getByLabel('姓名').count()).toBe(0);
    expect(await editor.getByLabel('身份证号').count()).toBe(0);
    const first = editor.locator('[data-testid=category-1]');
    expect(await first.getByLabel('起(含)').inputValue()).toBe('2026-01-01');
    // An end before its start is refused on the page, in Chinese.
    await first.getByLabel('止(不含，可空)').fill('2025-12-01');
    await editor.getByRole('button', { name: '保存' }).click();
    expect(await text('[data-testid=categories-message]')).toBe('类别的止日须晚于起日');
    await first.getByLabel('止(不含，可空)').fill('2026-12-01');
    expect(await text('[data-testid=categories-message]')).toBe('');
    await editor.getByRole('button', { name: '＋ 添加类别' }).click();
    const second = editor.locator('[data-testid=category-2]');
    await second.getByLabel('类别').selectOption({ label: '特困' });
    await second.getByLabel('起(含)').fill('2026-12-01');
    await screenshot('elder-categories');
    expect(await page.evaluate(OVERFLOWING)).toEqual([]);
    await editor.getByRole('button', { name: '保存' }).click();
    await expect
      .poll(() => record().locator('[data-testid=categories] tbody tr').allTextContents())
      .toEqual(['低保2026-01-012026-12-01', '特困2026-12-01至今']);
    expect(await text('[data-testid=notice]')).toBe('已保存');
    expect(await record().locator('dl').textContent()).toContain('东城区食堂');

    // The same categories again change nothing, and the page says so.
    await record().getByRole('button', { name: '修改类别' }).click();
    await record().locator('[data-testid=category-editor]').getByRole('button', { name: '保存' }).click();
    await expect.poll(() => text('[data-testid=notice]')).toBe('类别没有变化');
    expect(problems).toEqual([]);
  });

  it('records a death after the clerk confirms; no more changes are offered', async () => {
    const death = record().locator('[data-testid=record-death]');
    await death.getByLabel('身故日期').fill('2026-11-18');
    await death.getByRole('button', { name: '登记身故' }).click();
    await expect.poll(() => text('#record-title')).toBe('赵*兰 e-new已身故(2026-11-18)');
    expect(dialogs.at(-1)).toBe('确认登记 赵*兰 于 2026-11-18 身故？');
    expect(await record().locator('[data-testid=bind-card]').count()).toBe(0);
    const answer = await service.call('GET', '/api/v1/elders/e-new', reviewer);
    expect(answer.body).toMatchObject({ status: 'died', diedOn: '2026-11-18', cardUid: 'K-ZHAO-2' });
    await screenshot('elder-died');
    expect(problems).toEqual([]);
  });

  it('changes a price from a date: shown as a change to come, in force from that day', async () => {
    await page.getByRole('link', { name: '食堂', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid=canteen-list] tbody tr').count()).toBe(2);
    expect(await page.title()).toBe('助餐通 食堂登记');
    await page.getByRole('button', { name: '西城区食堂' }).click();
    const canteen = page.locator('[data-testid=canteen]');
    await expect
      .poll(() => canteen.locator('[data-testid=menu] tbody tr').allTextContents())
      .toEqual([`set-a套餐A${formatMoney(1200)}`, `soup例汤${formatMoney(200)}`]);
    expect(await text('[data-testid=effective]')).toBe('现行内容自登记起生效');
    expect(await text('[data-testid=closed-days]')).toBe('每天营业');

    await canteen.getByRole('button', { name: '修改食堂' }).click();
    const edit = page.locator('[data-testid=canteen-form]');
    await edit.locator('[data-testid=item-2]').getByLabel('价格(元)').fill('2.5');
    await edit.getByRole('checkbox', { name: '周日' }).check();
    await edit.getByLabel('生效日期').fill('2026-11-19');
    await edit.getByRole('button', { name: '保存' }).click();
    await expect
      .poll(() => text('[data-testid=canteen-form] [data-testid=form-message]'))
      .toBe('生效日期不能早于今天');
    await edit.getByLabel('生效日期').fill('2026-12-01');
    expect(await text('[data-testid=canteen-form] [data-testid=form-message]')).toBe('');
    await screenshot('canteen-form');
    await edit.getByRole('button', { name: '保存' }).click();

    const scheduled = canteen.locator('[data-testid=scheduled]');
    await expect.poll(() => scheduled.locator('strong').textContent()).toBe('2026-12-01 起');
    expect(await scheduled.locator('li').allTextContents()).toEqual([
      `例汤 ${formatMoney(200)} → ${formatMoney(250)}`,
      '休息日 每天营业 → 周日',
    ]);
    expect(await canteen.locator('[data-testid=menu] tbody tr').nth(1).textContent()).toBe(
      `soup例汤${formatMoney(200)}`,
    );
    await screenshot('canteen-price-change');

    // On 2 December the soup sells at the new price.
    clock = Date.parse('2026-12-02T12:00:05+08:00');
    const t1 = (await admin('PUT', '/api/v1/terminals/t1', { canteenId: 'c1' })).token;
    const sale = saleBody({
      terminalSeq: 10,
      occurredAt: '2026-12-02T12:00:00+08:00',
      cardUid: 'K65',
      items: [{ itemId: 'soup', qty: 1 }],
    });
    const sold = await service.call('POST', '/api/v1/sales', t1, sale);
    expect(sold.body.totalFen, JSON.stringify(sold.body)).toBe(250);
    await page.reload();
    await expect.poll(() => page.locator('[data-testid=canteen-list] tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: '西城区食堂' }).click();
    await expect.poll(() => text('[data-testid=effective]')).toBe('现行内容自 2026-12-01 00:00 起生效');
    expect(await text('[data-testid=closed-days]')).toBe('周日');
    expect(await page.locator('[data-testid=scheduled]').count()).toBe(0);
    clock = Date.parse('2026-11-20T11:00:00+08:00');
    expect(problems).toEqual([]);
  });

  it('registers a terminal, copies its token, issues a new one: the old token is refused', async () => {
    await page.getByRole('link', { name: '终端', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid=terminal-list] tbody tr').count()).toBe(3);
    const register = page.locator('[data-testid=register-terminal]');
    await register.getByLabel('终端编号').fill('t7');
    await register.getByLabel('食堂').selectOption({ label: '东城区食堂' });
    await register.getByRole('button', { name: '登记并发放令牌' }).click();

    const box = page.locator('[data-testid=token]');
    await expect.poll(() => box.isVisible()).toBe(true);
    expect(await box.locator('h2').textContent()).toBe('终端 t7 的令牌');
    const first = await box.locator('[data-testid=token-value]').inputValue();
    expect(first).toMatch(/^zt_[A-Za-z0-9_-]+\.t7$/);
    await box.getByRole('button', { name: '复制' }).click();
    await expect.poll(() => box.locator('.copy-note').textContent()).toBe('已复制');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(first);
    await expect
      .poll(() => page.locator('[data-testid=terminal-list] tr[data-terminal=t7] td').allTextContents())
      .toEqual(['t7', '东城区食堂', '从未联系', '从未联系', '更换令牌']);
    const offlineCopy = (token: string) => service.call('GET', '/api/v1/terminals/t7/offline-copy', token);
    expect((await offlineCopy(first)).status).toBe(200);
    await screenshot('terminal-token');

    await box.getByRole('button', { name: '关闭' }).click();
    expect(await box.count()).toBe(0);
    await page.locator('tr[data-terminal=t7]').getByRole('button', { name: '更换令牌' }).click();
    expect(dialogs.at(-1)).toBe('更换终端 t7 的令牌？旧令牌将立即失效，终端须换上新令牌才能继续售餐。');
    await expect.poll(() => box.isVisible()).toBe(true);
    const second = await box.locator('[data-testid=token-value]').inputValue();
    expect(second).not.toBe(first);
    expect((await offlineCopy(first)).status).toBe(401);
    expect((await offlineCopy(second)).status).toBe(200);
    await screenshot('terminal-rotated');
    expect(problems).toEqual([]);
  });

  it('reads the pages in English through the EN switch', async () => {
    await page.locator('#lang').click();
    await expect.poll(() => text('#terminals-title')).toBe('Terminals');
    expect(await page.title()).toBe('助餐通 Terminals');
    expect(await page.locator('#site-nav a').allTextContents()).toEqual([
      'Dashboard',
      'Monthly settlement',
      'Simulation',
      'Elders',
      'Roster import',
      'Canteens',
      'Terminals',
      'Funding sources',
    ]);
    await page.getByRole('link', { name: 'Elders', exact: true }).click();
    await expect.poll(() => text('#search-title')).toBe('Find an elder');
    await page.getByLabel('Elder id', { exact: true }).fill('e80');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => text('[data-testid=cards] tbody tr')).toBe('K80In useFirst card—');
    await screenshot('elder-record-en');
    expect(await page.evaluate(OVERFLOWING)).toEqual([]);
    await page.locator('#lang').click();
    await expect.poll(() => text('#search-title')).toBe('查找老人');
    expect(problems).toEqual([]);
  });

  it('lets a reviewer read but not change, and not read ledgers', async () => {
    await page.locator('#sign-out').click();
    await expect.poll(() => text('[data-testid=sign-in-message]')).toBe('已退出登录');
    await page.getByLabel('访问令牌').fill(reviewer);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.locator('#read-only').isVisible()).toBe(true);
    expect(await text('#read-only')).toBe('您的角色只能查看；登记和修改须由管理员办理。');
    expect(await page.getByRole('button', { name: '＋ 登记老人' }).count()).toBe(0);
    await page.getByLabel('老人编号', { exact: true }).fill('e80');
    await page.getByRole('button', { name: '打开', exact: true }).click();
    await expect.poll(() => text('#record-title')).toBe('张*明 e80');
    expect(await record().getByRole('button', { name: '修改档案' }).count()).toBe(0);
    expect(await record().getByRole('button', { name: '修改类别' }).count()).toBe(0);
    expect(await record().locator('[data-testid=bind-card]').count()).toBe(0);
    await expect.poll(() => text('[data-testid=ledger] p.muted')).toBe('台账仅管理员可查看');
    expect(expectedRefusals('403 /api/v1/elders/e80/ledger')).toBe(1);
    expect(problems).toEqual([]);

    await page.getByRole('link', { name: '食堂', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid=canteen-list] tbody tr').count()).toBe(2);
    expect(await page.getByRole('button', { name: '＋ 登记食堂' }).count()).toBe(0);
    await page.getByRole('link', { name: '终端', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid=terminal-list] tbody tr').count()).toBe(4);
    expect(await page.getByRole('button', { name: '更换令牌' }).count()).toBe(0);
    expect(await page.locator('[data-testid=register-terminal]').count()).toBe(0);
    await screenshot('terminals-reviewer');
    expect(problems).toEqual([]);
  });
});
