import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber } from '../../tests/support/bureau.ts';
import { BEIJING_LIKE, TIANJIN_LIKE, ZENGCHENG_LIKE } from '../../tests/support/example-policies.ts';
import {
  decideMonth,
  type OracleCanteen,
  type OracleElder,
  type OracleEvent,
  type OracleFigures,
} from '../../tests/support/policy-oracle.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

/**
 * 政策测算 over HTTP: a month of meals recorded under one policy (sold in an order that is not the
 * order of their times, with guests, offline sales, voids, a death, a birthday and a category that
 * starts mid-month), then decided again under each example policy of the policy language. Each answer
 * must equal, to the fen, what an independent implementation of the language (`policy-oracle.ts`,
 * written from its text alone) computes from the sales this test sent.
 */

const MONTH = '2026-10';

/** What the month was recorded under: 80+ get 3 元 a meal at lunch or dinner, once a day. */
const RECORDED = {
  policyId: 'recorded-2026',
  name: '现行政策',
  effectiveFrom: '2026-01-01',
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  rules: [
    {
      ruleId: 'age-80',
      eligible: { minAge: 80 },
      periods: ['lunch', 'dinner'],
      benefit: { kind: 'fixed', fen: 300 },
      funding: [
        { source: 'city-welfare-lottery', shareBp: 6000 },
        { source: 'district-finance', shareBp: 4000, locality: 'district' },
      ],
    },
  ],
  caps: [{ per: 'day', max: 1 }],
  operatingSubsidy: [{ kind: 'perSubsidisedMeal', fen: 100 }],
};

/** A proposal using what the example policies leave out: percentOff, period, week and group caps, a minimum payment, home-district scope and every operating subsidy kind. */
const RICH_PROPOSAL = {
  name: '拟议:打折与分餐次上限',
  scope: 'home-district',
  offlineExcess: 'canteen-bears',
  elderMinPayFen: 200,
  rules: [
    {
      ruleId: 'hardship-discount',
      eligible: { minAge: 60, categoriesAny: ['dibao', 'tekun'] },
      benefit: { kind: 'percentOff', bp: 3333, maxFen: 450 },
      stackGroup: 'base',
      funding: [
        { source: 'city-finance', shareBp: 3333 },
        { source: 'district-finance', shareBp: 3333, locality: 'district' },
        { source: 'town-finance', shareBp: 3334, locality: 'town' },
      ],
    },
    {
      ruleId: 'age-75',
      eligible: { minAge: 75 },
      periods: ['lunch', 'dinner'],
      benefit: { kind: 'fixed', fen: 250 },
      stackGroup: 'base',
      funding: [{ source: 'city-finance', shareBp: 10000 }],
    },
    {
      ruleId: 'disabled-extra',
      eligible: { minAge: 60, categoriesAll: ['disabled'] },
      channels: ['delivery'],
      minSpendFen: 600,
      benefit: { kind: 'payAtMost', fen: 400 },
      stackGroup: 'extra',
      funding: [
        { source: 'welfare-lottery', fen: 150 },
        { source: 'district-finance', rest: true, locality: 'district' },
      ],
    },
  ],
  caps: [
    { per: 'day', max: 2 },
    { per: 'day', period: 'lunch', max: 1 },
    { per: 'week', max: 9 },
    { per: 'month', max: 30, stackGroup: 'extra' },
  ],
  operatingSubsidy: [
    { kind: 'perSubsidisedMeal', fen: 50, monthlyCapFen: 2000 },
    { kind: 'perElderDay', fen: 120 },
    {
      kind: 'perDinerByAge',
      bands: [
        { minAge: 60, maxAge: 79, fen: 30 },
        { minAge: 80, fen: 60 },
      ],
    },
    { kind: 'flatMonthly', fen: 10000 },
    { kind: 'minMealsPerDay', meals: 2 },
  ],
};

const MENU = [
  { itemId: 'set-a', name: '套餐', priceFen: 1200 },
  { itemId: 'rice', name: '盖饭', priceFen: 500 },
  { itemId: 'noodles', name: '面条', priceFen: 800 },
  { itemId: 'soup', name: '例汤', priceFen: 200 },
];
const PRICES = new Map(MENU.map((item) => [item.itemId, item.priceFen]));
const LUNCH_AND_DINNER = { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } };
const CANTEENS: (OracleCanteen & { name: string })[] = [
  {
    canteenId: 'lc',
    name: '荔城街食堂',
    district: '增城区',
    town: '荔城街',
    periods: { breakfast: { from: '07:00', to: '09:00' }, ...LUNCH_AND_DINNER },
  },
  { canteenId: 'xt', name: '新塘镇食堂', district: '增城区', town: '新塘镇', periods: LUNCH_AND_DINNER },
  { canteenId: 'sp', name: '石牌街食堂', district: '天河区', town: '石牌街', periods: LUNCH_AND_DINNER },
];
const held = (category: string, from = '2020-01-01', to: string | null = null) => ({ category, from, to });
const ELDERS: OracleElder[] = [
  {
    elderId: 'e1',
    birthDate: '1940-03-01',
    district: '增城区',
    town: '荔城街',
    homeCanteenId: 'lc',
    categories: [],
    diedOn: null,
  },
  {
    elderId: 'e2',
    birthDate: '1950-03-01',
    district: '增城区',
    town: '荔城街',
    homeCanteenId: null,
    categories: [held('dibao')],
    diedOn: null,
  },
  {
    elderId: 'e3',
    birthDate: '1963-05-05',
    district: '增城区',
    town: '新塘镇',
    homeCanteenId: 'xt',
    categories: [held('tekun')],
    diedOn: null,
  },
  {
    elderId: 'e4',
    birthDate: '1958-07-07',
    district: '天河区',
    town: '石牌街',
    homeCanteenId: null,
    categories: [held('disabled'), held('low-income')],
    diedOn: null,
  },
  // 80 on 2026-10-15, 60 on 2026-10-20: both birthdays fall in the month.
  {
    elderId: 'e5',
    birthDate: '1946-10-15',
    district: '增城区',
    town: '荔城街',
    homeCanteenId: null,
    categories: [],
    diedOn: null,
  },
  {
    elderId: 'e6',
    birthDate: '1966-10-20',
    district: '增城区',
    town: '荔城街',
    homeCanteenId: null,
    categories: [held('dibao')],
    diedOn: null,
  },
  {
    elderId: 'e7',
    birthDate: '1936-01-01',
    district: '天河区',
    town: '石牌街',
    homeCanteenId: 'sp',
    categories: [held('veteran'), held('disabled')],
    diedOn: '2026-10-18',
  },
  {
    elderId: 'e8',
    birthDate: '1970-01-01',
    district: '增城区',
    town: '新塘镇',
    homeCanteenId: null,
    categories: [held('dibao')],
    diedOn: null,
  },
  // A category that starts, and one that ends, within the month.
  {
    elderId: 'e9',
    birthDate: '1955-12-12',
    district: '增城区',
    town: '新塘镇',
    homeCanteenId: null,
    categories: [held('low-income', '2026-10-10')],
    diedOn: null,
  },
  {
    elderId: 'e10',
    birthDate: '1945-06-06',
    district: '增城区',
    town: '荔城街',
    homeCanteenId: 'lc',
    categories: [held('dibao', '2020-01-01', '2026-10-12'), held('disabled')],
    diedOn: null,
  },
];

/** A small deterministic generator, so that a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Recorded {
  readonly events: OracleEvent[];
  /** Each sale's subsidy as the service answered it (an offline sale's: what the terminal applied). */
  readonly subsidyFen: Map<string, number>;
  readonly elderOfSale: Map<string, string | null>;
}

describe('POST /api/v1/simulations', () => {
  let service: TestService;
  let recorded: Recorded;

  const admin = async (method: string, path: string, body?: unknown) => {
    const answer = await service.call(method, path, service.adminToken, body);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    return answer.body;
  };

  beforeAll(async () => {
    service = await startTestService();
    await service.projections.start();
    await admin('PUT', `/api/v1/policies/${RECORDED.policyId}`, RECORDED);
    const tokens = new Map<string, string>();
    for (const { canteenId, name, district, town, periods } of CANTEENS) {
      await admin('PUT', `/api/v1/canteens/${canteenId}`, { name, district, town, periods, menu: MENU });
      tokens.set(canteenId, (await admin('PUT', `/api/v1/terminals/${canteenId}-t1`, { canteenId })).token);
    }
    for (const [index, elder] of ELDERS.entries()) {
      await admin('PUT', `/api/v1/elders/${elder.elderId}`, {
        name: '陈桂芳',
        idNumber: idNumber(elder.birthDate, String(100 + index), '440118'),
        district: elder.district,
        town: elder.town,
        ...(elder.homeCanteenId ? { homeCanteenId: elder.homeCanteenId } : {}),
        categories: elder.categories.map(({ category, from, to }) => ({
          category,
          from,
          ...(to ? { to } : {}),
        })),
      });
      await admin('POST', `/api/v1/elders/${elder.elderId}/cards`, { cardUid: `CARD-${elder.elderId}` });
      if (elder.diedOn) await admin('POST', `/api/v1/elders/${elder.elderId}/death`, { date: elder.diedOn });
    }
    recorded = await recordMonth(service, tokens, 420);
  }, 120_000);
  afterAll(async () => {
    await service?.close();
  });

  const simulate = (policy: unknown, token = service.adminToken) =>
    service.call('POST', '/api/v1/simulations', token, { month: MONTH, policy });

  it('answers the month as recorded as its baseline, with the settlement’s figures', async () => {
    const { status, body } = await simulate(BEIJING_LIKE);
    expect(status, JSON.stringify(body)).toBe(200);
    const settlement = (await admin('GET', `/api/v1/settlements/${MONTH}`)) as {
      canteens: (SettlementFigures & { canteenId: string })[];
      totals: SettlementFigures;
    };
    const asFigures = (figures: SettlementFigures) => ({
      mealsSold: figures.mealsSold,
      subsidisedMeals: figures.subsidisedMeals,
      subsidyFen: figures.subsidyFen,
      operatingSubsidyFen: figures.operatingSubsidyFen,
      reimbursementFen: figures.reimbursementFen - figures.adjustmentsFen,
      // The settlement prints each source's name beside its figures; the simulation answers figures.
      bySource: figures.bySource.map(({ source, fen }) => ({ source, fen })),
    });
    expect(body.baseline).toEqual(asFigures(settlement.totals));
    expect(body.baseline.mealsSold).toBeGreaterThan(300);
    expect(body.baseline.subsidisedMeals).toBeGreaterThan(10);
    for (const canteen of settlement.canteens)
      expect(
        body.canteens.find((found: { canteenId: string }) => found.canteenId === canteen.canteenId),
      ).toMatchObject({
        name: CANTEENS.find((known) => known.canteenId === canteen.canteenId)?.name,
        baseline: asFigures(canteen),
      });
  });

  for (const [label, proposal] of [
    ['Beijing-like', BEIJING_LIKE],
    ['Tianjin-like', TIANJIN_LIKE],
    ['Zengcheng-like', ZENGCHENG_LIKE],
    ['a proposal using every other part of the language', RICH_PROPOSAL],
    ['the recorded policy itself (offline sales re-decided online)', RECORDED],
  ] as const) {
    it(`decides the month again under ${label} exactly as an independent implementation does`, async () => {
      const before = await service.eventCount();
      const { status, body } = await simulate(proposal);
      expect(status, JSON.stringify(body)).toBe(200);
      const expected = decideMonth({
        month: MONTH,
        policy: proposal,
        canteens: CANTEENS,
        elders: ELDERS,
        events: recorded.events,
      });
      expect(body.month).toBe(MONTH);
      expect(body.proposed).toEqual(figuresOf(expected.total));
      for (const canteen of expected.canteens)
        expect(
          body.canteens.find((found: { canteenId: string }) => found.canteenId === canteen.canteenId)
            ?.proposed,
          canteen.canteenId,
        ).toEqual(figuresOf(canteen.figures));
      const proposedByRule = Object.fromEntries(
        body.byRule
          .filter((rule: { proposedFen: number }) => rule.proposedFen !== 0)
          .map((rule: { ruleId: string; proposedFen: number }) => [rule.ruleId, rule.proposedFen]),
      );
      expect(proposedByRule).toEqual(
        Object.fromEntries(expected.byRule.map((rule) => [rule.ruleId, rule.fen])),
      );
      expect(body.elders).toEqual(elderChanges(recorded, expected.elderSubsidyFen));
      // Nothing is recorded.
      expect(await service.eventCount()).toBe(before);
    });
  }

  it('compares each rule of either policy, named by the label the proposal gives it', async () => {
    const labelled = {
      ...ZENGCHENG_LIKE,
      rules: ZENGCHENG_LIKE.rules.map((rule) =>
        rule.ruleId === 'hardship-60' ? { ...rule, label: '困难老人' } : rule,
      ),
    };
    const { body } = await simulate(labelled);
    const named = Object.fromEntries(
      body.byRule.map((rule: { ruleId: string; name: string | null }) => [rule.ruleId, rule.name]),
    );
    expect(named['hardship-60']).toBe('困难老人');
    expect(named['age-80']).not.toBe('困难老人');
    const ruleIds = body.byRule.map((rule: { ruleId: string }) => rule.ruleId);
    expect(ruleIds).toContain('age-80');
    expect(ruleIds).toContain('hardship-60');
    const recordedRule = body.byRule.find((rule: { ruleId: string }) => rule.ruleId === 'age-80');
    expect(recordedRule.baselineFen).toBeGreaterThan(0);
  });

  it('refuses a policy the policy endpoint would refuse, naming the field, and records nothing', async () => {
    const before = await service.eventCount();
    const broken = {
      ...TIANJIN_LIKE,
      rules: [{ ...TIANJIN_LIKE.rules[0], funding: [{ source: 'city', shareBp: 6000 }] }],
    };
    const { status, body } = await simulate(broken);
    expect(status).toBe(400);
    expect(body.code).toBe('invalid-body');
    expect(body.errors.map((error: { path: string }) => error.path)).toContain('policy.rules[0].funding');
    const unknownKind = await simulate({
      ...BEIJING_LIKE,
      rules: [{ ...BEIJING_LIKE.rules[0], benefit: { kind: 'free' } }],
    });
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.body.errors[0].path).toMatch(/^policy\.rules\[0\]\.benefit/);
    const badMonth = await service.call('POST', '/api/v1/simulations', service.adminToken, {
      month: '2026-13',
      policy: BEIJING_LIKE,
    });
    expect(badMonth.status).toBe(400);
    expect(badMonth.body.errors[0].path).toBe('month');
    expect(await service.eventCount()).toBe(before);
  });

  it('accepts a proposal without id or dates, and answers a month without sales with zeros', async () => {
    const { policyId: _id, effectiveFrom: _from, effectiveTo: _to, ...undated } = BEIJING_LIKE;
    const { status, body } = await service.call('POST', '/api/v1/simulations', service.adminToken, {
      month: '2026-08',
      policy: undated,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.proposed).toEqual({
      mealsSold: 0,
      subsidisedMeals: 0,
      subsidyFen: 0,
      operatingSubsidyFen: 0,
      reimbursementFen: 0,
      bySource: [],
    });
    expect(body.canteens).toEqual([]);
  });

  it('exports up to three proposals beside the month as recorded as a workbook of numbers', async () => {
    const response = await fetch(`${service.url}/api/v1/simulations/export.xlsx`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        month: MONTH,
        proposals: [
          {
            label: '北京式',
            policy: {
              ...BEIJING_LIKE,
              rules: BEIJING_LIKE.rules.map((rule) => ({ ...rule, label: '基本养老服务对象' })),
            },
          },
          { label: '增城式', policy: ZENGCHENG_LIKE },
        ],
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as never);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['总览', '食堂', '补贴规则', '老人']);
    // Rules by the label the proposal gives them; a rule without one keeps its id.
    const ruleRows: unknown[] = [];
    workbook.getWorksheet('补贴规则')?.eachRow((row) => {
      ruleRows.push((row.values as unknown[])[1]);
    });
    expect(ruleRows).toContain('基本养老服务对象');
    expect(ruleRows).not.toContain('basic-care');
    const totals = workbook.getWorksheet('总览');
    const rowOf = (label: string) => {
      let found: unknown[] = [];
      totals?.eachRow((row) => {
        const values = (row.values as unknown[]).slice(1);
        if (values[0] === label) found = values;
      });
      return found;
    };
    const zengcheng = (await simulate(ZENGCHENG_LIKE)).body;
    const beijing = (await simulate(BEIJING_LIKE)).body;
    const reimbursement = rowOf('应拨付(元)');
    expect(reimbursement).toEqual([
      '应拨付(元)',
      zengcheng.baseline.reimbursementFen / 100,
      beijing.proposed.reimbursementFen / 100,
      (beijing.proposed.reimbursementFen - beijing.baseline.reimbursementFen) / 100,
      zengcheng.proposed.reimbursementFen / 100,
      (zengcheng.proposed.reimbursementFen - zengcheng.baseline.reimbursementFen) / 100,
    ]);
    expect(rowOf('售餐数')[1]).toBe(zengcheng.baseline.mealsSold);
    expect(totals?.getRow(1).values).toContain('增城式 增减');
    const refused = await service.call('POST', '/api/v1/simulations/export.xlsx', service.adminToken, {
      month: MONTH,
      proposals: [{ policy: BEIJING_LIKE }, { policy: { ...BEIJING_LIKE, scope: 'everywhere' } }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe('proposals[1].policy.scope');
  });

  it('is for the bureau only: a terminal is refused', async () => {
    const terminal = await admin('PUT', '/api/v1/terminals/lc-t9', { canteenId: 'lc' });
    const { status, body } = await simulate(BEIJING_LIKE, terminal.token);
    expect(status).toBe(403);
    expect(body.code).toBe('forbidden');
  });
});

interface SettlementFigures {
  mealsSold: number;
  subsidisedMeals: number;
  subsidyFen: number;
  operatingSubsidyFen: number;
  reimbursementFen: number;
  adjustmentsFen: number;
  bySource: { source: string; fen: number }[];
}

function figuresOf(figures: OracleFigures) {
  return {
    mealsSold: figures.mealsSold,
    subsidisedMeals: figures.subsidisedMeals,
    subsidyFen: figures.subsidyFen,
    operatingSubsidyFen: figures.operatingSubsidyFen,
    reimbursementFen: figures.reimbursementFen,
    bySource: figures.bySource,
  };
}

/** Elders served whose subsidy for the month would rise, fall, or stay, from the recorded answers. */
function elderChanges(recorded: Recorded, proposed: ReadonlyMap<string, number>) {
  const voided = new Set(recorded.events.flatMap((event) => (event.kind === 'void' ? [event.saleId] : [])));
  const before = new Map<string, number>();
  for (const [saleId, elderId] of recorded.elderOfSale)
    if (elderId !== null && !voided.has(saleId))
      before.set(elderId, (before.get(elderId) ?? 0) + (recorded.subsidyFen.get(saleId) ?? 0));
  let gaining = 0;
  let losing = 0;
  let unchanged = 0;
  for (const [elderId, fen] of before) {
    const after = proposed.get(elderId) ?? 0;
    if (after > fen) gaining += 1;
    else if (after < fen) losing += 1;
    else unchanged += 1;
  }
  return { affected: gaining + losing, gaining, losing, unchanged };
}

/**
 * Sells `count` meals of the month one at a time, in an order unrelated to their times: elders and
 * guests, every canteen, times in and out of each period, both channels, one sale in ten offline with
 * an applied subsidy, and now and then a void of an earlier sale.
 */
async function recordMonth(
  service: TestService,
  tokens: Map<string, string>,
  count: number,
): Promise<Recorded> {
  const random = generator(20261006);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const events: OracleEvent[] = [];
  const subsidyFen = new Map<string, number>();
  const elderOfSale = new Map<string, string | null>();
  const live: { saleId: string; canteenId: string }[] = [];
  const sequence = new Map<string, number>();
  for (let n = 0; n < count; n++) {
    if (live.length > 5 && random() < 0.08) {
      const [target] = live.splice(Math.floor(random() * live.length), 1);
      if (target) {
        const token = tokens.get(target.canteenId) as string;
        const answer = await service.call('POST', `/api/v1/sales/${target.saleId}/void`, token, {
          reason: '退餐',
        });
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        events.push({ kind: 'void', saleId: target.saleId });
      }
    }
    const canteen = pick(CANTEENS);
    const elder = random() < 0.12 ? null : pick(ELDERS);
    const day = String(1 + Math.floor(random() * 31)).padStart(2, '0');
    const time = pick(['07:30', '08:59', '11:00', '12:15', '13:30', '17:05', '18:40', '20:00']);
    const items = pick([
      [{ itemId: 'set-a', qty: 1 }],
      [{ itemId: 'rice', qty: 1 }],
      [
        { itemId: 'noodles', qty: 1 },
        { itemId: 'soup', qty: 1 },
      ],
      [{ itemId: 'set-a', qty: 2 }],
      [{ itemId: 'soup', qty: 1 }],
    ]);
    const priceFen = items.reduce((total, item) => total + (PRICES.get(item.itemId) ?? 0) * item.qty, 0);
    const channel = random() < 0.2 ? 'delivery' : 'dine-in';
    const offline = random() < 0.1;
    const saleId = randomUUID();
    const occurredAt = `2026-10-${day}T${time}:00+08:00`;
    const seq = (sequence.get(canteen.canteenId) ?? 0) + 1;
    sequence.set(canteen.canteenId, seq);
    const answer = await service.call('POST', '/api/v1/sales', tokens.get(canteen.canteenId) as string, {
      saleId,
      terminalSeq: seq,
      occurredAt,
      channel,
      ...(elder ? { cardUid: `CARD-${elder.elderId}` } : {}),
      items,
      payment: { method: 'cash' },
      ...(offline ? { offline: true, appliedSubsidyFen: Math.min(priceFen, pick([0, 300, 500])) } : {}),
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    events.push({
      kind: 'sale',
      sale: {
        saleId,
        canteenId: canteen.canteenId,
        elderId: elder?.elderId ?? null,
        occurredAt,
        channel,
        priceFen,
      },
    });
    subsidyFen.set(saleId, answer.body.subsidyFen);
    elderOfSale.set(saleId, elder?.elderId ?? null);
    live.push({ saleId, canteenId: canteen.canteenId });
  }
  return { events, subsidyFen, elderOfSale };
}
