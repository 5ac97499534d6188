import { NO_NAMES, type PrintedNames } from '../../projections/names/names-queries.ts';

export type { PrintedNames };
export { NO_NAMES };

/**
 * What a statement, an export or an answer prints for an id: the name the bureau registered, the id
 * itself only where none was given. Names are for printing only: the figures keep their ids.
 */
export function namer(names: PrintedNames = NO_NAMES) {
  return {
    source: (sourceId: string) => names.sources[sourceId] ?? sourceId,
    rule: (ruleId: string) => names.rules[ruleId] ?? ruleId,
    policy: (policyId: string) => names.policies[policyId] ?? policyId,
    canteen: (canteenId: string) => names.canteens[canteenId] ?? canteenId,
  };
}
