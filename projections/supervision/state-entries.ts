import { STORED } from '../../domain/supervision/checks/check.ts';
import { newSupervisionState, type SupervisionState } from '../../domain/supervision/supervision.ts';

/**
 * One stored piece of the checks' state. Each check's object-valued fields are keyed records kept
 * entry by entry (part `check.field`, key the record's key); its other fields are single values
 * (part `check`, key the field's name).
 */
export interface StateEntry {
  readonly part: string;
  readonly key: string;
  /** The entry's value as JSON text. */
  readonly json: string;
}

export interface StateChanges {
  readonly written: readonly StateEntry[];
  readonly deleted: readonly { readonly part: string; readonly key: string }[];
}

type Plain = Record<string, unknown>;

const isRecord = (value: unknown): value is Plain =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

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
 * reading it through `readOnly(record)`, notes nothing.
 */
export class TrackedSupervisionState {
  /** The state to fold facts into (`applySupervisionFact` changes it in place). */
  readonly state: SupervisionState;
  private readonly checks: readonly TrackedCheck[];
  private changed = new Map<string, Set<string>>();

  private constructor(plain: SupervisionState) {
    const top = plain as unknown as Plain;
    const checks: TrackedCheck[] = [];
    for (const [name, fields] of Object.entries(top)) {
      if (!isRecord(fields)) continue;
      const records = new Map<string, Plain>();
      for (const [field, value] of Object.entries(fields)) {
        if (!isRecord(value)) continue;
        records.set(field, value);
        fields[field] = this.trackRecord(`${name}.${field}`, value);
      }
      const tracked = this.trackFields(name, fields);
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
      for (const [field, record] of records)
        for (const [key, entry] of Object.entries(record))
          entries.push({ part: `${name}.${field}`, key, json: JSON.stringify(entry) });
    }
    return entries;
  }

  /** The entries changed since the last call, as they are now; forgets them. */
  takeChanges(): StateChanges {
    const top = this.state as unknown as Plain;
    const written: StateEntry[] = [];
    const deleted: { part: string; key: string }[] = [];
    for (const { name, tracked, fields, records } of this.checks) {
      if (top[name] !== tracked)
        throw new Error(`the ${name} check replaced its state instead of changing it`);
      for (const field of this.changed.get(name) ?? [])
        written.push({ part: name, key: field, json: JSON.stringify(fields[field]) });
      for (const [field, record] of records) {
        const part = `${name}.${field}`;
        for (const key of this.changed.get(part) ?? []) {
          const entry = record[key];
          if (entry === undefined) deleted.push({ part, key });
          else written.push({ part, key, json: JSON.stringify(entry) });
        }
      }
    }
    this.changed = new Map();
    return { written, deleted };
  }

  private note(part: string, key: string): void {
    let keys = this.changed.get(part);
    if (!keys) {
      keys = new Set();
      this.changed.set(part, keys);
    }
    keys.add(key);
  }

  private trackRecord(part: string, record: Plain): Plain {
    return new Proxy(record, {
      get: (target, key) => {
        if (key === STORED) return target;
        const value = target[key as string];
        if (typeof key === 'string' && value !== null && typeof value === 'object') this.note(part, key);
        return value;
      },
      set: (target, key, value) => {
        if (typeof key === 'string') this.note(part, key);
        target[key as string] = value;
        return true;
      },
      deleteProperty: (target, key) => {
        if (typeof key === 'string') this.note(part, key);
        return delete target[key as string];
      },
    });
  }

  private trackFields(name: string, checkState: Plain): Plain {
    return new Proxy(checkState, {
      set: (target, field, value) => {
        if (typeof field !== 'string' || isRecord(target[field]))
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
  if (field === undefined) fields[key] = value;
  else (fields[field] as Plain)[key] = value;
}
