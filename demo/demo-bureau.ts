import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nationalIdCheckCharacter } from '../domain/identity/national-id.ts';
import { fen } from '../domain/money.ts';

/** A Tianjin-like policy: 80+, or 60+ disabled on dibao/low income, 3 元 a meal, once a day, five a week. */
export const DEMO_POLICY = {
  policyId: 'demo-2026',
  name: '示例市老年助餐补贴(2026)',
  effectiveFrom: '2026-01-01',
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  rules: [
    {
      ruleId: 'age-80',
      label: '80周岁以上',
      eligible: { minAge: 80 },
      periods: ['lunch', 'dinner'],
      benefit: { kind: 'fixed', fen: 300 },
      stackGroup: 'base',
      funding: [
        { source: 'city-welfare-lottery', shareBp: 6000 },
        { source: 'district-finance', shareBp: 4000, locality: 'district' },
      ],
    },
    {
      ruleId: 'disabled-60',
      label: '60周岁以上失能低保/低收入',
      eligible: { minAge: 60, categoriesAll: ['disabled'], categoriesAny: ['dibao', 'low-income'] },
      periods: ['lunch', 'dinner'],
      benefit: { kind: 'fixed', fen: 300 },
      stackGroup: 'base',
      funding: [{ source: 'city-welfare-lottery', shareBp: 10000 }],
    },
  ],
  caps: [
    { per: 'day', max: 1 },
    { per: 'week', max: 5 },
  ],
  operatingSubsidy: [{ kind: 'perElderDay', fen: 300 }],
};

/**
 * The city's earlier policies, so that the demo history shows how each date is decided by the policy
 * in force then: Beijing-like in 2024, Zengcheng-like in 2025 (docs/policy-language.en.md, examples 1–3).
 */
export const DEMO_EARLIER_POLICIES = [
  {
    policyId: 'demo-2024-beijing-like',
    name: '示例市老年助餐服务补贴(2024,北京式)',
    effectiveFrom: '2024-01-01',
    effectiveTo: '2025-01-01',
    scope: 'citywide',
    offlineExcess: 'canteen-bears',
    rules: [
      {
        ruleId: 'basic-care',
        label: '基本养老服务对象',
        eligible: {
          minAge: 60,
          categoriesAny: ['dibao', 'tekun', 'low-income', 'disabled', 'family-planning'],
        },
        periods: ['lunch', 'dinner'],
        minSpendFen: 501,
        benefit: { kind: 'fixed', fen: 500 },
        funding: [{ source: 'city-finance', shareBp: 10_000 }],
      },
    ],
    caps: [{ per: 'day', max: 1 }],
    operatingSubsidy: [{ kind: 'perElderDay', fen: 300 }],
  },
  {
    policyId: 'demo-2025-zengcheng-like',
    name: '示例市长者饭堂补贴(2025,增城式)',
    effectiveFrom: '2025-01-01',
    effectiveTo: '2026-01-01',
    scope: 'citywide',
    offlineExcess: 'canteen-bears',
    rules: [
      {
        ruleId: 'hardship-60',
        eligible: { minAge: 60, categoriesAny: ['tekun', 'dibao', 'low-income', 'veteran'] },
      },
      { ruleId: 'age-80', eligible: { minAge: 80 }, payAtMostFen: 300 },
      { ruleId: 'age-60-79', eligible: { minAge: 60, maxAge: 79 }, payAtMostFen: 500 },
    ].map(({ ruleId, eligible, payAtMostFen }) => ({
      ruleId,
      eligible,
      benefit: { kind: 'payAtMost', fen: payAtMostFen ?? 100 },
      stackGroup: 'meal',
      funding: [
        { source: 'city-finance', fen: 300 },
        { source: 'district-finance', fen: 300, locality: 'district' },
        { source: 'town-finance', rest: true, locality: 'town' },
      ],
    })),
  },
];

const menu = [
  { itemId: 'set-a', name: '荤素套餐', priceFen: fen(1200) },
  { itemId: 'set-b', name: '清淡套餐', priceFen: fen(1000) },
  { itemId: 'noodles', name: '手擀面', priceFen: fen(800) },
  { itemId: 'soup', name: '例汤', priceFen: fen(200) },
];
const periods = {
  breakfast: { from: '06:30', to: '09:00' },
  lunch: { from: '11:00', to: '13:30' },
  dinner: { from: '17:00', to: '19:00' },
};

/** A valid 18-character ID number for a birth date (region 120101, a demo sequence). */
function demoIdNumber(birth: string, sequence: string): string {
  const first17 = `120101${birth.replaceAll('-', '')}${sequence}`;
  return `${first17}${nationalIdCheckCharacter(first17)}`;
}

/** The demo terminal's canteen serves lunch and dinner around the clock, so the demo works at any hour. */
const ALL_DAY = { lunch: { from: '00:00', to: '15:00' }, dinner: { from: '15:00', to: '24:00' } };

/** Where they stand (for the dashboard's map and the distance check); the Hexi canteen rests on Sundays. */
const CANTEENS = [
  {
    id: 'heping-01',
    name: '和平区幸福食堂',
    district: '和平区',
    town: '劝业场街道',
    location: { lat: 39.121, lng: 117.2 },
    periods: ALL_DAY,
  },
  {
    id: 'hexi-01',
    name: '河西区长者食堂',
    district: '河西区',
    town: '友谊路街道',
    location: { lat: 39.085, lng: 117.215 },
    closedDays: { weekdays: [7], dates: [] },
  },
  {
    id: 'nankai-01',
    name: '南开区老年助餐点',
    district: '南开区',
    town: '学府街道',
    location: { lat: 39.105, lng: 117.165 },
  },
  {
    id: 'hedong-01',
    name: '河东区幸福食堂',
    district: '河东区',
    town: '大王庄街道',
    location: { lat: 39.125, lng: 117.235 },
  },
];

/** How many demo elders: a small city's couple of hundred, with cards CARD0001 … CARD0200. */
export const DEMO_ELDERS = 200;
export const demoCard = (n: number) => `CARD${String(n).padStart(4, '0')}`;

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const GIVEN = ['秀英', '建国', '桂兰', '玉珍', '志强', '淑华', '德明', '凤兰', '国庆', '素芳'];

/** The first three are the ones the README shows; the rest vary in age, category and district. */
function demoElders() {
  const elders = [
    {
      id: 'elder-001',
      name: '张三明',
      birth: '1940-03-15',
      sequence: '123',
      categories: [] as { category: string; from: string }[],
    },
    { id: 'elder-002', name: '李秀英', birth: '1946-08-02', sequence: '244', categories: [] },
    {
      id: 'elder-003',
      name: '王建国',
      birth: '1961-11-20',
      sequence: '311',
      categories: [
        { category: 'dibao', from: '2020-01-01' },
        { category: 'disabled', from: '2022-06-01' },
      ],
    },
  ];
  for (let n = 4; n <= DEMO_ELDERS; n += 1) {
    const year = 1932 + ((n * 7) % 34); // 60 to 94 years old in 2026
    const birth = `${year}-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
    const categories =
      n % 9 === 0
        ? [
            { category: 'dibao', from: '2021-01-01' },
            { category: 'disabled', from: '2023-01-01' },
          ]
        : [];
    elders.push({
      id: `elder-${String(n).padStart(3, '0')}`,
      name: `${SURNAMES[n % SURNAMES.length]}${GIVEN[n % GIVEN.length]}`,
      birth,
      sequence: String(100 + n).padStart(3, '0'),
      categories,
    });
  }
  return elders;
}

/** The funding sources the demo policies draw on, named as the statements print them. */
const FUNDING_SOURCES = [
  { sourceId: 'city-welfare-lottery', name: '城市福利彩票公益金', nameEn: 'City welfare lottery fund' },
  { sourceId: 'city-finance', name: '市级财政资金', nameEn: 'City finance' },
  { sourceId: 'district-finance', name: '区级财政资金', nameEn: 'District finance' },
  { sourceId: 'town-finance', name: '街镇财政资金', nameEn: 'Town finance' },
] as const;

/** Where the demo bureau is registered: the service's address and the bureau admin's token. */
export interface BureauApi {
  readonly serviceUrl: string;
  readonly adminToken: string;
}

/**
 * Registers a demo bureau through the service's API, as a bureau's clerk would: its policies of
 * 2024–2026, four canteens, two hundred elders with cards, one terminal whose token is written to the
 * data folder. Repeatable: registering the same again changes nothing and answers the same token.
 */
export async function registerDemoBureau(
  api: BureauApi,
  options: { readonly dataDir: string; readonly log: (line: string) => void },
): Promise<{ readonly terminalId: string; readonly token: string }> {
  const send = requestsTo(api);
  for (const policy of [...DEMO_EARLIER_POLICIES, DEMO_POLICY]) {
    await send('PUT', `/api/v1/policies/${policy.policyId}`, policy);
  }
  for (const { sourceId, ...names } of FUNDING_SOURCES) {
    await send('PUT', `/api/v1/funding-sources/${sourceId}`, names);
  }
  for (const { id, periods: own, ...canteen } of CANTEENS) {
    await send('PUT', `/api/v1/canteens/${id}`, { ...canteen, periods: own ?? periods, menu });
  }
  const elders = demoElders();
  const registerElder = async (index: number) => {
    const elder = elders[index];
    const home = index < 3 ? CANTEENS[0] : CANTEENS[index % CANTEENS.length];
    if (!elder || !home) throw new Error('no demo elder or canteen');
    await send('PUT', `/api/v1/elders/${elder.id}`, {
      name: elder.name,
      idNumber: demoIdNumber(elder.birth, elder.sequence),
      district: home.district,
      town: home.town,
      homeCanteenId: home.id,
      categories: elder.categories,
    });
    await send('POST', `/api/v1/elders/${elder.id}/cards`, { cardUid: demoCard(index + 1) });
  };
  // A few at a time: the elders are independent, and one at a time keeps a first start waiting.
  const indices = [...elders.keys()];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let index = indices.shift(); index !== undefined; index = indices.shift())
        await registerElder(index);
    }),
  );
  const terminalId = 'heping-01-t1';
  const { token } = (await send('PUT', `/api/v1/terminals/${terminalId}`, { canteenId: 'heping-01' })) as {
    token: string;
  };
  const tokenFile = path.join(options.dataDir, 'demo-terminal-token');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  options.log(
    `demo data: canteens ${CANTEENS.map((canteen) => canteen.id).join(', ')}, ${elders.length} elders with cards ${demoCard(1)}–${demoCard(elders.length)}; terminal ${terminalId}'s token is in ${tokenFile}`,
  );
  return { terminalId, token };
}

/** Sends the admin's requests; an answer other than 2xx stops the registration with its problem. */
function requestsTo(api: BureauApi) {
  return async (method: 'PUT' | 'POST', pathname: string, body: unknown): Promise<unknown> => {
    const response = await fetch(`${api.serviceUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer: unknown = await response.json();
    if (!response.ok)
      throw new Error(
        `demo bureau: ${method} ${pathname} answered ${response.status} ${JSON.stringify(answer)}`,
      );
    return answer;
  };
}
