import { type CapHistoryEntry, capWindowOf } from '../policy/caps.ts';
import { type BusinessDate, type MonthKey, monthKeyOf } from '../time/calendar.ts';

/** A decided meal as the elder's allowance remembers it: the caps count the ones not voided. */
export interface AllowanceMeal extends CapHistoryEntry {
  readonly saleId: string;
  /** Where the decision stands in the elder's stream: the sale as decided is read back from there. */
  readonly revision: number;
  /** Voided meals stop counting but stay known, so that a retried sale is not decided twice. */
  readonly voided: boolean;
}

/**
 * 补贴额度: an elder's decided meals by business month. Caps only ever count the day, ISO week and
 * month of the meal at hand, so a decision needs at most two months of them, never the elder's life.
 * `covers` says which months are at hand: every month (a fold of the whole stream) or those loaded.
 */
export interface Allowance {
  /** Each month's meals in arrival order; a covered month without meals may be absent. */
  readonly months: ReadonlyMap<MonthKey, readonly AllowanceMeal[]>;
  readonly covers: 'all' | ReadonlySet<MonthKey>;
}

export const EMPTY_ALLOWANCE: Allowance = { months: new Map(), covers: 'all' };

/** The months whose meals the caps may count for a meal on `date`: its month and its week's. */
export function capMonthsOf(date: BusinessDate): MonthKey[] {
  const [monday, sunday] = capWindowOf('week', date);
  return [...new Set([monthKeyOf(monday), monthKeyOf(date), monthKeyOf(sunday)])];
}

function coversMonth(allowance: Allowance, month: MonthKey): boolean {
  return allowance.covers === 'all' || allowance.covers.has(month);
}

function requireCovered(allowance: Allowance, month: MonthKey): readonly AllowanceMeal[] {
  if (!coversMonth(allowance, month)) throw new Error(`the allowance of ${month} is not loaded`);
  return allowance.months.get(month) ?? [];
}

/** The non-voided meals the caps count for a meal on `date`: those of its months, month by month. */
export function capHistoryOf(allowance: Allowance, date: BusinessDate): AllowanceMeal[] {
  const meals: AllowanceMeal[] = [];
  for (const month of capMonthsOf(date)) {
    for (const meal of requireCovered(allowance, month)) if (!meal.voided) meals.push(meal);
  }
  return meals;
}

/** The decision recorded for `saleId`, voided or not; a retried sale has its own business date. */
export function decidedMealOf(
  allowance: Allowance,
  date: BusinessDate,
  saleId: string,
): AllowanceMeal | undefined {
  return requireCovered(allowance, monthKeyOf(date)).find((meal) => meal.saleId === saleId);
}

export function withMeal(allowance: Allowance, meal: AllowanceMeal): Allowance {
  const month = monthKeyOf(meal.businessDate);
  const months = new Map(allowance.months);
  months.set(month, [...(allowance.months.get(month) ?? []), meal]);
  return { ...allowance, months };
}

/**
 * The allowance without `saleId` counting. Voids record the meal's business date; older ones did not,
 * and are looked for in every month at hand.
 */
export function withVoided(allowance: Allowance, saleId: string, date: BusinessDate | undefined): Allowance {
  const candidates = date === undefined ? [...allowance.months.keys()] : [monthKeyOf(date)];
  let months: Map<MonthKey, readonly AllowanceMeal[]> | null = null;
  for (const month of candidates) {
    const meals = allowance.months.get(month);
    const index = meals?.findIndex((meal) => meal.saleId === saleId && !meal.voided) ?? -1;
    if (meals === undefined || index < 0) continue;
    months ??= new Map(allowance.months);
    months.set(
      month,
      meals.map((meal, at) => (at === index ? { ...meal, voided: true } : meal)),
    );
  }
  return months === null ? allowance : { ...allowance, months };
}
