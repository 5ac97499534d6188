// An independent model of the policy language (version 1), written from its specification alone, to check the
// service's monthly figures against. It decides every sale of one month online, in the order the events
// were recorded, under one policy treated as in force on every date, and then folds the month's
// non-voided sales into per-canteen figures and the canteens' operating subsidy.
//
// Integer fen throughout; clarity over speed (still linear enough for thousands of events).

// ---------------------------------------------------------------------------------------------------------
// Input and output

export interface OraclePeriod {
  /** "HH:MM", Asia/Shanghai local time, inclusive. */
  from: string;
  /** "HH:MM", Asia/Shanghai local time, exclusive. */
  to: string;
}

export interface OraclePeriods {
  breakfast?: OraclePeriod;
  lunch?: OraclePeriod;
  dinner?: OraclePeriod;
}

export interface OracleCanteen {
  canteenId: string;
  district: string;
  town: string;
  periods: OraclePeriods;
}

export interface OracleElder {
  elderId: string;
  /** YYYY-MM-DD */
  birthDate: string;
  district: string;
  town: string;
  homeCanteenId: string | null;
  /** `from` inclusive, `to` exclusive (null: open-ended), YYYY-MM-DD. */
  categories: { category: string; from: string; to: string | null }[];
  /** YYYY-MM-DD; the elder is alive (and may be subsidised) on this date itself. */
  diedOn: string | null;
}

export interface OracleSale {
  saleId: string;
  canteenId: string;
  /** null: a guest without a card. */
  elderId: string | null;
  /** ISO 8601 with an offset, e.g. 2026-10-08T12:00:00+08:00. */
  occurredAt: string;
  channel: 'dine-in' | 'delivery';
  priceFen: number;
}

export type OracleEvent = { kind: 'sale'; sale: OracleSale } | { kind: 'void'; saleId: string };

export interface OracleFigures {
  mealsSold: number;
  subsidisedMeals: number;
  subsidyFen: number;
  operatingSubsidyFen: number;
  reimbursementFen: number;
  /** Sorted by source, zero amounts left out. */
  bySource: { source: string; fen: number }[];
}

export interface OracleMonth {
  month: string;
  total: OracleFigures;
  /** Sorted by canteenId; only canteens with at least one non-voided sale in the month. */
  canteens: { canteenId: string; figures: OracleFigures }[];
  /** Sorted by ruleId, zero amounts left out. */
  byRule: { ruleId: string; fen: number }[];
  /** Per elder with at least one non-voided sale in the month: the sum of those sales' subsidies. */
  elderSubsidyFen: Map<string, number>;
}

// ---------------------------------------------------------------------------------------------------------
// The policy document (only what the oracle needs), read leniently but refusing what it cannot understand

type Benefit =
  | { kind: 'fixed'; fen: number }
  | { kind: 'percentOff'; bp: number; maxFen?: number | null }
  | { kind: 'payAtMost'; fen: number };

interface FundingPart {
  source: string;
  shareBp?: number;
  fen?: number;
  rest?: boolean;
  locality?: 'district' | 'town' | null;
}

interface Rule {
  ruleId: string;
  eligible?: {
    minAge?: number | null;
    maxAge?: number | null;
    categoriesAny?: string[] | null;
    categoriesAll?: string[] | null;
  } | null;
  periods?: string[] | null;
  channels?: string[] | null;
  minSpendFen?: number | null;
  benefit: Benefit;
  stackGroup?: string | null;
  funding: FundingPart[];
}

interface Cap {
  per: 'day' | 'week' | 'month';
  max: number;
  period?: string | null;
  stackGroup?: string | null;
}

type OperatingItem =
  | { kind: 'perSubsidisedMeal'; fen: number; monthlyCapFen?: number | null }
  | { kind: 'perElderDay'; fen: number; monthlyCapFen?: number | null }
  | {
      kind: 'perDinerByAge';
      bands: { minAge: number; maxAge?: number | null; fen: number }[];
      monthlyCapFen?: number | null;
    }
  | { kind: 'flatMonthly'; fen: number; monthlyCapFen?: number | null }
  | { kind: 'minMealsPerDay'; meals: number; monthlyCapFen?: number | null };

interface Policy {
  rules: Rule[];
  caps: Cap[];
  elderMinPayFen: number;
  scope: 'citywide' | 'home-district' | 'home-canteen';
  operatingSubsidy: OperatingItem[];
}

function readPolicy(document: unknown): Policy {
  if (typeof document !== 'object' || document === null) throw new Error('oracle: policy is not an object');
  const raw = document as {
    rules?: Rule[];
    caps?: Cap[] | null;
    elderMinPayFen?: number | null;
    scope?: Policy['scope'] | null;
    operatingSubsidy?: OperatingItem[] | null;
  };
  if (!Array.isArray(raw.rules)) throw new Error('oracle: policy.rules is missing');
  const policy: Policy = {
    rules: raw.rules,
    caps: raw.caps ?? [],
    elderMinPayFen: raw.elderMinPayFen ?? 0,
    scope: raw.scope ?? 'citywide',
    operatingSubsidy: raw.operatingSubsidy ?? [],
  };
  if (!['citywide', 'home-district', 'home-canteen'].includes(policy.scope)) {
    throw new Error(`oracle: unknown scope ${policy.scope}`);
  }
  for (const rule of policy.rules) {
    if (!['fixed', 'percentOff', 'payAtMost'].includes(rule.benefit?.kind)) {
      throw new Error(`oracle: rule ${rule.ruleId}: unknown benefit kind ${rule.benefit?.kind}`);
    }
    if (usesShares(rule.funding)) {
      const sum = rule.funding.reduce((total, part) => total + (part.shareBp ?? 0), 0);
      if (sum !== 10000) throw new Error(`oracle: rule ${rule.ruleId}: shares sum to ${sum}, not 10000`);
    } else if (rule.funding.filter((part) => part.rest === true).length > 1) {
      throw new Error(`oracle: rule ${rule.ruleId}: more than one rest part`);
    }
  }
  for (const cap of policy.caps) {
    if (!['day', 'week', 'month'].includes(cap.per)) throw new Error(`oracle: unknown cap per ${cap.per}`);
  }
  for (const item of policy.operatingSubsidy) {
    const kinds = ['perSubsidisedMeal', 'perElderDay', 'perDinerByAge', 'flatMonthly', 'minMealsPerDay'];
    if (!kinds.includes(item.kind)) throw new Error(`oracle: unknown operating subsidy kind ${item.kind}`);
  }
  return policy;
}

function usesShares(funding: FundingPart[]): boolean {
  return funding.some((part) => typeof part.shareBp === 'number');
}

// ---------------------------------------------------------------------------------------------------------
// Dates and times (Asia/Shanghai is UTC+8 all year, no daylight saving)

const MS_PER_DAY = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

interface LocalTime {
  /** The business date, YYYY-MM-DD. */
  date: string;
  /** Milliseconds since local midnight. */
  msOfDay: number;
}

function shanghaiLocalTime(occurredAt: string): LocalTime {
  if (!/(Z|[+-]\d\d:\d\d)$/.test(occurredAt)) {
    throw new Error(`oracle: occurredAt without an offset: ${occurredAt}`);
  }
  const utcMs = Date.parse(occurredAt);
  if (Number.isNaN(utcMs)) throw new Error(`oracle: unreadable occurredAt ${occurredAt}`);
  const localMs = utcMs + SHANGHAI_OFFSET_MS;
  const date = new Date(localMs).toISOString().slice(0, 10);
  const msOfDay = ((localMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  return { date, msOfDay };
}

function dateParts(date: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) throw new Error(`oracle: not a YYYY-MM-DD date: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Days since 1970-01-01. */
function dayNumber(date: string): number {
  const [year, month, day] = dateParts(date);
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** The day number of the Monday starting the date's week. */
function weekStart(date: string): number {
  const days = dayNumber(date);
  // 1970-01-01 was a Thursday: with Monday = 0, its weekday is 3.
  const weekday = (((days + 3) % 7) + 7) % 7;
  return days - weekday;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Whole years on `date`; rises on the birthday itself, and on 1 March in common years for 29 February. */
function ageOn(birthDate: string, date: string): number {
  const [birthYear, birthMonth, birthDay] = dateParts(birthDate);
  const [year, month, day] = dateParts(date);
  let birthdayMonth = birthMonth;
  let birthdayDay = birthDay;
  if (birthMonth === 2 && birthDay === 29 && !isLeapYear(year)) {
    birthdayMonth = 3;
    birthdayDay = 1;
  }
  const hadBirthday = month > birthdayMonth || (month === birthdayMonth && day >= birthdayDay);
  return year - birthYear - (hadBirthday ? 0 : 1);
}

function clockMs(hhmm: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (match === null) throw new Error(`oracle: not an HH:MM time: ${hhmm}`);
  return (Number(match[1]) * 60 + Number(match[2])) * 60_000;
}

const PERIOD_NAMES = ['breakfast', 'lunch', 'dinner'] as const;
type PeriodName = (typeof PERIOD_NAMES)[number];

/** The canteen's period whose [from, to) contains the local time; null when outside every period. */
function periodOf(canteen: OracleCanteen, msOfDay: number): PeriodName | null {
  for (const name of PERIOD_NAMES) {
    const period = canteen.periods[name];
    if (period === undefined) continue;
    const from = clockMs(period.from);
    const to = clockMs(period.to);
    // A period whose end is before its start runs over midnight.
    const inside = from <= to ? from <= msOfDay && msOfDay < to : msOfDay >= from || msOfDay < to;
    if (inside) return name;
  }
  return null;
}

function holdsCategory(elder: OracleElder, category: string, date: string): boolean {
  return elder.categories.some(
    (held) => held.category === category && held.from <= date && (held.to === null || date < held.to),
  );
}

function aliveOn(elder: OracleElder, date: string): boolean {
  return elder.diedOn === null || date <= elder.diedOn;
}

// ---------------------------------------------------------------------------------------------------------
// Deciding one meal (docs/policy-language.en.md "How one meal is decided")

interface Part {
  source: string;
  fen: number;
}

interface Line {
  ruleId: string;
  /** Parts in the rule's listed order, dropped ones at zero. */
  parts: Part[];
}

/** A group's subsidy line, with the group's explicit stackGroup name (null: a rule without one). */
interface GroupLine {
  stackGroup: string | null;
  line: Line;
}

interface Group {
  /** The explicit stackGroup name, or null for a rule that is its own group. */
  stackGroup: string | null;
  /** The group's rules in document order. */
  rules: Rule[];
}

/** Groups in the order of their first rule in the document. */
function groupsOf(rules: Rule[]): Group[] {
  const groups: Group[] = [];
  const named = new Map<string, Group>();
  for (const rule of rules) {
    const name = rule.stackGroup ?? null;
    if (name === null) {
      groups.push({ stackGroup: null, rules: [rule] });
      continue;
    }
    let group = named.get(name);
    if (group === undefined) {
      group = { stackGroup: name, rules: [] };
      named.set(name, group);
      groups.push(group);
    }
    group.rules.push(rule);
  }
  return groups;
}

interface MealFacts {
  elder: OracleElder;
  canteen: OracleCanteen;
  date: string;
  period: PeriodName;
  channel: string;
  priceFen: number;
}

function ruleApplies(rule: Rule, meal: MealFacts): boolean {
  const eligible = rule.eligible ?? {};
  const age = ageOn(meal.elder.birthDate, meal.date);
  if (eligible.minAge != null && age < eligible.minAge) return false;
  if (eligible.maxAge != null && age > eligible.maxAge) return false;
  const any = eligible.categoriesAny ?? [];
  if (any.length > 0 && !any.some((category) => holdsCategory(meal.elder, category, meal.date))) return false;
  const all = eligible.categoriesAll ?? [];
  if (!all.every((category) => holdsCategory(meal.elder, category, meal.date))) return false;
  if (rule.periods != null && !rule.periods.includes(meal.period)) return false;
  if (rule.channels != null && !rule.channels.includes(meal.channel)) return false;
  if (meal.priceFen < (rule.minSpendFen ?? 0)) return false;
  return true;
}

function benefitFen(benefit: Benefit, priceFen: number): number {
  switch (benefit.kind) {
    case 'fixed':
      return benefit.fen;
    case 'percentOff': {
      const off = Math.floor((priceFen * benefit.bp) / 10000);
      return benefit.maxFen == null ? off : Math.min(off, benefit.maxFen);
    }
    case 'payAtMost':
      return Math.max(0, priceFen - benefit.fen);
  }
}

/** Largest-remainder split: floors first, then one fen each by largest remainder (ties: first listed). */
function splitByShares(amount: number, funding: FundingPart[]): number[] {
  const floors = funding.map((part) => Math.floor((amount * (part.shareBp ?? 0)) / 10000));
  const remainders = funding.map((part) => (amount * (part.shareBp ?? 0)) % 10000);
  let left = amount - floors.reduce((sum, fen) => sum + fen, 0);
  const byRemainder = funding.map((_, index) => index);
  byRemainder.sort((a, b) => (remainders[b] ?? 0) - (remainders[a] ?? 0) || a - b);
  for (const index of byRemainder) {
    if (left === 0) break;
    floors[index] = (floors[index] ?? 0) + 1;
    left -= 1;
  }
  return floors;
}

/** Fixed parts in listed order, each at most its fen of what is left; the rest part takes what remains. */
function splitByFixedParts(amount: number, funding: FundingPart[]): number[] {
  const amounts = funding.map(() => 0);
  let left = amount;
  funding.forEach((part, index) => {
    if (part.rest === true) return;
    const take = Math.min(part.fen ?? 0, left);
    amounts[index] = take;
    left -= take;
  });
  const restIndex = funding.findIndex((part) => part.rest === true);
  if (restIndex >= 0) amounts[restIndex] = left;
  return amounts;
}

function localityHolds(locality: FundingPart['locality'], meal: MealFacts): boolean {
  if (locality == null) return true;
  const sameDistrict = meal.canteen.district === meal.elder.district;
  if (locality === 'district') return sameDistrict;
  return sameDistrict && meal.canteen.town === meal.elder.town;
}

/** Step 2 for one applicable rule: its subsidy as funding parts, failing localities dropped to zero. */
function ruleSubsidy(rule: Rule, meal: MealFacts, limitFen: number): Line {
  const amount = Math.max(0, Math.min(benefitFen(rule.benefit, meal.priceFen), limitFen));
  const split = usesShares(rule.funding)
    ? splitByShares(amount, rule.funding)
    : splitByFixedParts(amount, rule.funding);
  const parts = rule.funding.map((part, index) => ({
    source: part.source,
    fen: localityHolds(part.locality, meal) ? (split[index] ?? 0) : 0,
  }));
  return { ruleId: rule.ruleId, parts };
}

function lineFen(line: Line): number {
  return line.parts.reduce((sum, part) => sum + part.fen, 0);
}

// Caps are kept as counters: per elder, cap (its index in the document) and window (the day, week or month
// it counts over), the number of non-voided meals decided so far that the cap counts. A void takes its
// meal back out of the counters it went into, so only the sales decided after the void see the room.

type CapCounts = Map<string, number>;

function capApplies(cap: Cap, period: PeriodName | null): boolean {
  return cap.period == null || cap.period === period;
}

function capCounterKey(elderId: string, capIndex: number, cap: Cap, date: string): string {
  let window: string;
  switch (cap.per) {
    case 'day':
      window = date;
      break;
    case 'week':
      window = `week starting on day ${weekStart(date)}`;
      break;
    case 'month':
      window = date.slice(0, 7);
      break;
  }
  return `${elderId} | cap ${capIndex} | ${window}`;
}

/** Whether a cap that applies to this meal is already full. */
function capIsFull(counts: CapCounts, cap: Cap, capIndex: number, meal: MealFacts): boolean {
  return (counts.get(capCounterKey(meal.elder.elderId, capIndex, cap, meal.date)) ?? 0) >= cap.max;
}

/**
 * The counters a decided meal goes into: a whole-meal cap counts it when subsidised, a cap with stackGroup
 * when that group paid something, and a cap with period only when the meal is of that period.
 */
function capCountersOf(
  policy: Policy,
  elderId: string,
  date: string,
  period: PeriodName | null,
  lines: GroupLine[],
): string[] {
  const subsidyFen = lines.reduce((sum, { line }) => sum + lineFen(line), 0);
  const keys: string[] = [];
  policy.caps.forEach((cap, capIndex) => {
    if (!capApplies(cap, period)) return;
    const counts =
      cap.stackGroup == null
        ? subsidyFen > 0
        : lines.some(({ stackGroup, line }) => stackGroup === cap.stackGroup && lineFen(line) > 0);
    if (counts) keys.push(capCounterKey(elderId, capIndex, cap, date));
  });
  return keys;
}

/** Steps 2 to 6 for a meal that passed step 1: the subsidy lines, each with at least one fen. */
function decideLines(policy: Policy, groups: Group[], meal: MealFacts, capCounts: CapCounts): GroupLine[] {
  const limitFen = Math.max(0, meal.priceFen - policy.elderMinPayFen);

  // Steps 2 and 3: the best rule of each group; a group whose best is zero gives nothing.
  const chosen: GroupLine[] = [];
  for (const group of groups) {
    let best: Line | null = null;
    for (const rule of group.rules) {
      if (!ruleApplies(rule, meal)) continue;
      const line = ruleSubsidy(rule, meal, limitFen);
      if (best === null || lineFen(line) > lineFen(best)) best = line;
    }
    if (best !== null && lineFen(best) > 0) chosen.push({ stackGroup: group.stackGroup, line: best });
  }

  // Step 4: caps. A full whole-meal cap stops the meal, a full group cap stops that group.
  const fullCaps = policy.caps.filter(
    (cap, capIndex) => capApplies(cap, meal.period) && capIsFull(capCounts, cap, capIndex, meal),
  );
  if (fullCaps.some((cap) => cap.stackGroup == null)) return [];
  const paying = chosen.filter(
    ({ stackGroup }) => !fullCaps.some((cap) => cap.stackGroup != null && cap.stackGroup === stackGroup),
  );

  // Step 5: cut the excess over price − elderMinPayFen from the last group backwards, last part first.
  let excess = paying.reduce((sum, { line }) => sum + lineFen(line), 0) - limitFen;
  for (let g = paying.length - 1; g >= 0 && excess > 0; g--) {
    const parts = paying[g]?.line.parts ?? [];
    for (let p = parts.length - 1; p >= 0 && excess > 0; p--) {
      const part = parts[p];
      if (part === undefined) continue;
      const cut = Math.min(part.fen, excess);
      part.fen -= cut;
      excess -= cut;
    }
  }

  // Step 6: each remaining group is a line with its non-zero parts.
  return paying
    .map(({ stackGroup, line }) => ({
      stackGroup,
      line: { ruleId: line.ruleId, parts: line.parts.filter((part) => part.fen > 0) },
    }))
    .filter(({ line }) => lineFen(line) > 0);
}

// ---------------------------------------------------------------------------------------------------------
// The month

interface RecordedSale {
  sale: OracleSale;
  date: string;
  lines: Line[];
  subsidyFen: number;
  /** The cap counters this sale went into. */
  capCounters: string[];
}

export function decideMonth(input: {
  month: string;
  policy: unknown;
  canteens: OracleCanteen[];
  elders: OracleElder[];
  events: OracleEvent[];
}): OracleMonth {
  const policy = readPolicy(input.policy);
  const groups = groupsOf(policy.rules);
  const canteens = new Map(input.canteens.map((canteen) => [canteen.canteenId, canteen]));
  const elders = new Map(input.elders.map((elder) => [elder.elderId, elder]));

  const sales = new Map<string, RecordedSale>();
  const capCounts: CapCounts = new Map();

  for (const event of input.events) {
    if (event.kind === 'void') {
      const recorded = sales.get(event.saleId);
      // A void of a sale not (yet) recorded in this month has nothing to remove.
      if (recorded === undefined) continue;
      for (const key of recorded.capCounters) capCounts.set(key, (capCounts.get(key) ?? 0) - 1);
      sales.delete(event.saleId);
      continue;
    }
    const sale = event.sale;
    const local = shanghaiLocalTime(sale.occurredAt);
    if (local.date.slice(0, 7) !== input.month) continue; // another month's sale: not simulated
    if (sales.has(sale.saleId)) throw new Error(`oracle: sale ${sale.saleId} recorded twice`);
    const canteen = canteens.get(sale.canteenId);
    if (canteen === undefined) throw new Error(`oracle: unknown canteen ${sale.canteenId}`);
    const period = periodOf(canteen, local.msOfDay);

    let lines: GroupLine[] = [];
    let capCounters: string[] = [];
    if (sale.elderId !== null) {
      const elder = elders.get(sale.elderId);
      if (elder === undefined) throw new Error(`oracle: unknown elder ${sale.elderId}`);
      // Step 1: outside every period, dead before the business date, or outside the scope: nothing.
      if (period !== null && aliveOn(elder, local.date) && inScope(policy, elder, canteen)) {
        const meal: MealFacts = {
          elder,
          canteen,
          date: local.date,
          period,
          channel: sale.channel,
          priceFen: sale.priceFen,
        };
        lines = decideLines(policy, groups, meal, capCounts);
      }
      capCounters = capCountersOf(policy, elder.elderId, local.date, period, lines);
      for (const key of capCounters) capCounts.set(key, (capCounts.get(key) ?? 0) + 1);
    }
    const subsidyFen = lines.reduce((sum, { line }) => sum + lineFen(line), 0);
    sales.set(sale.saleId, {
      sale,
      date: local.date,
      lines: lines.map(({ line }) => line),
      subsidyFen,
      capCounters,
    });
  }

  return foldMonth(input.month, policy, elders, [...sales.values()]);
}

function inScope(policy: Policy, elder: OracleElder, canteen: OracleCanteen): boolean {
  switch (policy.scope) {
    case 'citywide':
      return true;
    case 'home-district':
      return canteen.district === elder.district;
    case 'home-canteen':
      return elder.homeCanteenId !== null && elder.homeCanteenId === canteen.canteenId;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Figures of the month's non-voided sales

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function addTo(map: Map<string, number>, key: string, fen: number): void {
  map.set(key, (map.get(key) ?? 0) + fen);
}

function sortedNonZero(map: Map<string, number>): [string, number][] {
  return [...map.entries()].filter(([, fen]) => fen !== 0).sort(([a], [b]) => byKey(a, b));
}

function foldMonth(
  month: string,
  policy: Policy,
  elders: Map<string, OracleElder>,
  sales: RecordedSale[],
): OracleMonth {
  const salesByCanteen = new Map<string, RecordedSale[]>();
  const byRule = new Map<string, number>();
  const elderSubsidyFen = new Map<string, number>();
  for (const recorded of sales) {
    const list = salesByCanteen.get(recorded.sale.canteenId) ?? [];
    list.push(recorded);
    salesByCanteen.set(recorded.sale.canteenId, list);
    for (const line of recorded.lines) addTo(byRule, line.ruleId, lineFen(line));
    if (recorded.sale.elderId !== null) addTo(elderSubsidyFen, recorded.sale.elderId, recorded.subsidyFen);
  }

  const canteens = [...salesByCanteen.entries()]
    .sort(([a], [b]) => byKey(a, b))
    .map(([canteenId, canteenSales]) => ({
      canteenId,
      figures: canteenFigures(policy, elders, canteenSales),
    }));

  const totalBySource = new Map<string, number>();
  const total: OracleFigures = {
    mealsSold: 0,
    subsidisedMeals: 0,
    subsidyFen: 0,
    operatingSubsidyFen: 0,
    reimbursementFen: 0,
    bySource: [],
  };
  for (const { figures } of canteens) {
    total.mealsSold += figures.mealsSold;
    total.subsidisedMeals += figures.subsidisedMeals;
    total.subsidyFen += figures.subsidyFen;
    total.operatingSubsidyFen += figures.operatingSubsidyFen;
    total.reimbursementFen += figures.reimbursementFen;
    for (const { source, fen } of figures.bySource) addTo(totalBySource, source, fen);
  }
  total.bySource = sortedNonZero(totalBySource).map(([source, fen]) => ({ source, fen }));

  return {
    month,
    total,
    canteens,
    byRule: sortedNonZero(byRule).map(([ruleId, fen]) => ({ ruleId, fen })),
    elderSubsidyFen,
  };
}

function canteenFigures(
  policy: Policy,
  elders: Map<string, OracleElder>,
  sales: RecordedSale[],
): OracleFigures {
  const bySource = new Map<string, number>();
  let subsidyFen = 0;
  let subsidisedMeals = 0;
  for (const recorded of sales) {
    subsidyFen += recorded.subsidyFen;
    if (recorded.subsidyFen > 0) subsidisedMeals += 1;
    for (const line of recorded.lines) {
      for (const part of line.parts) addTo(bySource, part.source, part.fen);
    }
  }
  const operatingSubsidyFen = operatingSubsidy(policy, elders, sales);
  return {
    mealsSold: sales.length,
    subsidisedMeals,
    subsidyFen,
    operatingSubsidyFen,
    reimbursementFen: subsidyFen + operatingSubsidyFen,
    bySource: sortedNonZero(bySource).map(([source, fen]) => ({ source, fen })),
  };
}

interface CanteenDay {
  meals: number;
  subsidisedMeals: number;
  /** Distinct elders served that day who were alive on it. */
  elderIds: Set<string>;
}

/** docs/policy-language.en.md "How the operating subsidy is computed", for one canteen's non-voided sales of the month. */
function operatingSubsidy(policy: Policy, elders: Map<string, OracleElder>, sales: RecordedSale[]): number {
  const days = new Map<string, CanteenDay>();
  for (const recorded of sales) {
    let day = days.get(recorded.date);
    if (day === undefined) {
      day = { meals: 0, subsidisedMeals: 0, elderIds: new Set() };
      days.set(recorded.date, day);
    }
    day.meals += 1;
    if (recorded.subsidyFen > 0) day.subsidisedMeals += 1;
    const elder = recorded.sale.elderId === null ? undefined : elders.get(recorded.sale.elderId);
    if (elder !== undefined && aliveOn(elder, recorded.date)) day.elderIds.add(elder.elderId);
  }

  // A day with fewer meals than every minMealsPerDay asks earns nothing from the per-meal and per-day kinds.
  let minMeals = 0;
  for (const item of policy.operatingSubsidy) {
    if (item.kind === 'minMealsPerDay') minMeals = Math.max(minMeals, item.meals);
  }
  const earningDays = [...days.entries()].filter(([, day]) => day.meals >= minMeals);

  let total = 0;
  for (const item of policy.operatingSubsidy) {
    let fen = 0;
    switch (item.kind) {
      case 'perSubsidisedMeal':
        for (const [, day] of earningDays) fen += item.fen * day.subsidisedMeals;
        break;
      case 'perElderDay':
        for (const [, day] of earningDays) fen += item.fen * day.elderIds.size;
        break;
      case 'perDinerByAge':
        for (const [date, day] of earningDays) {
          for (const elderId of day.elderIds) {
            const elder = elders.get(elderId);
            if (elder === undefined) continue;
            const age = ageOn(elder.birthDate, date);
            const band = item.bands.find(
              (candidate) => age >= candidate.minAge && (candidate.maxAge == null || age <= candidate.maxAge),
            );
            fen += band?.fen ?? 0;
          }
        }
        break;
      case 'flatMonthly':
        fen = sales.length > 0 ? item.fen : 0;
        break;
      case 'minMealsPerDay':
        fen = 0;
        break;
    }
    total += item.monthlyCapFen == null ? fen : Math.min(fen, item.monthlyCapFen);
  }
  return total;
}
