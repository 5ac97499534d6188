import { fen } from '../money.ts';
import { instantFromIso } from '../time/shanghai-time.ts';
import type { CapHistoryEntry } from './caps.ts';
import { decideMealSubsidy, type MealSubsidyDecision } from './decide-subsidy.ts';
import type { CanteenFacts, ElderFacts } from './meal-facts.ts';
import { parsePolicyDocument } from './policy-document.ts';
import type { Channel, PolicyDocument } from './policy-types.ts';

/** Shared givens for the policy unit tests. */

export function policyFrom(document: unknown): PolicyDocument {
  const parsed = parsePolicyDocument(document);
  if (!parsed.ok) throw new Error(`test policy refused: ${JSON.stringify(parsed.issues)}`);
  return parsed.policy;
}

/** A one-source funding list, the simplest valid one. */
export const CITY_PAYS_ALL = [{ source: 'city', shareBp: 10_000 }];

/** A wire rule: 300 fen a meal paid by the city, unless overridden. */
export function wireRule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ruleId: 'r1',
    benefit: { kind: 'fixed', fen: 300 },
    funding: CITY_PAYS_ALL,
    ...overrides,
  };
}

/** A wire policy in force from 2024-01-01 with one default rule, unless overridden. */
export function wirePolicy(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    policyId: 'test-2024',
    name: '测试政策',
    effectiveFrom: '2024-01-01',
    scope: 'citywide',
    offlineExcess: 'canteen-bears',
    rules: [wireRule()],
    ...overrides,
  };
}

export function testPolicy(overrides: Record<string, unknown> = {}): PolicyDocument {
  return policyFrom(wirePolicy(overrides));
}

export const HOME_CANTEEN: CanteenFacts = {
  canteenId: 'licheng-1',
  district: '增城区',
  town: '荔城街',
  periods: {
    breakfast: { from: '06:30', to: '09:00' },
    lunch: { from: '11:00', to: '13:30' },
    dinner: { from: '17:00', to: '19:00' },
  },
};

export const OTHER_TOWN_CANTEEN: CanteenFacts = { ...HOME_CANTEEN, canteenId: 'zhucun-1', town: '朱村街' };

export const OTHER_DISTRICT_CANTEEN: CanteenFacts = {
  ...HOME_CANTEEN,
  canteenId: 'baiyun-1',
  district: '白云区',
  town: '荔城街', // same town name in another district: not the elder's town
};

/** An elder born 1944-05-10 (80 from 2024-05-10) living by the home canteen, with no categories. */
export function testElder(overrides: Partial<ElderFacts> = {}): ElderFacts {
  return {
    elderId: 'elder-1',
    birthDate: '1944-05-10',
    categories: [],
    district: HOME_CANTEEN.district,
    town: HOME_CANTEEN.town,
    homeCanteenId: HOME_CANTEEN.canteenId,
    deathDate: null,
    cardRetiredBeforeSale: false,
    ...overrides,
  };
}

export function instant(iso: string): number {
  const parsed = instantFromIso(iso);
  if (parsed === null) throw new Error(`bad instant in test: ${iso}`);
  return parsed;
}

/** 2024-06-03 is a Monday. */
export const MONDAY_LUNCH = '2024-06-03T12:00:00+08:00';

export interface TestMeal {
  readonly policy?: PolicyDocument | null;
  readonly elder?: ElderFacts | null;
  readonly at?: string;
  readonly priceFen?: number;
  readonly channel?: Channel;
  readonly canteen?: CanteenFacts;
  readonly history?: readonly CapHistoryEntry[];
}

/** Decides a meal with sensible defaults: the test policy, an 80-year-old, Monday lunch at 12 yuan. */
export function decide(meal: TestMeal = {}): MealSubsidyDecision {
  return decideMealSubsidy({
    policy: meal.policy === undefined ? testPolicy() : meal.policy,
    sale: {
      occurredAt: instant(meal.at ?? MONDAY_LUNCH),
      channel: meal.channel ?? 'dine-in',
      priceFen: fen(meal.priceFen ?? 1200),
      canteen: meal.canteen ?? HOME_CANTEEN,
    },
    elder: meal.elder === undefined ? testElder() : meal.elder,
    capHistory: meal.history ?? [],
  });
}

/** A history entry for caps. */
export function earlier(
  businessDate: string,
  options: { period?: CapHistoryEntry['period']; subsidised?: boolean; groups?: string[] } = {},
): CapHistoryEntry {
  return {
    businessDate,
    period: options.period ?? 'lunch',
    subsidised: options.subsidised ?? true,
    paidStackGroups: options.groups ?? [],
  };
}

/** Lines in a compact form for table-like expectations. */
export function linesOf(decision: { readonly lines: MealSubsidyDecision['lines'] }): unknown[] {
  return decision.lines.map((line) => ({
    ruleId: line.ruleId,
    fen: line.fen,
    funding: Object.fromEntries(line.funding.map((part) => [part.source, part.fen])),
  }));
}
