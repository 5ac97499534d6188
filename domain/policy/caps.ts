import { type BusinessDate, isoWeekKeyOf, monthKeyOf } from '../time/calendar.ts';
import type { CapWindow, MealPeriod, SubsidyCap } from './policy-types.ts';

/**
 * An earlier decided, non-voided sale of the same elder, as caps see it. The history is everything
 * decided before the meal at hand, in arrival order, whatever its time, canteen or policy.
 */
export interface CapHistoryEntry {
  readonly businessDate: BusinessDate;
  readonly period: MealPeriod | null;
  /** Its (reimbursable) subsidy was above zero. */
  readonly subsidised: boolean;
  /** The named stack groups that paid something for it. */
  readonly paidStackGroups: readonly string[];
}

/** The meal being decided, as caps see it. */
export interface CapMeal {
  readonly businessDate: BusinessDate;
  readonly period: MealPeriod | null;
}

function sameWindow(per: CapWindow, a: BusinessDate, b: BusinessDate): boolean {
  switch (per) {
    case 'day':
      return a === b;
    case 'week':
      return isoWeekKeyOf(a) === isoWeekKeyOf(b);
    case 'month':
      return monthKeyOf(a) === monthKeyOf(b);
    default: {
      const _exhaustive: never = per;
      return _exhaustive;
    }
  }
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
  return history.filter(
    (entry) =>
      sameWindow(cap.per, entry.businessDate, meal.businessDate) &&
      (cap.period === null || entry.period === cap.period) &&
      (cap.stackGroup === null ? entry.subsidised : entry.paidStackGroups.includes(cap.stackGroup)),
  ).length;
}

export function isCapFull(cap: SubsidyCap, meal: CapMeal, history: readonly CapHistoryEntry[]): boolean {
  return capApplies(cap, meal) && countTowardsCap(cap, meal, history) >= cap.max;
}
