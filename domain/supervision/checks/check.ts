import { MEAL_PERIODS } from '../../policy/policy-types.ts';
import { addDays, type BusinessDate, dayNumberOf, isAfter } from '../../time/calendar.ts';
import type { EpochMs, LocalTimeOfDay } from '../../time/shanghai-time.ts';
import type { Alert, AlertKind } from '../alert.ts';
import type { SupervisedCanteen, SupervisionFact } from '../facts.ts';
import type { SupervisionSettings } from '../settings.ts';

export interface CheckStep<State> {
  readonly state: State;
  /** Alerts this fact raised; empty for most facts. */
  readonly alerts: readonly Alert[];
}

/**
 * 监管检查: a check as a fold over facts. `apply` never changes the state it is given. Each fact is
 * applied once, as a projection applies each event once. `order` says whether the alerts depend on
 * the order of the facts (`recorded`: the same recorded order, live or on rebuild, gives the same
 * alerts) or not (`any`).
 */
export interface Check<State> {
  readonly name: string;
  readonly kinds: readonly AlertKind[];
  readonly order: 'any' | 'recorded';
  readonly initialState: State;
  apply(state: State, fact: SupervisionFact, settings: SupervisionSettings): CheckStep<State>;
}

export type Keyed<Value> = Readonly<Record<string, Value>>;

/** A copy of `record` with `key` set: the previous record stays as it was. */
export function put<Value>(record: Keyed<Value>, key: string, value: Value): Keyed<Value> {
  return { ...record, [key]: value };
}

export function without<Value>(record: Keyed<Value>, key: string): Keyed<Value> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

export const unchanged = <State>(state: State): CheckStep<State> => ({ state, alerts: [] });

/** Canteen versions by canteen id, in the order they take effect. */
export type CanteenDirectory = Keyed<readonly SupervisedCanteen[]>;

export function withCanteen(directory: CanteenDirectory, canteen: SupervisedCanteen): CanteenDirectory {
  const versions = (directory[canteen.canteenId] ?? []).filter((known) => known.eventId !== canteen.eventId);
  const sorted = [...versions, canteen].sort(
    (a, b) => (a.effectiveFrom ?? Number.NEGATIVE_INFINITY) - (b.effectiveFrom ?? Number.NEGATIVE_INFINITY),
  );
  return put(directory, canteen.canteenId, sorted);
}

/** The canteen's details in force at `at`: the last version that had taken effect by then. */
export function canteenAt(
  directory: CanteenDirectory,
  canteenId: string,
  at: EpochMs,
): SupervisedCanteen | null {
  let found: SupervisedCanteen | null = null;
  for (const version of directory[canteenId] ?? []) {
    if (version.effectiveFrom === null || version.effectiveFrom <= at) found = version;
  }
  return found;
}

export function minutesOf(time: LocalTimeOfDay): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const SHANGHAI_OFFSET_MS = 8 * 60 * MINUTE_MS;

/** The instant a number of minutes after midnight (Asia/Shanghai) of a business date. */
export function instantOnDate(date: BusinessDate, minutes: number): EpochMs {
  return dayNumberOf(date) * DAY_MS + minutes * MINUTE_MS - SHANGHAI_OFFSET_MS;
}

/** Minutes after midnight at which the canteen's last meal period ends; null when it serves none. */
export function lastPeriodEnd(canteen: SupervisedCanteen): number | null {
  let end: number | null = null;
  for (const period of MEAL_PERIODS) {
    const hours = canteen.periods[period];
    if (hours) end = Math.max(end ?? 0, minutesOf(hours.to));
  }
  return end;
}

/**
 * 日结水位: the last business date that has ended. A sale of a later date ends every date before
 * it; a `day-ended` fact ends its date. Late sales of an ended date are what the daily checks ignore.
 */
export function endedThrough(current: BusinessDate | null, fact: SupervisionFact): BusinessDate | null {
  let ended: BusinessDate | null = null;
  if (fact.type === 'day-ended') ended = fact.businessDate;
  if (fact.type === 'sale') ended = addDays(fact.sale.businessDate, -1);
  if (ended === null) return current;
  return current === null || isAfter(ended, current) ? ended : current;
}

/** One decimal for explanations. */
export function oneDecimal(value: number): string {
  return value.toFixed(1);
}
