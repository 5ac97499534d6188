import type { Alert } from './alert.ts';
import { afterDeath } from './checks/after-death.ts';
import { areaExcess } from './checks/area-excess.ts';
import type { Check } from './checks/check.ts';
import { impossibleTravel } from './checks/impossible-travel.ts';
import { offlineOverCap } from './checks/offline-over-cap.ts';
import { openingHours } from './checks/opening-hours.ts';
import { rapidTapping } from './checks/rapid-tapping.ts';
import { regularCounts } from './checks/regular-counts.ts';
import { retiredCard } from './checks/retired-card.ts';
import { voidAfterClose } from './checks/void-after-close.ts';
import { voidRate } from './checks/void-rate.ts';
import type { SupervisionFact } from './facts.ts';
import type { SupervisionSettings } from './settings.ts';

/** Every fraud check, by name. */
export const SUPERVISION_CHECKS = {
  impossibleTravel,
  afterDeath,
  retiredCard,
  openingHours,
  regularCounts,
  areaExcess,
  rapidTapping,
  voidRate,
  voidAfterClose,
  offlineOverCap,
} as const;

type Checks = typeof SUPERVISION_CHECKS;
type StateOf<C> = C extends Check<infer State> ? State : never;

/** The state of every check together, as a projection keeps it. */
export type SupervisionState = { readonly [Name in keyof Checks]: StateOf<Checks[Name]> };

const NAMES = Object.keys(SUPERVISION_CHECKS) as (keyof Checks)[];

export const initialSupervisionState: SupervisionState = Object.fromEntries(
  NAMES.map((name) => [name, SUPERVISION_CHECKS[name].initialState]),
) as SupervisionState;

/** One fact through every check: the new state and the alerts raised, in check order. */
export function applySupervisionFact(
  state: SupervisionState,
  fact: SupervisionFact,
  settings: SupervisionSettings,
): { readonly state: SupervisionState; readonly alerts: readonly Alert[] } {
  const next: Record<string, unknown> = {};
  const alerts: Alert[] = [];
  for (const name of NAMES) {
    const check = SUPERVISION_CHECKS[name] as Check<unknown>;
    const step = check.apply(state[name], fact, settings);
    next[name] = step.state;
    alerts.push(...step.alerts);
  }
  return { state: next as SupervisionState, alerts };
}

/** Every alert the facts raise, in the order raised, each once. */
export function superviseAll(facts: Iterable<SupervisionFact>, settings: SupervisionSettings): Alert[] {
  let state = initialSupervisionState;
  const alerts = new Map<string, Alert>();
  for (const fact of facts) {
    const step = applySupervisionFact(state, fact, settings);
    state = step.state;
    for (const alert of step.alerts) if (!alerts.has(alert.alertId)) alerts.set(alert.alertId, alert);
  }
  return [...alerts.values()];
}
