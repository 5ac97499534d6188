import { addDays, type BusinessDate, isoWeekdayOf } from '../time/calendar.ts';
import type { CapWindow, MealPeriod, SubsidyCap } from './policy-types.ts';
import type { SubsidyLine } from './subsidy-lines.ts';

/**
 * An earlier decided, non-voided sale of the same elder, as caps see it. The history is everything
 * decided before the meal at hand (in arrival order), whatever its time, canteen or policy; the caps
 * count it, so a caller may leave out what lies outside the meal's week and month.
 */
export interface CapHistoryEntry {
  readonly businessDate: BusinessDate;
  readonly period: MealPeriod | null;
  /** Its (reimbursable) subsidy was above zero. */
  readonly subsidised: boolean;
  /** The named stack groups that paid something for it. */
  readonly paidStackGroups: readonly string[];
}

/**
 * The entry a decided meal adds to its elder's cap history. The only place a decision becomes one: the
 * elder's allowance, the terminal's offline copy and later sales, and the policy simulation all use it.
 */
export function capHistoryEntryOf(meal: {
  readonly businessDate: BusinessDate;
  readonly period: MealPeriod | null;
  readonly lines: readonly SubsidyLine[];
}): CapHistoryEntry {
  const paying = meal.lines.filter((line) => line.fen > 0);
  return {
    businessDate: meal.businessDate,
    period: meal.period,
    subsidised: paying.length > 0,
    paidStackGroups: [
      ...new Set(paying.flatMap((line) => (line.stackGroup === null ? [] : [line.stackGroup]))),
    ],
  };
}

/** The meal being decided, as caps see it. */
export interface CapMeal {
  readonly businessDate: BusinessDate;
  readonly period: MealPeriod | null;
}

/**
 * The first and last business dates of the cap's window around `date`. Dates written `YYYY-MM-DD`
 * sort as strings, so an entry is tested against the window by comparing strings, not by working out
 * its week: a terminal's long queue of one elder's sales compares each sale with every other.
 */
export function capWindowOf(per: CapWindow, date: BusinessDate): readonly [BusinessDate, BusinessDate] {
  switch (per) {
    case 'day':
      return [date, date];
    case 'week': {
      const weekday = isoWeekdayOf(date);
      return [addDays(date, 1 - weekday), addDays(date, 7 - weekday)];
    }
    case 'month':
      return [`${date.slice(0, 7)}-01`, `${date.slice(0, 7)}-31`];
    default: {
      const _exhaustive: never = per;
      return _exhaustive;
    }
  }
}

/**
 * The first business date any cap may count for a meal on `date`: the earlier of its ISO week's Monday
 * and its month's first day. Whoever gathers a history for that meal gathers it from here.
 */
export function capHistoryFrom(date: BusinessDate): BusinessDate {
  const [monday] = capWindowOf('week', date);
  const [firstOfMonth] = capWindowOf('month', date);
  return monday < firstOfMonth ? monday : firstOfMonth;
}

/** Whether a cap concerns this meal at all: a period cap only touches meals of its period. */
export function capApplies(cap: SubsidyCap, meal: CapMeal): boolean {
  return cap.period === null || cap.period === meal.period;
}

/**
 * Meals in the history that count against the cap in the meal's window: subsidised meals for a
 * whole-meal cap, meals the group paid for in a group cap, only meals of its period for a period cap.
 */
export function countTowardsCap(cap: SubsidyCap, meal: CapMeal, history: readonly CapHistoryEntry[]): number {
  const [first, last] = capWindowOf(cap.per, meal.businessDate);
  let count = 0;
  for (const entry of history) {
    if (
      entry.businessDate >= first &&
      entry.businessDate <= last &&
      (cap.period === null || entry.period === cap.period) &&
      (cap.stackGroup === null ? entry.subsidised : entry.paidStackGroups.includes(cap.stackGroup))
    )
      count++;
  }
  return count;
}

export function isCapFull(cap: SubsidyCap, meal: CapMeal, history: readonly CapHistoryEntry[]): boolean {
  return capApplies(cap, meal) && countTowardsCap(cap, meal, history) >= cap.max;
}
