import { randomUUID } from 'node:crypto';
import {
  type AllStreamResolvedEvent,
  ANY,
  type AppendStreamState,
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  START as KURRENT_START,
  KurrentDBClient,
  NO_STREAM,
  type ReadPosition,
  type ResolvedEvent,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { canonicalJson } from '../../domain/canonical-json.ts';
import { assertValidAppend, ConcurrencyError, EventIdConflictError } from '../errors.ts';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  FilteredPage,
  JsonObject,
  Position,
  ReadAllOfTypesOptions,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionMessage,
} from '../port.ts';
import { comparePositions, START } from '../position.ts';

/** Marks which append wrote an event, so that an identical retry can be told from a fresh write. */
const APPEND_ID = '$zhucanAppendId';

/**
 * The event store on KurrentDB (EventStoreDB's successor), selected by `KURRENTDB_URL`.
 *
 * KurrentDB deduplicates a retried append by event ids on its own but accepts a known id with other
 * data silently, so every append reads its events back and compares them. Event ids are unique per
 * stream only: the server keeps no index that would find an id in another stream.
 */
export class KurrentDbEventStore implements EventStore {
  readonly kind = 'kurrentdb';
  private constructor(private readonly client: KurrentDBClient) {}

  static connect(connectionString: string): KurrentDbEventStore {
    return new KurrentDbEventStore(KurrentDBClient.connectionString(connectionString));
  }

  async append(
    stream: string,
    events: readonly EventToAppend[],
    { expectedRevision }: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    assertValidAppend(stream, events);
    const appendId = randomUUID();
    let result: Awaited<ReturnType<KurrentDBClient['appendToStream']>>;
    try {
      result = await this.client.appendToStream(
        stream,
        events.map((event) =>
          jsonEvent({
            id: event.id,
            type: event.type,
            data: event.data,
            metadata: { ...(event.metadata ?? {}), [APPEND_ID]: appendId },
          }),
        ),
        { streamState: toStreamState(expectedRevision) },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualState;
        throw new ConcurrencyError(
          stream,
          expectedRevision,
          typeof actual === 'bigint' ? Number(actual) : 'no-stream',
        );
      }
      throw error;
    }
    const nextRevision = Number(result.nextExpectedRevision);
    const stored = await this.readStream(stream, {
      fromRevision: nextRevision - events.length + 1,
      limit: events.length,
    });
    let written = true;
    events.forEach((event, index) => {
      const match = stored[index];
      if (
        !match ||
        match.id !== event.id ||
        canonicalJson(match.data) !== canonicalJson(event.data) ||
        match.type !== event.type
      ) {
        throw new EventIdConflictError(
          stream,
          event.id,
          'event id is stored with other data or in another order',
        );
      }
      if ((match.metadata as Record<string, unknown>)[APPEND_ID] !== appendId) written = false;
    });
    const last = stored.at(-1);
    return { nextRevision, position: last?.position ?? START, written };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromRevision ?? (options.direction === 'backwards' ? 'end' : 'start');
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, {
        fromRevision: from === 'start' ? KURRENT_START : from === 'end' ? END : BigInt(from),
        direction: options.direction === 'backwards' ? BACKWARDS : FORWARDS,
        maxCount: options.limit ?? Number.MAX_SAFE_INTEGER,
      })) {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromPosition ?? START;
    const limit = options.limit ?? 1000;
    const events: RecordedEvent[] = [];
    // KurrentDB reads $all from a position inclusively; our port reads strictly after it.
    for await (const resolved of this.client.readAll({
      fromPosition: toReadPosition(from),
      maxCount: limit + 1,
      filter: excludeSystemEvents(),
    })) {
      const event = toRecordedEvent(resolved);
      if (!event || comparePositions(event.position, from) <= 0) continue;
      events.push(event);
      if (events.length === limit) break;
    }
    return events;
  }

  /** Filters on the client: KurrentDB's filtered reads do not say how far they have scanned. */
  async readAllOfTypes(options: ReadAllOfTypesOptions): Promise<FilteredPage> {
    const read = await this.readAll(options);
    const types = new Set(options.eventTypes);
    return {
      events: read.filter((event) => types.has(event.type)),
      lastPosition: read.at(-1)?.position ?? null,
      read: read.length,
    };
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const from = options.fromPosition ?? START;
    const subscription = this.client.subscribeToAll({
      fromPosition: toReadPosition(from),
      filter: excludeSystemEvents(),
    });
    const queue = new MessageQueue(
      () => subscription.pause(),
      () => subscription.resume(),
    );
    let last = from;
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      const event = toRecordedEvent(resolved);
      if (!event || comparePositions(event.position, last) <= 0) return;
      last = event.position;
      queue.push({ type: 'event', event });
    });
    let caughtUp = false;
    subscription.on('caughtUp', () => {
      if (caughtUp) return;
      caughtUp = true;
      queue.push({ type: 'caught-up', position: last });
    });
    subscription.on('error', (error: Error) => queue.fail(error));
    subscription.on('end', () => queue.end());
    return {
      [Symbol.asyncIterator]: () => queue,
      async stop() {
        queue.end();
        await subscription.unsubscribe();
      },
    };
  }

  async headPosition(options: { readonly requiresLeader?: boolean } = {}): Promise<Position> {
    for await (const resolved of this.client.readAll({
      fromPosition: END,
      direction: BACKWARDS,
      maxCount: 1,
      filter: excludeSystemEvents(),
      ...(options.requiresLeader ? { requiresLeader: true } : {}),
    })) {
      const event = toRecordedEvent(resolved);
      if (event) return event.position;
    }
    return START;
  }

  /**
   * An append is answered once it is at its final place in `$all`: the leader's head already holds
   * it (a follower may lag, so the leader is asked).
   */
  settledHead(): Promise<Position> {
    return this.headPosition({ requiresLeader: true });
  }

  /** Reads forwards and counts: KurrentDB keeps no count by position. `upTo` bounds the work. */
  async countEventsAfter(position: Position, upTo = 100_000): Promise<number> {
    let count = 0;
    for await (const resolved of this.client.readAll({
      fromPosition: toReadPosition(position),
      maxCount: upTo + 1,
      filter: excludeSystemEvents(),
    })) {
      const event = toRecordedEvent(resolved);
      if (!event || comparePositions(event.position, position) <= 0) continue;
      if (++count === upTo) break;
    }
    return count;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

function toReadPosition(position: Position): ReadPosition {
  return comparePositions(position, START) === 0 ? KURRENT_START : position;
}

function toRecordedEvent(resolved: AllStreamResolvedEvent | ResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event?.isJson || event.type.startsWith('$') || !event.position) return undefined;
  const { [APPEND_ID]: _appendId, ...metadata } = (event.metadata ?? {}) as Record<string, unknown>;
  return {
    id: event.id,
    stream: event.streamId,
    revision: Number(event.revision),
    position: { commit: event.position.commit, prepare: event.position.prepare },
    type: event.type,
    data: event.data as JsonObject,
    metadata: metadata as EventMetadata,
    recordedAt: event.created,
  };
}

/** Bridges a push-style subscription to an async iterator, pausing the source when the reader lags. */
class MessageQueue implements AsyncIterator<SubscriptionMessage> {
  private readonly buffered: SubscriptionMessage[] = [];
  private waiting: ((result: IteratorResult<SubscriptionMessage>) => void) | undefined;
  private failure: Error | undefined;
  private ended = false;
  private paused = false;

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
    private readonly highWaterMark = 1000,
  ) {}

  push(message: SubscriptionMessage): void {
    if (this.ended) return;
    if (this.waiting) {
      const deliver = this.waiting;
      this.waiting = undefined;
      deliver({ value: message, done: false });
      return;
    }
    this.buffered.push(message);
    if (!this.paused && this.buffered.length >= this.highWaterMark) {
      this.paused = true;
      this.pause();
    }
  }

  fail(error: Error): void {
    this.failure = error;
    this.end();
  }

  end(): void {
    this.ended = true;
    const deliver = this.waiting;
    this.waiting = undefined;
    deliver?.({ value: undefined, done: true });
  }

  async next(): Promise<IteratorResult<SubscriptionMessage>> {
    const message = this.buffered.shift();
    if (this.paused && this.buffered.length < this.highWaterMark / 2) {
      this.paused = false;
      this.resume();
    }
    if (message) return { value: message, done: false };
    if (this.failure) throw this.failure;
    if (this.ended) return { value: undefined, done: true };
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  async return(): Promise<IteratorResult<SubscriptionMessage>> {
    this.end();
    return { value: undefined, done: true };
  }
}
