import { dayKey, STORED } from '../../domain/supervision/checks/check.ts';
import {
  initialSupervisionState,
  newSupervisionState,
  SUPERVISION_CHECKS,
  type SupervisionState,
} from '../../domain/supervision/supervision.ts';

/**
 * One stored piece of the checks' state. The fields of a check's state that start as records are
 * kept entry by entry (part `check.field`, key the record's key; a record kept by day, `ByDay`, by
 * `dayKey`: `date|id`); its other fields are single values (part `check`, key the field's name).
 */
export interface StateEntry {
  readonly part: string;
  readonly key: string;
  /** The entry's value as JSON text. */
  readonly json: string;
}

export interface StateChanges {
  /** Days of a `ByDay` record dropped whole: every entry of `part` whose key starts with `date|`. */
  readonly deletedDays: readonly { readonly part: string; readonly date: string }[];
  readonly deleted: readonly { readonly part: string; readonly key: string }[];
  readonly written: readonly StateEntry[];
}

type Plain = Record<string, unknown>;

const isRecord = (value: unknown): value is Plain =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The parts kept by day (`ByDay`): `check.field`. */
const BY_DAY: ReadonlySet<string> = new Set(
  Object.entries(SUPERVISION_CHECKS).flatMap(([name, check]) =>
    ((check as { byDay?: readonly string[] }).byDay ?? []).map((field) => `${name}.${field}`),
  ),
);

const DATE_LENGTH = 'YYYY-MM-DD'.length;

/** A check's state: its fields (records tracked in place) and its records as stored. */
interface TrackedCheck {
  readonly name: string;
  readonly tracked: unknown;
  readonly fields: Plain;
  readonly records: ReadonlyMap<string, Plain>;
}

/**
 * 按键保存的监管状态: the checks' state with every entry a check may have changed noted, so that a
 * page of events writes only those entries. An entry counts as changed when a check sets or deletes
 * it, or reads it through its record (it may then change it in place); listing a record's keys, or
 * reading it through `readOnly(record)`, notes nothing. A day of a `ByDay` record deleted whole is
 * noted as such, and stored as one deletion of the day's range of keys.
 */
export class TrackedSupervisionState {
  /** The state to fold facts into (`applySupervisionFact` changes it in place). */
  readonly state: SupervisionState;
  private readonly checks: readonly TrackedCheck[];
  private changed = new Map<string, Set<string>>();
  private deletedDays = new Map<string, Set<string>>();
  private readonly dayProxies = new WeakMap<Plain, Plain>();

  private constructor(plain: SupervisionState) {
    const top = plain as unknown as Plain;
    const checks: TrackedCheck[] = [];
    for (const [name, fields] of Object.entries(top)) {
      if (!isRecord(fields)) continue;
      const records = new Map<string, Plain>();
      // Records are the fields that start as records; the other fields are single values whatever they hold.
      const initial = (initialSupervisionState as unknown as Record<string, Plain>)[name] ?? {};
      for (const [field, value] of Object.entries(fields)) {
        if (!isRecord(initial[field])) continue;
        const part = `${name}.${field}`;
        const record = value as Plain;
        records.set(field, record);
        fields[field] = BY_DAY.has(part) ? this.trackDays(part, record) : this.trackRecord(part, record);
      }
      const tracked = this.trackFields(name, fields, records);
      top[name] = tracked;
      checks.push({ name, tracked, fields, records });
    }
    this.state = plain;
    this.checks = checks;
  }

  /** The state before any fact. */
  static initial(): TrackedSupervisionState {
    return new TrackedSupervisionState(newSupervisionState());
  }

  /** The state the entries hold, as `entries()` gave them. */
  static fromEntries(entries: Iterable<StateEntry>): TrackedSupervisionState {
    const plain = newSupervisionState() as unknown as Record<string, Plain>;
    for (const entry of entries) placeEntry(plain, entry);
    return new TrackedSupervisionState(plain as unknown as SupervisionState);
  }

  /** The state the entries hold, read as they come (a province's state is never one list). */
  static async fromStoredEntries(entries: AsyncIterable<StateEntry>): Promise<TrackedSupervisionState> {
    const plain = newSupervisionState() as unknown as Record<string, Plain>;
    for await (const entry of entries) placeEntry(plain, entry);
    return new TrackedSupervisionState(plain as unknown as SupervisionState);
  }

  /** Every entry of the state as it is now. */
  entries(): StateEntry[] {
    const entries: StateEntry[] = [];
    for (const { name, fields, records } of this.checks) {
      for (const [field, value] of Object.entries(fields))
        if (!records.has(field)) entries.push({ part: name, key: field, json: JSON.stringify(value) });
      for (const [field, record] of records) {
        const part = `${name}.${field}`;
        if (!BY_DAY.has(part)) {
          for (const [key, entry] of Object.entries(record))
            entries.push({ part, key, json: JSON.stringify(entry) });
          continue;
        }
        for (const [date, day] of Object.entries(record as Record<string, Plain>))
          for (const [id, entry] of Object.entries(day))
            entries.push({ part, key: dayKey(id, date), json: JSON.stringify(entry) });
      }
    }
    return entries;
  }

  /** The entries changed since the last call, as they are now; forgets them. */
  takeChanges(): StateChanges {
    const top = this.state as unknown as Plain;
    const deletedDays: { part: string; date: string }[] = [];
    const deleted: { part: string; key: string }[] = [];
    const written: StateEntry[] = [];
    for (const { name, tracked, fields, records } of this.checks) {
      if (top[name] !== tracked)
        throw new Error(`the ${name} check replaced its state instead of changing it`);
      for (const field of this.changed.get(name) ?? [])
        written.push({ part: name, key: field, json: JSON.stringify(fields[field]) });
      for (const [field, record] of records) {
        const part = `${name}.${field}`;
        const byDay = BY_DAY.has(part);
        for (const date of this.deletedDays.get(part) ?? []) deletedDays.push({ part, date });
        for (const key of this.changed.get(part) ?? []) {
          const entry = byDay
            ? (record[key.slice(0, DATE_LENGTH)] as Plain | undefined)?.[key.slice(DATE_LENGTH + 1)]
            : record[key];
          if (entry === undefined) deleted.push({ part, key });
          else written.push({ part, key, json: JSON.stringify(entry) });
        }
      }
    }
    this.changed = new Map();
    this.deletedDays = new Map();
    return { deletedDays, deleted, written };
  }

  private note(part: string, key: string): void {
    let keys = this.changed.get(part);
    if (!keys) {
      keys = new Set();
      this.changed.set(part, keys);
    }
    keys.add(key);
  }

  private trackRecord(part: string, record: Plain, keyOf = (key: string) => key): Plain {
    return new Proxy(record, {
      get: (target, key) => {
        if (key === STORED) return target;
        const value = target[key as string];
        if (typeof key === 'string' && value !== null && typeof value === 'object')
          this.note(part, keyOf(key));
        return value;
      },
      set: (target, key, value) => {
        if (typeof key === 'string') this.note(part, keyOf(key));
        target[key as string] = value;
        return true;
      },
      deleteProperty: (target, key) => {
        if (typeof key === 'string') this.note(part, keyOf(key));
        return delete target[key as string];
      },
    });
  }

  /** A `ByDay` record: its days answer records tracked by `date|id`; a day deleted is noted whole. */
  private trackDays(part: string, record: Plain): Plain {
    const dayOf = (date: string, day: Plain): Plain => {
      let tracked = this.dayProxies.get(day);
      if (!tracked) {
        tracked = this.trackRecord(part, day, (id) => dayKey(id, date));
        this.dayProxies.set(day, tracked);
      }
      return tracked;
    };
    return new Proxy(record, {
      get: (target, date) => {
        if (date === STORED) return target;
        const day = target[date as string];
        return typeof date === 'string' && isRecord(day) ? dayOf(date, day) : day;
      },
      set: (target, date, day) => {
        if (typeof date !== 'string' || !isRecord(day))
          throw new Error(`${part} keeps records by day: ${String(date)} is not one`);
        // A day replaced whole: the ids it held are gone with it.
        if (isRecord(target[date])) this.deleteDay(part, date);
        target[date] = day;
        for (const id of Object.keys(day)) this.note(part, dayKey(id, date));
        return true;
      },
      deleteProperty: (target, date) => {
        if (typeof date !== 'string') return false;
        this.deleteDay(part, date);
        return delete target[date];
      },
    });
  }

  private deleteDay(part: string, date: string): void {
    const keys = this.changed.get(part);
    if (keys) for (const key of keys) if (key.startsWith(`${date}|`)) keys.delete(key);
    let dates = this.deletedDays.get(part);
    if (!dates) {
      dates = new Set();
      this.deletedDays.set(part, dates);
    }
    dates.add(date);
  }

  private trackFields(name: string, checkState: Plain, records: ReadonlyMap<string, Plain>): Plain {
    return new Proxy(checkState, {
      set: (target, field, value) => {
        if (typeof field !== 'string' || records.has(field))
          throw new Error(`the ${name} check replaced its record ${String(field)} instead of changing it`);
        this.note(name, field);
        target[field] = value;
        return true;
      },
    });
  }
}

/** Puts a stored entry back in its place in a plain state. */
function placeEntry(plain: Record<string, Plain>, { part, key, json }: StateEntry): void {
  const [name = '', field] = part.split('.');
  const fields = plain[name];
  if (!fields) throw new Error(`stored supervision state has an unknown part ${part}`);
  const value = JSON.parse(json) as unknown;
  if (field === undefined) {
    fields[key] = value;
    return;
  }
  const record = fields[field] as Plain;
  if (!BY_DAY.has(part)) {
    record[key] = value;
    return;
  }
  const date = key.slice(0, DATE_LENGTH);
  record[date] ??= {};
  (record[date] as Plain)[key.slice(DATE_LENGTH + 1)] = value;
}
