import type { Kysely } from 'kysely';
import type { PolicyDocument } from '../../domain/policy/policy-types.ts';
import type { SimulationResult } from '../../domain/simulation/policy-simulation.ts';
import { canteenNamesOf } from '../directory/directory-queries.ts';
import { printedNames } from '../names/names-queries.ts';

/** A simulation as people read it: each canteen by its name, each rule by its label (null when none). */
export type NamedSimulation = Omit<SimulationResult, 'canteens' | 'byRule'> & {
  readonly canteens: readonly (SimulationResult['canteens'][number] & { readonly name: string })[];
  readonly byRule: readonly (SimulationResult['byRule'][number] & { readonly name: string | null })[];
};

/** Names a simulation's canteens (the id where none is registered) and rules, as the API answers it. */
export async function namedSimulation(
  db: Kysely<unknown>,
  result: SimulationResult,
  proposal: PolicyDocument,
): Promise<NamedSimulation> {
  const [canteens, printed] = await Promise.all([
    canteenNamesOf(
      db,
      result.canteens.map((canteen) => canteen.canteenId),
    ),
    printedNames(db),
  ]);
  const rules = ruleNamesOf([proposal], printed.rules);
  return {
    ...result,
    byRule: result.byRule.map((rule) => ({ ...rule, name: rules[rule.ruleId] ?? null })),
    canteens: result.canteens.map((canteen) => ({
      ...canteen,
      name: canteens.get(canteen.canteenId) ?? canteen.canteenId,
    })),
  };
}

/** Each rule's label as the proposals give it, else as the recorded policies do. */
export function ruleNamesOf(
  proposals: readonly PolicyDocument[],
  recorded: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const proposed = proposals.flatMap((policy) =>
    policy.rules.flatMap((rule) =>
      rule.label && rule.label !== rule.ruleId ? [[rule.ruleId, rule.label] as const] : [],
    ),
  );
  return { ...recorded, ...Object.fromEntries(proposed) };
}
