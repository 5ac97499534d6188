import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { decodeEscPos } from '../../pos-terminal/receipts/escpos-decode.ts';
import { type FakePrinter, startFakePrinter } from '../../pos-terminal/receipts/testing/fake-printer.ts';
import { type RunningTerminal, startTerminal } from '../../pos-terminal/terminal.ts';
import {
  adminCaller,
  CASHIER_PIN,
  COUNTER_CARDS,
  counterSettings,
  MANAGER_PIN,
  recordedSales,
  setUpCounterBureau,
} from '../../testkit/counter-bureau.ts';
import { type ServiceProcess, serviceProcess } from '../../testkit/service-process.ts';
import { launchChromium, SCREENSHOTS } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/**
 * A keyboard-wedge reader types the card number in a fast burst, then Enter: into the card field when
 * it has the focus, else into the page, which tells the burst from a person's typing by its timing.
 */
async function tapCard(
  page: Page,
  cardUid: string,
  where: 'card-field' | 'page' = 'card-field',
): Promise<void> {
  if (where === 'page') await page.locator('#card-input').blur();
  else await page.locator('#card-input').focus();
  await page.keyboard.type(cardUid);
  await page.keyboard.press('Enter');
}

/** Collects what the page's Content-Security-Policy refused, as events and as console messages. */
function watchPolicyViolations(page: Page, into: string[]): void {
  // A script of the page's own (the test's tsconfig has no DOM types).
  void page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) =>
      console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));`,
  });
  page.on('console', (message) => {
    if (/CSP violation|Content Security Policy/i.test(message.text())) into.push(message.text());
  });
}

/**
 * A lunch at the counter in a real browser: sign in, a subsidised meal with the amounts on both
 * pages and the receipt's bytes; then the service stops, five meals are sold offline, and when it
 * is back all five arrive exactly once with the right subsidies.
 */
describe('the counter in a browser (Playwright, Chromium, real service process, real printer socket)', () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let printer: FakePrinter;
  let terminal: RunningTerminal;
  let browser: Browser;
  let cashier: Page;
  let display: Page;
  let terminalId: string;
  let terminalToken: string;
  const policyViolations: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await createTestDatabase(4);
    service = await serviceProcess(database.connectionString);
    await service.start();
    const bureau = await setUpCounterBureau(service.url, service.adminToken);
    terminalId = bureau.terminalId;
    terminalToken = bureau.token;
    printer = await startFakePrinter();
    terminal = await startTerminal(await counterSettings(service.url, bureau.token, terminalId, printer));
    browser = await launchChromium();
    cashier = await browser.newPage({ viewport: { width: 1366, height: 768 }, hasTouch: true });
    display = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    for (const page of [cashier, display]) watchPolicyViolations(page, policyViolations);
    // Spoken amounts on, and what the display says aloud kept where the test can read it.
    await display.addInitScript({
      content: `localStorage.setItem('zhucan-speech', 'on');
        window.spoken = [];
        Object.defineProperty(window, 'speechSynthesis', {
          value: { speak: (utterance) => window.spoken.push(utterance.text), cancel: () => {} },
        });`,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await terminal?.close();
    await printer?.close();
    await service?.stop();
    await database?.drop();
  });

  it('signs in with the PIN pad and sells a subsidised meal: the amounts on both pages, the receipt printed', async () => {
    await cashier.goto(`${terminal.url}/`);
    await display.goto(`${terminal.url}/display`);
    await expect.poll(() => cashier.getByTestId('online').textContent()).toBe('在线');
    await cashier.screenshot({ path: path.join(SCREENSHOTS, 'cashier-sign-in.png') });
    for (const digit of CASHIER_PIN) await cashier.locator('#keypad button', { hasText: digit }).click();
    await cashier.locator('#sign-in-form button[type=submit]').click();
    await expect.poll(() => cashier.locator('#sign-in').isHidden()).toBe(true);
    await expect.poll(() => cashier.locator('#cashier-name').textContent()).toBe('王丽');

    // The first meal is chosen already: tap, confirm, done.
    await tapCard(cashier, COUNTER_CARDS[0] as string, 'page');
    await expect.poll(() => cashier.getByTestId('quote-pays').textContent()).toBe('￥9.00');
    expect(await cashier.getByTestId('quote-elder').textContent()).toBe('张*明');
    expect(await cashier.getByTestId('quote-total').textContent()).toBe('￥12.00');
    expect(await cashier.getByTestId('quote-subsidy').textContent()).toBe('￥3.00');
    await expect.poll(() => display.getByTestId('display-pays').textContent()).toBe('￥9.00');
    expect(await display.getByTestId('display-subsidy').textContent()).toBe('￥3.00');
    expect(await display.getByTestId('greeting').textContent()).toBe('张*明 您好');
    await cashier.screenshot({ path: path.join(SCREENSHOTS, 'cashier-quote.png') });
    await display.screenshot({ path: path.join(SCREENSHOTS, 'display-quote.png') });

    await cashier.locator('#payments button[data-method=cash]').click();
    await expect.poll(() => cashier.getByTestId('message').textContent()).toContain('已完成');
    await printer.waitForJobs(1);
    const receipt = decodeEscPos(printer.jobs[0] as Buffer);
    const text = receipt.lines.join('\n');
    expect(text).toContain('幸福食堂');
    expect(text).toMatch(/合计\s+￥12\.00/);
    expect(text).toMatch(/补贴\s+-￥3\.00/);
    expect(text).toMatch(/实付\s+￥9\.00/);
    expect(text).toContain('张*明');
    const [sale] = await recordedSales(database.pool, terminalId);
    expect(sale).toMatchObject({ subsidyFen: 300, offline: false, cardUid: COUNTER_CARDS[0] });
    expect(receipt.qr).toEqual([sale?.saleId]);
    await expect.poll(() => display.getByTestId('display-line').textContent()).toContain('谢谢');
    await display.screenshot({ path: path.join(SCREENSHOTS, 'display-done.png') });
  });

  it('clears the display on a refused tap, tells the elder only neutral reasons, prints them, and lists one time', async () => {
    // An unknown card right after a sale: the last customer's name and amounts leave the display,
    // and nothing is said aloud for it.
    const saidBefore = await display.evaluate<number>('window.spoken.length');
    await tapCard(cashier, 'K9999999');
    await expect.poll(() => display.getByTestId('display-line').textContent()).toBe('请稍候，收银员为您处理');
    expect(await display.getByTestId('display-pays').textContent()).toBe('');
    expect(await display.getByTestId('greeting').textContent()).toBe('幸福食堂');
    expect(await display.evaluate<number>('window.spoken.length')).toBe(saidBefore);

    // A deceased elder's card: the reason on the cashier's screen, a neutral sentence for the public.
    await adminCaller(service.url, service.adminToken)('POST', '/api/v1/elders/E8/death', {
      date: '2026-01-01',
    });
    await tapCard(cashier, COUNTER_CARDS[7] as string);
    await expect.poll(() => cashier.getByTestId('quote-reason').textContent()).toContain('身故');
    await expect.poll(() => display.getByTestId('display-line').textContent()).toBe('补贴详情请问收银员');
    expect(await display.locator('body').textContent()).not.toContain('身故');
    // Said aloud: the amount to pay, never the reason.
    const spoken = () => display.evaluate<string[]>('window.spoken');
    await expect.poll(async () => (await spoken()).at(-1)).toBe('请付12元');
    await cashier.keyboard.press('Escape');

    // Menu keys: 2 replaces the set meal, + then 3 adds a soup, ⌫ takes the soup off again.
    const chosen = () => cashier.getByTestId('selection').locator('.line .name').allTextContents();
    await cashier.locator('#card-input').focus();
    await cashier.keyboard.press('2');
    await expect.poll(chosen).toEqual(['手擀面 ￥8.00']);
    await cashier.keyboard.press('+');
    await cashier.keyboard.press('3');
    await expect.poll(chosen).toEqual(['手擀面 ￥8.00', '例汤 ￥2.00']);
    await cashier.keyboard.press('Backspace');
    await expect.poll(chosen).toEqual(['手擀面 ￥8.00']);
    await cashier.keyboard.press('1');
    await expect.poll(chosen).toEqual(['荤素套餐 ￥12.00']);

    // The first elder's second meal today is over the daily cap: a reason the elder may read.
    await tapCard(cashier, COUNTER_CARDS[0] as string);
    await expect.poll(() => display.getByTestId('display-line').textContent()).toBe('今日补贴次数已用完');
    expect(await cashier.getByTestId('quote-subsidy').textContent()).toBe('￥0.00');
    // Confirmed a while after the tap: the sale's time is the tap's, on the receipt and in the list.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await cashier.locator('#payments button[data-method=cash]').click();
    await printer.waitForJobs(2);
    const text = decodeEscPos(printer.jobs[1] as Buffer).lines.join('\n');
    expect(text).toMatch(/补贴\s+￥0\.00\n\s*今日补贴次数已用完/);
    expect(text).toMatch(/实付\s+￥12\.00/);
    const printedTime = /时间\s+\S+ (\d\d:\d\d:\d\d)/.exec(text)?.[1];
    await expect.poll(() => cashier.locator('#sales li .seq').first().textContent()).toContain(`#2 `);
    expect(await cashier.locator('#sales li .seq').first().textContent()).toBe(`#2 ${printedTime}`);
  });

  it('sells five meals while the service is stopped; when it is back all five arrive once, with the subsidies shown', async () => {
    await service.stop();
    // Idle, nobody tapping: the pill turns within seconds all the same.
    await expect.poll(() => cashier.getByTestId('online').textContent(), { timeout: 5_000 }).toBe('离线');
    const offlineCards = [
      COUNTER_CARDS[1],
      COUNTER_CARDS[2],
      COUNTER_CARDS[3],
      COUNTER_CARDS[4],
      COUNTER_CARDS[1],
    ];
    const shownSubsidies: string[] = [];
    for (const [index, cardUid] of offlineCards.entries()) {
      await tapCard(cashier, cardUid as string);
      await expect.poll(() => cashier.locator('#quote-mode').textContent()).toContain('离线');
      await expect.poll(() => cashier.getByTestId('quote-total').textContent()).toBe('￥12.00');
      shownSubsidies.push((await cashier.getByTestId('quote-subsidy').textContent()) ?? '');
      await cashier.keyboard.press('Enter');
      await expect.poll(() => cashier.getByTestId('queued').textContent()).toBe(`待同步 ${index + 1} 笔`);
    }
    // Once a day: the second meal of the same elder was sold at full price, offline too.
    expect(shownSubsidies).toEqual(['￥3.00', '￥3.00', '￥3.00', '￥3.00', '￥0.00']);
    expect(await cashier.getByTestId('online').textContent()).toBe('离线');
    await printer.waitForJobs(7);
    await cashier.screenshot({ path: path.join(SCREENSHOTS, 'cashier-offline.png') });

    await service.start();
    await expect
      .poll(() => cashier.getByTestId('queued').textContent(), { timeout: 30_000 })
      .toBe('待同步 0 笔');
    expect(await cashier.getByTestId('online').textContent()).toBe('在线');
    const sales = await recordedSales(database.pool, terminalId);
    expect(sales).toHaveLength(7);
    expect(new Set(sales.map((sale) => sale.saleId)).size).toBe(7);
    // In the order made (different cards' sales may be recorded side by side).
    const offline = sales
      .filter((sale) => sale.offline)
      .sort(
        (a, b) => (a as { terminalSeq: number }).terminalSeq - (b as { terminalSeq: number }).terminalSeq,
      );
    expect(offline.map((sale) => [sale.cardUid, sale.subsidyFen])).toEqual(
      offlineCards.map((cardUid, index) => [cardUid, index === 4 ? 0 : 300]),
    );
    expect(offline.every((sale) => sale.excluded.length === 0)).toBe(true);
    await cashier.screenshot({ path: path.join(SCREENSHOTS, 'cashier-synced.png') });
  });

  it('cancels with Esc, voids with a reason and a manager PIN saying what to refund, and prints the day report', async () => {
    const message = () => cashier.locator('#message').textContent();
    // Esc in the card field cancels the meal on screen, as the hint says.
    await tapCard(cashier, COUNTER_CARDS[5] as string);
    await expect.poll(() => cashier.getByTestId('quote-total').textContent()).toBe('￥12.00');
    await cashier.locator('#card-input').focus();
    await cashier.keyboard.press('Escape');
    await expect.poll(() => cashier.getByTestId('quote-total').textContent()).toBe('—');

    // The latest sale, the second meal of the day at full price: voided, with its refund said.
    const latest = cashier.locator('#sales li').first();
    const seq = /#(\d+)/.exec((await latest.locator('.seq').textContent()) ?? '')?.[1];
    await latest.locator('.void').click();
    await cashier.locator('#void-pin').fill(MANAGER_PIN);
    await cashier.locator('#void-form button[type=submit]').click();
    expect(await cashier.locator('#void-error').textContent()).toBe('请填写作废原因');
    expect(await cashier.locator('#void-dialog').isVisible()).toBe(true);
    await cashier.locator('#void-reason').fill('点错餐');
    await cashier.locator('#void-form button[type=submit]').click();
    await expect.poll(() => cashier.locator('#void-dialog').isHidden()).toBe(true);
    expect(await message()).toBe(`已作废 #${seq}，应退 ￥12.00`);
    // Esc closes the dialog as 取消 does.
    await cashier.locator('#sales li .void:not([disabled])').first().click();
    await expect.poll(() => cashier.locator('#void-dialog').isVisible()).toBe(true);
    await cashier.keyboard.press('Escape');
    await expect.poll(() => cashier.locator('#void-dialog').isHidden()).toBe(true);

    // The day report names its day, its last line spans the table, and printing it closes it to say so.
    await cashier.locator('#day-report').click();
    await expect.poll(() => cashier.locator('#report-dialog').isVisible()).toBe(true);
    expect(await cashier.getByTestId('report-date').textContent()).toBe(businessDateOf(Date.now()));
    expect(await cashier.locator('#report-table tr:last-child td').getAttribute('colspan')).toBe('8');
    const jobs = printer.jobs.length;
    await cashier.locator('#report-print').click();
    await expect.poll(() => cashier.locator('#report-dialog').isHidden()).toBe(true);
    expect(await message()).toBe('日结报表已打印');
    await printer.waitForJobs(jobs + 1);

    // A small 800×480 elder display still shows what to pay, whole and on screen.
    await display.setViewportSize({ width: 800, height: 480 });
    await tapCard(cashier, COUNTER_CARDS[5] as string);
    await expect.poll(() => display.getByTestId('display-pays').textContent()).toBe('￥9.00');
    const pays = await display.getByTestId('display-pays').boundingBox();
    expect(pays && pays.y >= 0 && pays.y + pays.height <= 480).toBe(true);
    await display.screenshot({ path: path.join(SCREENSHOTS, 'display-800x480.png') });
    await cashier.locator('#card-input').focus();
    await cashier.keyboard.press('Escape');
  });

  it('keeps a sign-in to the browser that made it, and ends it after a while unused', async () => {
    // Another browser on the same counter PC: not signed in, though the cashier's browser is.
    const other = await browser.newPage();
    await other.goto(`${terminal.url}/`);
    await expect.poll(() => other.locator('#sign-in').isVisible()).toBe(true);
    expect(await cashier.locator('#sign-in').isHidden()).toBe(true);
    await other.close();
    const anonymous = await fetch(`${terminal.url}/api/sales`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'not-signed-in' });

    // A counter whose sign-ins end after 1.2 s unused: the page goes back to the PIN pad.
    const settings = await counterSettings(service.url, terminalToken, terminalId, printer);
    const idle = await startTerminal({ ...settings, cashierIdleMinutes: 0.02 });
    const page = await browser.newPage();
    try {
      // The PIN pad takes the keyboard at once: the PIN and Enter sign in, no click first.
      await page.goto(`${idle.url}/`);
      await expect
        .poll(() => page.locator('#pin').evaluate((pin) => pin.ownerDocument.activeElement === pin))
        .toBe(true);
      await page.keyboard.type(CASHIER_PIN);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#sign-in').isHidden()).toBe(true);
      await expect.poll(() => page.locator('#sign-in').isVisible(), { timeout: 10_000 }).toBe(true);
      // Back at the PIN pad, the keyboard is its again.
      await page.keyboard.type(CASHIER_PIN);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#sign-in').isHidden()).toBe(true);
    } finally {
      await page.close();
      await idle.close();
    }
  });

  it('serves every answer with security headers whose policy the pages keep', async () => {
    const answers = await Promise.all(
      [
        '/',
        '/display',
        '/assets/style.css',
        '/assets/cashier.js',
        '/assets/fonts/noto-sans-sc-400.ttf',
        '/api/state',
        '/api/sales',
        '/api/nothing-here',
        '/api/day-report?date=nonsense',
      ].map(async (pathname) => {
        const answer = await fetch(`${terminal.url}${pathname}`);
        await answer.arrayBuffer();
        return [pathname, answer] as const;
      }),
    );
    for (const [pathname, answer] of answers) {
      expect(answer.headers.get('content-security-policy'), pathname).toMatch(/frame-ancestors 'none'/);
      expect(answer.headers.get('content-security-policy'), pathname).toMatch(/script-src 'self'(;|$)/);
      expect(answer.headers.get('x-content-type-options'), pathname).toBe('nosniff');
      expect(answer.headers.get('x-frame-options'), pathname).toBe('DENY');
      expect(answer.headers.get('referrer-policy'), pathname).toBe('no-referrer');
      expect(answer.headers.get('x-powered-by'), pathname).toBeNull();
      if (pathname.startsWith('/api/'))
        expect(answer.headers.get('cache-control'), pathname).toBe('no-store');
    }
    // Both pages were used through a whole lunch above: nothing they load or do was refused.
    await cashier.reload();
    await display.reload();
    await expect.poll(() => cashier.getByTestId('online').textContent()).toBe('在线');
    const fonts = await cashier.evaluate<string[]>(
      'document.fonts.ready.then(() => [...document.fonts].map((font) => font.status))',
    );
    expect(fonts).toContain('loaded');
    expect(fonts).not.toContain('error');
    expect(policyViolations).toEqual([]);
  });
});
