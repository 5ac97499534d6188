import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../domain/money.ts';
import { launchChromium, SCREENSHOTS, watchedPage } from './support/browser.ts';
import { idNumber, saleBody, setUpBureau } from './support/bureau.ts';
import { TIANJIN_LIKE, ZENGCHENG_LIKE } from './support/example-policies.ts';
import { startTestService, type TestService } from './support/service.ts';

/** The service's clock: 20 November 2026, 15:00 in Shanghai; the page offers October first. */
const NOW = Date.parse('2026-11-20T15:00:00+08:00');
const MONTH = '2026-10';

/** Money as the page shows it: ￥1,234.56 and -￥0.07. */
const money = (fen: number) => formatMoney(fen, { grouped: true });
const count = (value: number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
/** A change as the page shows it under a figure. */
function changeText(after: number, before: number, asMoney: boolean, noChange = '无变化'): string {
  const difference = after - before;
  if (difference === 0) return noChange;
  return `${difference > 0 ? '+' : '-'}${asMoney ? money(Math.abs(difference)) : count(Math.abs(difference))}`;
}

interface Figures {
  mealsSold: number;
  subsidisedMeals: number;
  subsidyFen: number;
  operatingSubsidyFen: number;
  reimbursementFen: number;
  bySource: { source: string; fen: number }[];
}
interface Simulation {
  month: string;
  baseline: Figures;
  proposed: Figures;
  canteens: { canteenId: string; name: string; baseline: Figures; proposed: Figures }[];
  byRule: { ruleId: string; baselineFen: number; proposedFen: number }[];
  elders: { affected: number; gaining: number; losing: number; unchanged: number };
}

/** Proposal 2, as the clerk fills the form: 80+ get 5 元 a meal, one a day, the canteen 1.50 元 a subsidised meal. */
const FORM_PROPOSAL = {
  name: '80岁以上每餐5元',
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  rules: [
    {
      ruleId: 'rule-1',
      label: '80周岁以上',
      eligible: { minAge: 80 },
      benefit: { kind: 'fixed', fen: 500 },
      funding: [{ source: 'city-finance', shareBp: 10000 }],
    },
  ],
  caps: [{ per: 'day', max: 1 }],
  operatingSubsidy: [{ kind: 'perSubsidisedMeal', fen: 150 }],
};

/** Proposal 3, pasted as JSON: hardship 60+ get 5 元 a day when the bill is above it, the district paying 40 %. */
const JSON_PROPOSAL = {
  name: '困难老人每日5元',
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  rules: [
    {
      ruleId: 'basic-care',
      label: '困难老人',
      eligible: { minAge: 60, categoriesAny: ['dibao', 'tekun', 'low-income', 'disabled'] },
      periods: ['lunch', 'dinner'],
      minSpendFen: 501,
      benefit: { kind: 'fixed', fen: 500 },
      funding: [
        { source: 'city-finance', shareBp: 6000 },
        { source: 'district-finance', shareBp: 4000, locality: 'district' },
      ],
    },
  ],
  caps: [{ per: 'day', max: 1 }],
  operatingSubsidy: [{ kind: 'perElderDay', fen: 300 }],
};
const JSON_TEXT = JSON.stringify(JSON_PROPOSAL, null, 2);
/** The same with the district's share mistyped (shares then sum to 90 %). */
const WRONG_SHARE = JSON_TEXT.replace('"shareBp": 4000', '"shareBp": 3000');
/** …and first with a comma too many after the last cap. */
const TRAILING_COMMA = WRONG_SHARE.replace('"max": 1\n    }\n  ],', '"max": 1\n    },\n  ],');

const FIGURE_KEYS = [
  ['mealsSold', false],
  ['subsidisedMeals', false],
  ['subsidyFen', true],
  ['operatingSubsidyFen', true],
  ['reimbursementFen', true],
] as const;

/** How many pixels of a chart's canvas are drawn (neither transparent nor white). */
const DRAWN_PIXELS = (testid: string) => `(() => {
  const canvas = document.querySelector('[data-testid=${testid}] canvas');
  if (!canvas) return 0;
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let drawn = 0;
  for (let at = 0; at < data.length; at += 4)
    if (data[at + 3] > 0 && !(data[at] > 245 && data[at + 1] > 245 && data[at + 2] > 245)) drawn += 1;
  return drawn;
})()`;
const CHART_SERIES = (testid: string) => `(() => {
  const option = echarts.getInstanceByDom(document.querySelector('[data-testid=${testid}]')).getOption();
  return option.series.map((series) => ({ name: series.name, data: series.data }));
})()`;
/** Elements wider than the page (something cut off or overflowing sideways). */
const OVERFLOWING = `(() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('main *')]
    .filter((node) => !node.closest('.chart') && node.getClientRects().length > 0)
    .filter((node) => node.getBoundingClientRect().right > width + 1)
    .map((node) => node.tagName + '.' + node.className);
})()`;

/**
 * 政策测算 in a real browser against the real service: a reviewer signs in, picks October, starts
 * proposal 1 from the Tianjin-like template, builds proposal 2 in the form, pastes proposal 3 as
 * JSON with two mistakes and corrects them from the page's Chinese messages, runs the simulation and
 * reads figures equal to the service's own answers, then exports the workbook.
 */
describe('the policy simulation page in a browser (Playwright, Chromium, real service)', () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  let reviewer = '';
  const problems: string[] = [];
  const expected: Simulation[] = [];

  const admin = async (method: string, pathname: string, body?: unknown) => {
    const answer = await service.call(method, pathname, service.adminToken, body);
    expect(answer.status, `${method} ${pathname}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
    return answer.body;
  };
  const simulate = async (policy: unknown): Promise<Simulation> => {
    const answer = await service.call('POST', '/api/v1/simulations', reviewer, { month: MONTH, policy });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  const screenshot = (name: string, fullPage = true) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `simulation-${name}.png`), fullPage });
  const proposal = (n: number) => page.locator(`[data-testid=proposal-${n}]`);
  const text = (locator: Locator) => locator.first().textContent();
  const cell = (table: string, row: string, column: string) =>
    page.locator(`[data-testid=${table}] tbody tr[${row}] td[data-column="${column}"]`);

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    service = await startTestService({ now: () => NOW });
    const bureau = await setUpBureau(service);
    // Besides e80 (86, 西城区) and e65 (65): a disabled dibao elder, a low-income one in 东城区 and
    // an 87-year-old there, so that the proposals part ways.
    const elders = [
      [
        'ed',
        '1958-02-02',
        '310',
        '西城区',
        [
          { category: 'disabled', from: '2020-01-01' },
          { category: 'dibao', from: '2020-01-01' },
        ],
      ],
      ['el', '1950-06-06', '320', '东城区', [{ category: 'low-income', from: '2020-01-01' }]],
      ['e87', '1939-09-09', '330', '东城区', []],
    ] as const;
    for (const [elderId, birth, sequence, district, categories] of elders) {
      await admin('PUT', `/api/v1/elders/${elderId}`, {
        name: '李桂英',
        idNumber: idNumber(birth, sequence),
        district,
        town: '一街道',
        categories,
      });
      await admin('POST', `/api/v1/elders/${elderId}/cards`, { cardUid: `K-${elderId}` });
    }
    reviewer = (await admin('PUT', '/api/v1/users/li', { name: '李审核', role: 'reviewer' })).token;

    // October: lunches (and a few dinners) at c1 (t1, t2) and c2 (t3), a guest now and then.
    const at = { c1: [bureau.tokens.t1, bureau.tokens.t2], c2: [bureau.tokens.t3] };
    const sequence = new Map<string, number>();
    const sell = async (canteen: 'c1' | 'c2', day: number, time: string, cardUid?: string) => {
      const tokens = at[canteen];
      const token = tokens[day % tokens.length] as string;
      const next = (sequence.get(token) ?? 0) + 1;
      sequence.set(token, next);
      const body = saleBody({
        terminalSeq: next,
        occurredAt: `${MONTH}-${String(day).padStart(2, '0')}T${time}:00+08:00`,
        cardUid,
      });
      const answer = await service.call('POST', '/api/v1/sales', token, body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    };
    for (let day = 1; day <= 24; day += 1) {
      await sell('c1', day, '12:00', 'K80');
      if (day % 2 === 0) await sell('c1', day, '12:05', 'K65');
      if (day % 2 === 1) await sell('c2', day, '12:10', 'K-ed');
      if (day % 3 === 0) await sell('c1', day, '12:15', 'K-el');
      if (day % 6 === 0) await sell('c1', day, '17:30', 'K-el');
      await sell('c2', day, '12:20', 'K-e87');
      if (day % 4 === 0) await sell('c2', day, '17:40', 'K80');
      if (day % 5 === 0) await sell('c1', day, '12:30');
    }
    await service.projections.catchUp();
    service.projections.start();

    expected.push(await simulate(TIANJIN_LIKE), await simulate(FORM_PROPOSAL), await simulate(JSON_PROPOSAL));
    // The three differ from the month as recorded, and from one another.
    const reimbursed = expected.map((answer) => answer.proposed.reimbursementFen);
    expect(new Set([expected[0]?.baseline.reimbursementFen, ...reimbursed]).size).toBe(4);

    browser = await launchChromium();
    page = await watchedPage(browser, problems);
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('signs in with a bureau token and offers last month', async () => {
    await page.goto(`${service.url}/dashboard/simulation`);
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.title()).toBe('助餐通 政策测算');
    expect(await text(page.locator('#sign-in h2'))).toBe('政策测算登录');
    await page.getByLabel('访问令牌').fill(reviewer);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.locator('#workspace').isVisible()).toBe(true);
    expect(await text(page.locator('[data-testid=viewer]'))).toBe('李审核(审核员)');
    // The service's today is 2026-11-20: the month before is offered.
    expect(await page.getByLabel('测算月份').inputValue()).toBe(MONTH);
    await page.getByRole('button', { name: '上一个月' }).click();
    expect(await page.getByLabel('测算月份').inputValue()).toBe('2026-09');
    await page.getByRole('button', { name: '下一个月' }).click();
    expect(await page.getByLabel('测算月份').inputValue()).toBe(MONTH);
    expect(await page.locator('.proposal').count()).toBe(1);
  });

  it('starts proposal 1 from the Tianjin-like template, in the form', async () => {
    const first = proposal(1);
    await first.getByRole('button', { name: '天津式' }).click();
    await expect.poll(() => first.getByLabel('方案名称').inputValue()).toBe(TIANJIN_LIKE.name);
    expect(await first.locator('button[data-mode=form]').getAttribute('aria-pressed')).toBe('true');
    expect(await first.locator('fieldset.rule').count()).toBe(2);
    const second = first.locator('fieldset.rule').nth(1);
    expect(await second.getByLabel('规则编号').inputValue()).toBe('disabled-hardship');
    expect(await second.getByRole('checkbox', { name: '低保' }).first().isChecked()).toBe(true);
    // 失能 is required of every such elder (须同时具备), not one of the any-of list.
    const disabled = second.getByRole('checkbox', { name: '失能', exact: true });
    expect([await disabled.nth(0).isChecked(), await disabled.nth(1).isChecked()]).toEqual([false, true]);
    expect(await second.getByLabel('金额(元)').inputValue()).toBe('3');
    expect(await first.getByLabel('补贴范围').inputValue()).toBe('citywide');

    // Switching to JSON shows the document the form stands for: the template's, its dates left out.
    await first.getByRole('button', { name: 'JSON', exact: true }).click();
    const shown = JSON.parse(await first.getByLabel('政策文件(JSON)').inputValue());
    const { policyId: _id, effectiveFrom: _from, effectiveTo: _to, ...undated } = TIANJIN_LIKE;
    expect(shown.rules.map((rule: { ruleId: string }) => rule.ruleId)).toEqual([
      'age-80',
      'disabled-hardship',
    ]);
    expect(shown.rules[1].eligible).toEqual(undated.rules[1]?.eligible);
    expect({ ...shown, rules: undefined }).toEqual({ ...undated, rules: undefined });
    await first.getByRole('button', { name: '表单', exact: true }).click();
    expect(await first.locator('fieldset.rule').count()).toBe(2);
  });

  it('builds proposal 2 in the form: 80+ get 5 元 a meal, one a day', async () => {
    await page.getByTestId('add-proposal').click();
    const second = proposal(2);
    await second.getByLabel('方案名称').fill(FORM_PROPOSAL.name);
    const rule = second.locator('fieldset.rule').first();
    await rule.getByLabel('规则名称').fill('80周岁以上');
    await rule.getByLabel('最低年龄(周岁)').fill('80');
    await rule.getByLabel('补贴标准').selectOption('fixed');
    await rule.getByLabel('金额(元)').fill('5');
    expect(await rule.getByLabel('来源', { exact: true }).inputValue()).toBe('city-finance');
    expect(await rule.getByLabel('份额(%)').inputValue()).toBe('100');
    await second.getByRole('button', { name: '＋ 添加上限' }).click();
    const cap = second.locator('.cap-row').first();
    expect(await cap.getByLabel('每', { exact: true }).inputValue()).toBe('day');
    expect(await cap.getByLabel('最多(次)').inputValue()).toBe('1');
    // An amount that is not 元 with at most two decimals is named before anything is sent.
    await second.getByLabel('每补贴餐(元)').fill('1.505');
    await second.getByRole('button', { name: 'JSON', exact: true }).click();
    await expect.poll(() => text(second.getByTestId('errors'))).toContain('金额应为元，最多两位小数');
    expect(await second.getByLabel('每补贴餐(元)').getAttribute('aria-invalid')).toBe('true');
    await second.getByLabel('每补贴餐(元)').fill('1.5');
    await second.getByRole('button', { name: 'JSON', exact: true }).click();
    const shown = JSON.parse(await second.getByLabel('政策文件(JSON)').inputValue());
    expect(shown).toEqual(FORM_PROPOSAL);
    await second.getByRole('button', { name: '表单', exact: true }).click();
    expect(await second.getByLabel('每补贴餐(元)').inputValue()).toBe('1.50');
  });

  it('takes proposal 3 as JSON and says in Chinese where it does not parse', async () => {
    await page.getByTestId('add-proposal').click();
    expect(await page.getByTestId('add-proposal').count()).toBe(0); // three at most
    const third = proposal(3);
    // The Zengcheng-like template splits its funding in fixed parts, which the form does not show.
    await third.getByRole('button', { name: '增城式' }).click();
    await expect
      .poll(() => text(third.getByTestId('note')))
      .toBe('表单无法表示此方案(资金分担为定额)，请在 JSON 中编辑。');
    expect(JSON.parse(await third.getByLabel('政策文件(JSON)').inputValue()).rules).toEqual(
      ZENGCHENG_LIKE.rules,
    );

    await third.getByLabel('方案名称').fill(JSON_PROPOSAL.name);
    await third.getByLabel('政策文件(JSON)').fill(TRAILING_COMMA);
    expect(await text(third.getByTestId('note'))).toBe('');
    const comma = TRAILING_COMMA.indexOf('},\n  ],') + 1;
    const line = TRAILING_COMMA.slice(0, comma).split('\n').length;
    await expect
      .poll(() => text(third.getByTestId('errors')))
      .toContain(`JSON 格式有误：第 ${line} 行第 6 列，最后一项后面不能有逗号`);
    await third.getByTestId('errors').scrollIntoViewIfNeeded();
    await screenshot('zh-json-error', false);
    await third.getByRole('button', { name: `在 JSON 中定位到第 ${line} 行第 6 列` }).click();
    expect(await page.evaluate('document.activeElement.selectionStart')).toBe(comma);

    // Running is refused until the JSON parses; nothing is sent.
    await page.getByRole('button', { name: '运行测算' }).click();
    expect(await text(page.getByTestId('run-message'))).toBe('请先改正标红的方案');
    await third.getByLabel('政策文件(JSON)').fill(WRONG_SHARE);
    await expect.poll(() => text(third.getByTestId('errors'))).toBe('');
  });

  it("shows the service's refusal in Chinese beside the proposal, with its English original", async () => {
    await page.getByRole('button', { name: '运行测算' }).click();
    const errors = proposal(3).getByTestId('errors');
    await expect.poll(() => text(errors)).toContain('规则1 · 资金分担：份额之和须为100%(现为90%)');
    expect(await text(errors.locator('.error-original'))).toBe(
      'policy.rules[0].funding: shares must sum to 10000 bp, got 9000',
    );
    expect(await errors.locator('.error-original').getAttribute('lang')).toBe('en');
    // The two others ran.
    await expect.poll(() => page.locator('[data-testid=totals] thead th[data-column]').count()).toBe(3);
    expect(await text(page.getByTestId('results-message'))).toContain('部分方案未通过校验');
    expect(problems).toEqual(expect.arrayContaining(['400 /api/v1/simulations']));
    expect(problems.filter((problem) => !/\b400\b/.test(problem))).toEqual([]);
    problems.length = 0;
    await proposal(3).scrollIntoViewIfNeeded();
    await screenshot('zh-refused', false);

    await proposal(3).getByLabel('政策文件(JSON)').fill(JSON_TEXT);
  });

  it('runs the three, showing progress and staying responsive while the service works', async () => {
    // The service answers a small month at once: hold its answers back, as a city's month would.
    await page.route('**/api/v1/simulations', async (route) => {
      const response = await route.fetch();
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await route.fulfill({ response });
    });
    await page.getByRole('button', { name: '运行测算' }).click();
    await expect.poll(() => page.locator('#spinner').isVisible()).toBe(true);
    expect(await text(page.locator('#progress-text'))).toMatch(/^正在测算 3 个方案… 已用 0 秒$/);
    expect(await page.getByRole('button', { name: '运行测算' }).isDisabled()).toBe(true);
    // The page keeps answering: the clock ticks and a field can be typed in.
    await expect.poll(() => text(page.locator('#progress-text'))).toMatch(/已用 [12] 秒$/);
    await proposal(1).locator('fieldset.rule').first().getByLabel('规则名称').fill('80周岁以上');
    await screenshot('zh-running', false);
    await expect
      .poll(() => text(page.locator('#progress-text')), { timeout: 30_000 })
      .toMatch(/^测算完成，用时 \d+\.\d 秒$/);
    await page.unroute('**/api/v1/simulations');
    expect(await page.locator('#spinner').isVisible()).toBe(false);
    expect(await proposal(3).getByTestId('errors').textContent()).toBe('');
  });

  it("shows the month as recorded and each proposal with the service's own figures", async () => {
    const baseline = expected[0]?.baseline as Figures;
    for (const answer of expected) expect(answer.baseline).toEqual(baseline);
    const headings = await page.locator('[data-testid=totals] thead th').allTextContents();
    expect(headings).toEqual([
      '指标',
      '现行(实际记录)',
      `方案1${TIANJIN_LIKE.name}`,
      `方案2${FORM_PROPOSAL.name}`,
      `方案3${JSON_PROPOSAL.name}`,
    ]);
    for (const [key, asMoney] of FIGURE_KEYS) {
      const row = `data-figure=${key}`;
      const show = (fen: number) => (asMoney ? money(fen) : count(fen));
      expect(await text(cell('totals', row, 'recorded')), key).toBe(show(baseline[key]));
      for (const [index, answer] of expected.entries()) {
        const shown = cell('totals', row, String(index + 1));
        expect(await text(shown.locator('.value')), `${key} ${index + 1}`).toBe(show(answer.proposed[key]));
        expect(await text(shown.locator('.change')), `${key} ${index + 1}`).toBe(
          changeText(answer.proposed[key], baseline[key], asMoney),
        );
        const direction =
          answer.proposed[key] > baseline[key]
            ? 'up'
            : answer.proposed[key] < baseline[key]
              ? 'down'
              : 'same';
        expect(await shown.locator('.change').getAttribute('class')).toBe(`change ${direction}`);
      }
    }
    // Spelled out once: the recorded month paid 80+ elders 3 元 a meal, and proposal 2 pays 5 元 and 1.50 元 to the canteen.
    expect(expected[1]?.proposed.operatingSubsidyFen).toBe(
      (expected[1]?.proposed.subsidisedMeals ?? 0) * 150,
    );

    for (const [index, answer] of expected.entries())
      for (const key of ['gaining', 'losing', 'unchanged'] as const)
        expect(
          await text(cell('elders', `data-elders=${key}`, String(index + 1))),
          `${key} ${index + 1}`,
        ).toBe(count(answer.elders[key]));
    const served = (expected[0]?.elders.affected ?? 0) + (expected[0]?.elders.unchanged ?? 0);
    expect(served).toBe(5);
    expect(await text(cell('elders', 'data-elders=served', 'recorded'))).toBe('5');
    expect(await page.locator('[data-testid=elders] tbody th').allTextContents()).toEqual([
      '就餐老人',
      '补贴增加',
      '补贴减少',
      '补贴不变',
    ]);

    const sources = new Set(
      [baseline, ...expected.map((answer) => answer.proposed)].flatMap((figures) =>
        figures.bySource.map((part) => part.source),
      ),
    );
    expect(await page.locator('[data-testid=by-source] tbody tr').count()).toBe(sources.size);
    const fenOf = (figures: Figures, source: string) =>
      figures.bySource.find((part) => part.source === source)?.fen ?? 0;
    for (const source of sources) {
      const row = `data-source=${source}`;
      expect(await text(cell('by-source', row, 'recorded'))).toBe(money(fenOf(baseline, source)));
      for (const [index, answer] of expected.entries())
        expect(await text(cell('by-source', row, String(index + 1)).locator('.value')), source).toBe(
          money(fenOf(answer.proposed, source)),
        );
    }
    expect(await text(page.locator('[data-testid=by-source] tr[data-source=city-finance] th'))).toBe(
      '市财政',
    );

    const ruleIds = new Set(expected.flatMap((answer) => answer.byRule.map((rule) => rule.ruleId)));
    expect(await page.locator('[data-testid=by-rule] tbody tr').count()).toBe(ruleIds.size);
    for (const ruleId of ruleIds) {
      const row = `data-rule="${ruleId}"`;
      for (const [index, answer] of expected.entries()) {
        const rule = answer.byRule.find((found) => found.ruleId === ruleId);
        const shown = cell('by-rule', row, String(index + 1)).locator('.value');
        expect(await text(shown), `${ruleId} ${index + 1}`).toBe(rule ? money(rule.proposedFen) : '—');
        if (rule) expect(await text(cell('by-rule', row, 'recorded'))).toBe(money(rule.baselineFen));
      }
    }
    expect(await text(page.locator('[data-testid=by-rule] tr[data-rule=rule-1] th'))).toBe(
      '80周岁以上rule-1',
    );
  });

  it('draws the change by funding source and by canteen as bar charts', async () => {
    await page.waitForTimeout(600); // the bars' opening animation
    for (const chart of ['source-chart', 'canteen-chart']) {
      const canvas = page.locator(`[data-testid=${chart}] canvas`).first();
      await expect.poll(() => canvas.count(), { message: chart }).toBeGreaterThan(0);
      const box = await canvas.boundingBox();
      expect(box?.width, chart).toBeGreaterThan(600);
      expect(box?.height, chart).toBeGreaterThan(200);
      expect(await page.evaluate(DRAWN_PIXELS(chart)), chart).toBeGreaterThan(5000);
    }
    const baseline = expected[0]?.baseline as Figures;
    const canteenSeries = (await page.evaluate(CHART_SERIES('canteen-chart'))) as {
      name: string;
      data: number[];
    }[];
    expect(canteenSeries.map((series) => series.name)).toEqual([
      '现行(实际记录)',
      '方案1 天津式:80周岁以上…',
      '方案2 80岁以上每餐5元',
      '方案3 困难老人每日5元',
    ]);
    const canteens = expected[0]?.canteens ?? [];
    expect(canteenSeries[0]?.data).toEqual(canteens.map((canteen) => canteen.baseline.reimbursementFen));
    for (const [index, answer] of expected.entries())
      expect(canteenSeries[index + 1]?.data).toEqual(
        canteens.map(
          (canteen) =>
            answer.canteens.find((found) => found.canteenId === canteen.canteenId)?.proposed
              .reimbursementFen ?? 0,
        ),
      );
    const sourceSeries = (await page.evaluate(CHART_SERIES('source-chart'))) as { data: number[] }[];
    expect(sourceSeries).toHaveLength(4);
    expect(sourceSeries[0]?.data.reduce((sum, fen) => sum + fen, 0)).toBe(
      baseline.bySource.reduce((sum, part) => sum + part.fen, 0),
    );
    await page.locator('[data-testid=source-chart]').hover();
    await page.waitForTimeout(300);
  });

  it('exports the three proposals as a workbook, fetched with the token', async () => {
    const [download, request] = await Promise.all([
      page.waitForEvent('download'),
      page.waitForRequest((sent) => sent.url().endsWith('/api/v1/simulations/export.xlsx')),
      page.getByRole('button', { name: '导出 Excel' }).click(),
    ]);
    expect(request.headers().authorization).toBe(`Bearer ${reviewer}`);
    expect(download.suggestedFilename()).toBe(`simulation-${MONTH}.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(await download.path()) as never);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['总览', '食堂', '补贴规则', '老人']);
    const totals = workbook.getWorksheet('总览');
    const rowOf = (label: string) => {
      let found: unknown[] = [];
      totals?.eachRow((row) => {
        const values = (row.values as unknown[]).slice(1);
        if (values[0] === label) found = values;
      });
      return found;
    };
    const baseline = expected[0]?.baseline as Figures;
    expect(rowOf('应拨付(元)')).toEqual([
      '应拨付(元)',
      baseline.reimbursementFen / 100,
      ...expected.flatMap((answer) => [
        answer.proposed.reimbursementFen / 100,
        (answer.proposed.reimbursementFen - baseline.reimbursementFen) / 100,
      ]),
    ]);
    expect(rowOf('售餐数')[1]).toBe(baseline.mealsSold);
    expect(totals?.getRow(1).values).toContain(`${FORM_PROPOSAL.name} 增减`);
    await expect.poll(() => text(page.locator('#progress-text'))).toBe(`已下载 simulation-${MONTH}.xlsx`);
  });

  it('reads well at 1280 and 1024 px, in Chinese and in English', async () => {
    for (const width of [1280, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(400);
      expect(await page.evaluate(OVERFLOWING), `zh ${width}`).toEqual([]);
      await page.evaluate('window.scrollTo(0, 0)');
      await screenshot(`zh-${width}`);
    }
    await page.locator('#lang').click();
    await expect.poll(() => text(page.locator('#proposals-title'))).toBe('Proposals');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(await text(page.locator('[data-testid=totals] thead th[data-column=recorded]'))).toBe(
      'As recorded',
    );
    expect(await page.locator('[data-testid=totals] tbody th').allTextContents()).toEqual([
      'Meals sold',
      'Subsidised meals',
      'Meal subsidy',
      'Operating subsidy',
      'To reimburse',
    ]);
    expect(await text(cell('totals', 'data-figure=reimbursementFen', '2').locator('.value'))).toBe(
      money(expected[1]?.proposed.reimbursementFen ?? 0),
    );
    expect(await proposal(2).locator('fieldset.rule legend').first().textContent()).toBe('Rule 1');
    expect(await text(page.locator('#progress-text'))).toBe(`Downloaded simulation-${MONTH}.xlsx`);
    for (const width of [1024, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(400);
      expect(await page.evaluate(OVERFLOWING), `en ${width}`).toEqual([]);
      await page.evaluate('window.scrollTo(0, 0)');
      await screenshot(`en-${width}`);
    }
    await page.locator('#lang').click();
    await expect.poll(() => text(page.locator('#proposals-title'))).toBe('测算方案');
  });

  it('links to the dashboard and back, still signed in', async () => {
    await page.getByRole('link', { name: '监管看板', exact: true }).click();
    await expect.poll(() => page.locator('#board').isVisible()).toBe(true);
    await page.getByRole('link', { name: '政策测算', exact: true }).click();
    await expect.poll(() => page.locator('#workspace').isVisible()).toBe(true);
    // The proposals are kept for the session.
    expect(await proposal(3).getByLabel('方案名称').inputValue()).toBe(JSON_PROPOSAL.name);
    expect(await proposal(2).locator('fieldset.rule').first().getByLabel('金额(元)').inputValue()).toBe('5');
    expect(problems).toEqual([]);
  });
});
