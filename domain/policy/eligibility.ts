import { ageOn, type BusinessDate, isWithin } from '../time/calendar.ts';
import type { CategoryHolding, ElderFacts } from './meal-facts.ts';
import type { Eligibility } from './policy-types.ts';

/** Categories recorded for the elder that hold on `date` (`from` inclusive, `to` exclusive). */
export function categoriesHeldOn(holdings: readonly CategoryHolding[], date: BusinessDate): Set<string> {
  return new Set(
    holdings.filter((holding) => isWithin(date, holding.from, holding.to)).map((holding) => holding.category),
  );
}

/** Whether every condition of `eligible` holds for the elder on the business date. */
export function isEligible(eligible: Eligibility, elder: ElderFacts, date: BusinessDate): boolean {
  const age = ageOn(elder.birthDate, date);
  if (eligible.minAge !== null && age < eligible.minAge) return false;
  if (eligible.maxAge !== null && age > eligible.maxAge) return false;
  const held = categoriesHeldOn(elder.categories, date);
  if (eligible.categoriesAny.length > 0 && !eligible.categoriesAny.some((category) => held.has(category))) {
    return false;
  }
  return eligible.categoriesAll.every((category) => held.has(category));
}
