import type { Position } from './position.ts';

export type { Position } from './position.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Who caused an event: recorded with it so that every yuan can be traced to a person or device. */
export type Actor =
  | { readonly type: 'terminal'; readonly terminalId: string; readonly cashierId?: string }
  | { readonly type: 'admin'; readonly userId: string }
  | { readonly type: 'bureau-user'; readonly userId: string; readonly role: string }
  | { readonly type: 'system'; readonly component: string };

export interface EventMetadata {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly actor?: Actor;
  /** Version of the event's data shape, for upcasting old events when they are read. */
  readonly schemaVersion?: number;
}

export interface EventToAppend {
  /** A UUID chosen by the writer: appending the same id again is how retries stay idempotent. */
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata?: EventMetadata;
}

export interface RecordedEvent {
  readonly id: string;
  readonly stream: string;
  /** 0 for a stream's first event. */
  readonly revision: number;
  readonly position: Position;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
  /** When the store recorded the event (its own clock). */
  readonly recordedAt: Date;
}

/** What the writer expects the stream to be before the append. */
export type ExpectedRevision = number | 'no-stream' | 'stream-exists' | 'any';

export interface AppendResult {
  /** The stream's revision after the append: pass it as the next expected revision. */
  readonly nextRevision: number;
  /** The position of the last event appended. */
  readonly position: Position;
  /** False when every event was already stored by an earlier identical append. */
  readonly written: boolean;
}

export interface ReadStreamOptions {
  readonly fromRevision?: number | 'start' | 'end';
  readonly direction?: 'forwards' | 'backwards';
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** Read events strictly after this position (default: from the start). */
  readonly fromPosition?: Position;
  readonly limit?: number;
}

export interface ReadAllOfTypesOptions extends ReadAllOptions {
  readonly eventTypes: readonly string[];
}

/** A page of the global order filtered by event type. */
export interface FilteredPage {
  /** The events of the asked types among those read. */
  readonly events: RecordedEvent[];
  /** The position of the last event read, of any type (where the next page starts); null when none. */
  readonly lastPosition: Position | null;
  /** How many events were read, of any type: fewer than the limit means the end was reached. */
  readonly read: number;
}

export type SubscriptionMessage =
  | { readonly type: 'event'; readonly event: RecordedEvent }
  /** Everything up to `position` has been delivered; from now on events arrive as they are written. */
  | { readonly type: 'caught-up'; readonly position: Position };

export interface SubscribeOptions {
  /** Deliver events strictly after this position (default: from the start). */
  readonly fromPosition?: Position;
}

/** A catch-up subscription: an async iterable that reads history, then goes live. */
export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  stop(): Promise<void>;
}

/** The event-store port: every app talks to the event store through this interface only. */
export interface EventStore {
  readonly kind: string;
  append(
    stream: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Reads up to `limit` events after a position, like `readAll`, but answers only those of the given
   * types (the others are not even loaded) with the position reached, so that a consumer that needs
   * few types moves its checkpoint past the rest.
   */
  readAllOfTypes(options: ReadAllOfTypesOptions): Promise<FilteredPage>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** The position of the last event a reader can see now (START when empty). */
  headPosition(): Promise<Position>;
  /**
   * A cut-off for a close or an audit: a position at or after every event whose append was answered
   * before the call, before which no event can appear later. Waits while appends that began before
   * the call are still being written, up to `timeoutMs`, then throws `CutoffUnavailableError`.
   */
  settledHead(options?: { readonly timeoutMs?: number }): Promise<Position>;
  /**
   * How many events a reader can see after `position` (how far a consumer is behind), counting at
   * most `upTo` of them.
   */
  countEventsAfter(position: Position, upTo?: number): Promise<number>;
  close(): Promise<void>;
}
