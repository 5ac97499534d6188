import { MEAL_PERIODS } from '../../policy/policy-types.ts';
import { addDays, type BusinessDate, dayNumberOf, isAfter } from '../../time/calendar.ts';
import type { EpochMs, LocalTimeOfDay } from '../../time/shanghai-time.ts';
import type { Alert, AlertKind } from '../alert.ts';
import type { SupervisedCanteen, SupervisionFact } from '../facts.ts';
import type { SupervisionSettings } from '../settings.ts';

export interface CheckStep<State> {
  /** The state to go on with: the one given, changed in place (or, for a stateless check, null). */
  readonly state: State;
  /** Alerts this fact raised; empty for most facts. */
  readonly alerts: readonly Alert[];
}

/**
 * 监管检查: a check as a fold over facts. Each fact is applied once, as a projection applies each
 * event once. `order` says whether the alerts depend on the order of the facts (`recorded`: the same
 * recorded order, live or on rebuild, gives the same alerts) or not (`any`, within the horizon below).
 *
 * **The state belongs to the fold.** `apply` changes the state it is given in place and returns it,
 * so that a fact costs the same however large the state is; a caller that needs the state as it was
 * keeps a `structuredClone` of it first. `initialState` is frozen: a fold starts from
 * `structuredClone(check.initialState)`. States are plain JSON (records, arrays, strings, numbers,
 * booleans and null): `JSON.parse(JSON.stringify(state))` is an equal state to go on with.
 *
 * **The state forgets what can no longer matter**, counted back from the latest business date the
 * check has seen in a sale or `day-ended` (never the clock): sales may reach the checks days late
 * (an offline counter syncing), so what a late sale must be compared with is kept for
 * `lateArrivalDays` business dates before the latest (and the `after-death` meals for
 * `afterDeath.lateDeathDays`); older taps, sales and canteen days are dropped once a day, when the
 * latest date moves on. A sale older than that is still checked against what is kept, but not kept.
 * Per-entity facts (canteens, residences, deaths, card retirements and assignments) are kept.
 */
export interface Check<State> {
  readonly name: string;
  readonly kinds: readonly AlertKind[];
  readonly order: 'any' | 'recorded';
  readonly initialState: State;
  /** The fields of the state kept by day (`ByDay`). */
  readonly byDay?: readonly (keyof State & string)[];
  apply(state: State, fact: SupervisionFact, settings: SupervisionSettings): CheckStep<State>;
}

/** A record by key, owned and changed in place by its check. */
export type Keyed<Value> = Record<string, Value>;

/**
 * The key of one id's entry for one business date: `date|id` (a canteen day in a flat record; how a
 * projection stores a `ByDay` record's entries), the date first so that a day is one range of keys.
 */
export const dayKey = (id: string, date: BusinessDate): string => `${date}|${id}`;

/**
 * 按日记录: values kept by business date, then by id (elder, card, canteen, cashier …). A value added
 * changes its day's entry for that id only, and a day that leaves the horizon is dropped whole
 * (`forgetDaysBefore`) without reading what the other days hold. A check names its fields of this
 * kind in `byDay`, so that a projection keeps them by day and id.
 */
export type ByDay<Value> = Keyed<Keyed<Value>>;

/** The value kept for `id` on `date`, made and kept there first when there is none. */
export function dayEntryOf<Value>(
  record: ByDay<Value>,
  date: BusinessDate,
  id: string,
  make: () => Value,
): Value {
  return entryOf(
    entryOf(record, date, () => ({})),
    id,
    make,
  );
}

/** The items kept under `id` for each business date from `from` to `to`, oldest date first. */
export function itemsOnDates<Item>(
  record: Readonly<ByDay<readonly Item[]>>,
  id: string,
  from: BusinessDate,
  to: BusinessDate,
): Item[] {
  const items: Item[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const day = record[date]?.[id];
    if (day) items.push(...day);
  }
  return items;
}

/** Drops the entries of a record kept by `canteen|YYYY-MM` whose month is before `month`. */
export function forgetMonthsBefore(record: Keyed<unknown>, month: string): void {
  for (const key of Object.keys(record)) if (key.slice(-7) < month) delete record[key];
}

/** Drops the days before `from`. */
export function forgetDaysBefore(record: ByDay<unknown>, from: BusinessDate): void {
  for (const date of Object.keys(record)) if (date < from) delete record[date];
}

/**
 * Asked of a keyed record for the record as stored. A projection that keeps the state entry by entry
 * notes every entry read through a record as changed, since a check may change it in place; entries
 * a check only reads, and never changes in place, are read from `readOnly(record)` instead, so that
 * reading them writes nothing. A plain record does not answer it and is its own stored record.
 */
export const STORED: unique symbol = Symbol.for('zhucan.supervision.stored');

/** The record as stored, for reads that change nothing (see `STORED`). */
export function readOnly<Value>(record: Keyed<Value>): Readonly<Keyed<Value>> {
  return (record as { [STORED]?: Keyed<Value> })[STORED] ?? record;
}

/** The value at `key`, made and kept there first when there is none. */
export function entryOf<Value>(record: Keyed<Value>, key: string, make: () => Value): Value {
  if (record[key] === undefined) record[key] = make();
  // Read back through the record: a projection's record answers what it tracks.
  return record[key] as Value;
}

export const unchanged = <State>(state: State): CheckStep<State> => ({ state, alerts: [] });

/** `value` frozen all the way down, for initial states that folds clone and must never change. */
export function deepFrozen<Value>(value: Value): Value {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFrozen(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * 最新营业日: the latest business date seen in a sale or a `day-ended` fact, or null when the fact
 * moves nothing on (so that a check drops what is out of its horizon only when this changes).
 */
export function laterDate(latest: BusinessDate | null, fact: SupervisionFact): BusinessDate | null {
  const date =
    fact.type === 'sale' ? fact.sale.businessDate : fact.type === 'day-ended' ? fact.businessDate : null;
  return date !== null && (latest === null || date > latest) ? date : null;
}

/** The first business date still kept: `days` before the latest (everything while nothing is seen). */
export function keptFrom(latest: BusinessDate | null, days: number): BusinessDate | null {
  return latest === null ? null : addDays(latest, -days);
}

/**
 * Whether `date` is on or after the first kept date. Business dates are ISO `YYYY-MM-DD`, so they
 * are compared as strings here and in the daily sweeps: parsing them cost more than the checks.
 */
export function isKept(date: BusinessDate, from: BusinessDate | null): boolean {
  return from === null || date >= from;
}

/** Canteen versions by canteen id, in the order they take effect. */
export type CanteenDirectory = Keyed<readonly SupervisedCanteen[]>;

/** Records a canteen version in the directory (in place). */
export function withCanteen(directory: CanteenDirectory, canteen: SupervisedCanteen): void {
  const versions = (directory[canteen.canteenId] ?? []).filter((known) => known.eventId !== canteen.eventId);
  directory[canteen.canteenId] = [...versions, canteen].sort(
    (a, b) => (a.effectiveFrom ?? Number.NEGATIVE_INFINITY) - (b.effectiveFrom ?? Number.NEGATIVE_INFINITY),
  );
}

/** The canteen's details in force at `at`: the last version that had taken effect by then. */
export function canteenAt(
  directory: CanteenDirectory,
  canteenId: string,
  at: EpochMs,
): SupervisedCanteen | null {
  let found: SupervisedCanteen | null = null;
  for (const version of readOnly(directory)[canteenId] ?? []) {
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

/** A canteen as explanations name it: its name with its id, or the id alone when not known. */
export function canteenLabel(canteenId: string, name: string | null | undefined): string {
  return name ? `${name}(${canteenId})` : canteenId;
}

/** One decimal for explanations. */
export function oneDecimal(value: number): string {
  return value.toFixed(1);
}
