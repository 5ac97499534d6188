import {
  type ElderEvent,
  type ElderState,
  elder,
  elderStream,
  type RegisteredElder,
} from '../../domain/elders/elder.ts';
import {
  elderFromSnapshot,
  elderSnapshotHead,
  elderSnapshotMonths,
} from '../../domain/elders/elder-snapshot.ts';
import type { MealSoldData } from '../../domain/sales/sale-events.ts';
import { type MonthKey, monthKeyOf } from '../../domain/time/calendar.ts';
import type { EventStore, ExpectedRevision, JsonValue, RecordedEvent } from '../../event-store/port.ts';
import type {
  SnapshotStore,
  StreamSnapshot,
  WriteOptions,
} from '../../event-store/snapshots/snapshot-store.ts';
import { upcastRecorded } from '../../event-store/upcast-recorded.ts';

export interface LoadedElder {
  readonly state: ElderState;
  readonly expectedRevision: ExpectedRevision;
}

export interface ElderRepositoryOptions {
  /**
   * A snapshot is written once a load has folded this many events past the stored one; a load reads
   * this many of the stream's last events with the snapshot.
   */
  readonly snapshotAfter?: number;
  /** Where a snapshot that could not be written is reported (the sale goes on without it). */
  readonly log?: (line: string) => void;
}

/**
 * Loads elders bounded by what a decision can count, not by the elder's life: a snapshot (the elder's
 * registration, card, death and debts, plus the allowance by business month) stored with its stream
 * revision, only the months asked for, and the events recorded after it. The elder's stream stays the
 * one consistency boundary of its allowance; the snapshot is a cache of it that can always be rebuilt.
 */
export class ElderRepository {
  private readonly snapshotAfter: number;

  constructor(
    private readonly store: EventStore,
    private readonly snapshots: SnapshotStore,
    private readonly options: ElderRepositoryOptions = {},
  ) {
    this.snapshotAfter = options.snapshotAfter ?? 8;
  }

  /**
   * The elder, with the allowance of `months` at hand (a sale's cap months; none for its profile).
   * The snapshot and the stream's last events are read at once: usually they meet, and a load costs
   * one round trip; a new elder's whole stream is among those last events.
   */
  async load(elderId: string, asked: readonly MonthKey[]): Promise<LoadedElder> {
    const stream = elderStream(elderId);
    const months = [...new Set(asked)];
    const [snapshot, recent] = await Promise.all([
      this.snapshots.read(stream, months),
      this.store.readStream(stream, { direction: 'backwards', limit: this.snapshotAfter }),
    ]);
    const latest = recent.map(upcastRecorded).reverse();
    const reachesBack = (revision: number) => (latest[0]?.revision ?? 0) <= revision;
    const base = snapshot && elderFromSnapshot(snapshot.head, months, snapshot.parts);
    if (snapshot && base) {
      const tail = reachesBack(snapshot.revision)
        ? latest.filter((event) => event.revision >= snapshot.revision)
        : await this.readFrom(stream, snapshot.revision);
      // The event the snapshot was taken at must still be there: otherwise the store was replaced.
      if (tail[0]?.id === snapshot.eventId) {
        const later = tail.slice(1);
        const touched = monthsTouchedBy(later);
        if (touched !== null) {
          let state = fold(base, later);
          if (later.length >= this.snapshotAfter) {
            state = (await this.saveAfter(stream, snapshot, state, months, later, touched)) ?? state;
          }
          return { state, expectedRevision: state.version };
        }
      }
    }
    return this.loadWhole(stream, reachesBack(0) ? latest : null, snapshot);
  }

  /** The sale exactly as its decision recorded it, read at the decision's revision. */
  async decidedSale(elderId: string, saleId: string, revision: number): Promise<MealSoldData> {
    const [event] = await this.readFrom(elderStream(elderId), revision, 1);
    const decision = event?.data as unknown as Extract<ElderEvent, { type: 'MealSubsidyDecided' }>['data'];
    if (event?.type !== 'MealSubsidyDecided' || decision.saleId !== saleId)
      throw new Error(`elder ${elderId} has no decision of sale ${saleId} at ${revision}`);
    return decision.sale;
  }

  private async readFrom(stream: string, revision: number, limit?: number): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(stream, {
      fromRevision: revision,
      ...(limit === undefined ? {} : { limit }),
    });
    return events.map(upcastRecorded);
  }

  /** The whole stream folded: the first load of an elder, or after a snapshot that no longer fits. */
  private async loadWhole(
    stream: string,
    whole: readonly RecordedEvent[] | null,
    unusable: StreamSnapshot | null,
  ): Promise<LoadedElder> {
    const events = whole ?? (await this.store.readStream(stream)).map(upcastRecorded);
    const state = events.reduce(
      (current, event) => elder.evolve(current, { type: event.type, data: event.data } as ElderEvent),
      elder.initialState,
    );
    const last = events.at(-1);
    if (state.status !== 'registered' || !last) return { state, expectedRevision: 'no-stream' };
    if (events.length >= this.snapshotAfter) {
      // A snapshot this load could not use (of another format, or of a replaced store) is replaced
      // even when its revision is not below this one.
      await this.write(stream, state, last, state.allowance.months.keys(), {
        replaceAll: true,
        ...(unusable ? { replacing: { revision: unusable.revision, eventId: unusable.eventId } } : {}),
      });
    }
    return { state, expectedRevision: state.version };
  }

  /**
   * Writes a snapshot at the end of the tail. Every month the tail changed is written, so months it
   * touched beyond those asked for are read at the same snapshot first; when another load has written
   * a newer snapshot meanwhile, that one stands. Answers the state with those months at hand too.
   */
  private async saveAfter(
    stream: string,
    snapshot: StreamSnapshot,
    folded: RegisteredElder,
    asked: readonly MonthKey[],
    later: readonly RecordedEvent[],
    touched: ReadonlySet<MonthKey>,
  ): Promise<RegisteredElder | null> {
    const last = later.at(-1);
    if (!last) return null;
    let state = folded;
    const months = [...new Set([...asked, ...touched])];
    if (months.length > asked.length) {
      const again = await this.snapshots.read(stream, months);
      const base =
        again?.revision === snapshot.revision && elderFromSnapshot(again.head, months, again.parts);
      if (!base) return null;
      state = fold(base, later);
    }
    await this.write(stream, state, last, touched, { replaceAll: false });
    return state;
  }

  private async write(
    stream: string,
    state: RegisteredElder,
    last: RecordedEvent,
    months: Iterable<MonthKey>,
    options: WriteOptions,
  ): Promise<void> {
    try {
      await this.snapshots.write(
        stream,
        {
          revision: last.revision,
          eventId: last.id,
          head: elderSnapshotHead(state) as unknown as JsonValue,
          parts: elderSnapshotMonths(state, months) as unknown as ReadonlyMap<string, JsonValue>,
        },
        options,
      );
    } catch (error) {
      // A snapshot is a cache: the next load folds a longer tail and tries again.
      this.options.log?.(`snapshot of ${stream} not written: ${(error as Error).message}`);
    }
  }
}

function fold(base: RegisteredElder, events: readonly RecordedEvent[]): RegisteredElder {
  let state: ElderState = base;
  for (const event of events)
    state = elder.evolve(state, { type: event.type, data: event.data } as ElderEvent);
  return state as RegisteredElder;
}

/** The allowance months the events change; null when a void does not say its month (recorded before it did). */
function monthsTouchedBy(events: readonly RecordedEvent[]): Set<MonthKey> | null {
  const months = new Set<MonthKey>();
  for (const { type, data } of events) {
    if (type !== 'MealSubsidyDecided' && type !== 'MealSubsidyVoided') continue;
    const date = (data as { businessDate?: string }).businessDate;
    if (date === undefined) return null;
    months.add(monthKeyOf(date));
  }
  return months;
}
