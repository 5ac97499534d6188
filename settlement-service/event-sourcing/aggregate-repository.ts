import { randomUUID } from 'node:crypto';
import type { Decider } from '../../domain/decider.ts';
import { schemaVersionOf } from '../../domain/event-schema.ts';
import type {
  Actor,
  EventStore,
  ExpectedRevision,
  JsonObject,
  RecordedEvent,
} from '../../event-store/port.ts';
import { upcastRecorded } from '../../event-store/upcast-recorded.ts';

/** Domain events as every aggregate writes them: a discriminated union on `type` with its `data`. */
export interface DomainEvent {
  readonly type: string;
  readonly data: object;
}

export interface Loaded<State> {
  readonly state: State;
  /** The revision to expect when appending, `no-stream` when there is no stream yet. */
  readonly expectedRevision: ExpectedRevision;
}

/** What every recorded event carries besides its data: who caused it and within which request. */
export interface EventContext {
  readonly actor: Actor;
  readonly correlationId: string;
}

export interface RepositoryOptions {
  /**
   * Streams that change rarely and are read on every sale (terminals, canteens, policies): kept in
   * memory, dropped when this process appends to them or meets a conflict on them, and reread at the
   * latest after `cacheMs` (another instance may have written).
   */
  readonly cached?: (stream: string) => boolean;
  readonly cacheMs?: number;
  readonly now?: () => number;
}

/** Loads aggregates by folding their streams and appends their new events with the expected revision. */
export class AggregateRepository {
  private readonly cache = new Map<
    string,
    { readonly events: readonly RecordedEvent[]; readonly at: number }
  >();

  constructor(
    private readonly store: EventStore,
    private readonly options: RepositoryOptions = {},
  ) {}

  private async read(stream: string): Promise<readonly RecordedEvent[]> {
    if (!this.options.cached?.(stream)) return (await this.store.readStream(stream)).map(upcastRecorded);
    const now = (this.options.now ?? Date.now)();
    const hit = this.cache.get(stream);
    if (hit && now - hit.at < (this.options.cacheMs ?? 1000)) return hit.events;
    const events = (await this.store.readStream(stream)).map(upcastRecorded);
    this.cache.set(stream, { events, at: now });
    return events;
  }

  async load<State, Event extends DomainEvent>(
    stream: string,
    decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  ): Promise<Loaded<State>> {
    const recorded = await this.read(stream);
    const state = recorded.reduce(
      (current, event) => decider.evolve(current, { type: event.type, data: event.data } as unknown as Event),
      decider.initialState,
    );
    const last = recorded.at(-1);
    return { state, expectedRevision: last ? last.revision : 'no-stream' };
  }

  /** The stream's events as domain events, for the rare reader that needs more than the folded state. */
  async events<Event extends DomainEvent>(stream: string): Promise<Event[]> {
    const recorded = await this.read(stream);
    return recorded.map((event) => ({ type: event.type, data: event.data }) as unknown as Event);
  }

  /**
   * Appends `events`; an event id can be given per event (`idOf`) so that a retried request writes
   * the same ids and the store answers it as the first time. Events of several requests appended
   * together each carry their own request's context.
   */
  async append(
    stream: string,
    events: readonly DomainEvent[],
    expectedRevision: ExpectedRevision,
    context: EventContext | ((index: number) => EventContext),
    idOf: (event: DomainEvent, index: number) => string = () => randomUUID(),
  ) {
    if (events.length === 0) return undefined;
    const contextOf = typeof context === 'function' ? context : () => context;
    try {
      return await this.store.append(
        stream,
        events.map((event, index) => ({
          id: idOf(event, index),
          type: event.type,
          data: event.data as JsonObject,
          metadata: {
            actor: contextOf(index).actor,
            correlationId: contextOf(index).correlationId,
            schemaVersion: schemaVersionOf(event.type),
          },
        })),
        { expectedRevision },
      );
    } finally {
      // Also drops what a read made while the append was under way, and a copy that caused a conflict.
      this.cache.delete(stream);
    }
  }
}
