import type { Alert } from './alert.ts';
import { afterDeath } from './checks/after-death.ts';
import { areaExcess } from './checks/area-excess.ts';
import { type Check, deepFrozen } from './checks/check.ts';
import { impossibleTravel } from './checks/impossible-travel.ts';
import { offlineOverCap } from './checks/offline-over-cap.ts';
import { openingHours } from './checks/opening-hours.ts';
import { rapidTapping } from './checks/rapid-tapping.ts';
import { regularCounts } from './checks/regular-counts.ts';
import { retiredCard } from './checks/retired-card.ts';
import { voidAfterClose } from './checks/void-after-close.ts';
import { voidRate } from './checks/void-rate.ts';
import { voidRatePeers } from './checks/void-rate-peers.ts';
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
  voidRatePeers,
  voidAfterClose,
  offlineOverCap,
} as const;

type Checks = typeof SUPERVISION_CHECKS;
type StateOf<C> = C extends Check<infer State> ? State : never;

/**
 * The state of every check together, as a projection keeps it: plain JSON (`JSON.parse` of its
 * `JSON.stringify` is an equal state to go on with), bounded by the horizons of the settings
 * (`lateArrivalDays`, `afterDeath.lateDeathDays`) and the registered canteens, elders and cards.
 */
export type SupervisionState = { [Name in keyof Checks]: StateOf<Checks[Name]> };

const NAMES = Object.keys(SUPERVISION_CHECKS) as (keyof Checks)[];

/** The state before any fact, frozen: a fold starts from `newSupervisionState()`, its copy. */
export const initialSupervisionState: SupervisionState = deepFrozen(
  Object.fromEntries(NAMES.map((name) => [name, SUPERVISION_CHECKS[name].initialState])) as SupervisionState,
);

/** A fresh state to fold facts into. */
export function newSupervisionState(): SupervisionState {
  return structuredClone(initialSupervisionState);
}

/**
 * One fact through every check: the state to go on with and the alerts raised, in check order.
 * **The state given is consumed**: it is changed in place and returned, so that a fact costs the same
 * however much the state holds. A caller that needs the state as it was before the fact keeps a
 * `structuredClone` (or its JSON) first. Passing the frozen `initialSupervisionState` throws.
 */
export function applySupervisionFact(
  state: SupervisionState,
  fact: SupervisionFact,
  settings: SupervisionSettings,
): { readonly state: SupervisionState; readonly alerts: readonly Alert[] } {
  const alerts: Alert[] = [];
  const states = state as Record<string, unknown>;
  for (const name of NAMES) {
    const check = SUPERVISION_CHECKS[name] as Check<unknown>;
    const step = check.apply(states[name], fact, settings);
    states[name] = step.state;
    alerts.push(...step.alerts);
  }
  return { state, alerts };
}

/** Every alert the facts raise, in the order raised, each once. */
export function superviseAll(facts: Iterable<SupervisionFact>, settings: SupervisionSettings): Alert[] {
  const state = newSupervisionState();
  const alerts = new Map<string, Alert>();
  for (const fact of facts) {
    for (const alert of applySupervisionFact(state, fact, settings).alerts) {
      if (!alerts.has(alert.alertId)) alerts.set(alert.alertId, alert);
    }
  }
  return [...alerts.values()];
}
