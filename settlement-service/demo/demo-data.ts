import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nationalIdCheckCharacter } from '../../domain/identity/national-id.ts';
import { fen } from '../../domain/money.ts';
import { parsePolicyDocument } from '../../domain/policy/policy-document.ts';
import type { Services } from '../app.ts';
import type { EventContext } from '../event-sourcing/aggregate-repository.ts';

const context: EventContext = {
  actor: { type: 'system', component: 'demo-data' },
  correlationId: 'demo-data',
};

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

/** Registers a demo bureau: a policy, two canteens, three elders with cards, one terminal. Repeatable. */
export async function seedDemoData(
  services: Services,
  options: { readonly dataDir: string; readonly log: (line: string) => void },
): Promise<void> {
  const policy = parsePolicyDocument(DEMO_POLICY);
  if (!policy.ok) throw new Error(`demo policy is invalid: ${JSON.stringify(policy.issues)}`);
  await services.registration.registerPolicy(policy.policy, context);
  const canteens = [
    { id: 'heping-01', name: '和平区幸福食堂', district: '和平区', town: '劝业场街道' },
    { id: 'hexi-01', name: '河西区长者食堂', district: '河西区', town: '友谊路街道' },
  ];
  for (const canteen of canteens) {
    await services.registration.registerCanteen(
      canteen.id,
      { name: canteen.name, district: canteen.district, town: canteen.town, location: null, periods, menu },
      null,
      context,
    );
  }
  const elders = [
    {
      id: 'elder-001',
      name: '张三明',
      birth: '1940-03-15',
      sequence: '123',
      card: 'CARD0001',
      categories: [],
    },
    {
      id: 'elder-002',
      name: '李秀英',
      birth: '1946-08-02',
      sequence: '244',
      card: 'CARD0002',
      categories: [],
    },
    {
      id: 'elder-003',
      name: '王建国',
      birth: '1961-11-20',
      sequence: '311',
      card: 'CARD0003',
      categories: [
        { category: 'dibao', from: '2020-01-01', to: null },
        { category: 'disabled', from: '2022-06-01', to: null },
      ],
    },
  ];
  for (const elder of elders) {
    await services.registration.registerElder(
      elder.id,
      {
        name: elder.name,
        idNumber: demoIdNumber(elder.birth, elder.sequence),
        district: '和平区',
        town: '劝业场街道',
        homeCanteenId: 'heping-01',
        categories: elder.categories,
      },
      null,
      context,
    );
    await services.registration.bindCard(elder.id, elder.card, null, context);
  }
  const { token } = await services.registration.registerTerminal('heping-01-t1', 'heping-01', context);
  const tokenFile = path.join(options.dataDir, 'demo-terminal-token');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  options.log(
    `demo data: canteens heping-01 and hexi-01, cards CARD0001–CARD0003; terminal heping-01-t1's token is in ${tokenFile}`,
  );
}
