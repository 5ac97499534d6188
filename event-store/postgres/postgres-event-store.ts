import { type Kysely, sql } from 'kysely';
import type { DatabaseError } from 'pg';
import { assertValidAppend, ConcurrencyError, EventIdConflictError } from '../errors.ts';
import { AppendSignal, pollingSubscription } from '../polling-subscription.ts';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../port.ts';
import { START } from '../position.ts';

interface EventRow {
  position: string;
  /** The writing transaction's id as text: the commit part of the position. */
  xid: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  data: JsonObject;
  metadata: EventMetadata;
  recorded_at: Date;
}

interface AppendRow {
  next_revision: string;
  commit_position: string;
  prepare_position: string;
  written: boolean;
}

// Not aliased as `transaction_id`: ORDER BY would then sort the text alias, not the xid8 column.
const COLUMNS = sql`position, transaction_id::text AS xid, stream_id, stream_revision, event_id,
  event_type, data, metadata, recorded_at`;

/** Errors raised by `event_store.append_events`. */
const WRONG_EXPECTED_REVISION = 'ZC001';
const EVENT_ID_CONFLICT = 'ZC002';
const YOUNGER_WRITER = 'ZC003';
const UNIQUE_VIOLATION = '23505';

export interface PostgresEventStoreOptions {
  /** How often a live subscription looks for events written by other processes. */
  readonly pollIntervalMs?: number;
}

/** The event store on PostgreSQL (embedded by default). The schema comes from the migrations. */
export class PostgresEventStore implements EventStore {
  readonly kind = 'postgresql';
  private readonly appended: AppendSignal;

  constructor(
    private readonly db: Kysely<unknown>,
    options: PostgresEventStoreOptions = {},
  ) {
    this.appended = new AppendSignal(options.pollIntervalMs ?? 100);
  }

  async append(
    stream: string,
    events: readonly EventToAppend[],
    { expectedRevision }: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    return this.appendWith(this.db, stream, events, expectedRevision);
  }

  /**
   * Runs `work` in one database transaction: appends made through the given store commit together
   * with whatever else the transaction writes, or not at all.
   */
  async transaction<T>(
    work: (appender: TransactionalAppender, trx: Kysely<unknown>) => Promise<T>,
  ): Promise<T> {
    const result = await this.db.transaction().execute((trx) =>
      work(
        {
          append: (stream, events, { expectedRevision }) =>
            this.appendWith(trx, stream, events, expectedRevision),
        },
        trx,
      ),
    );
    this.appended.notify();
    return result;
  }

  private async appendWith(
    executor: Kysely<unknown>,
    stream: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    assertValidAppend(stream, events);
    const payload = JSON.stringify(
      events.map((event) => ({
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: event.metadata ?? {},
      })),
    );
    try {
      const { rows } = await sql<AppendRow>`
        SELECT * FROM event_store.append_events(${stream}, ${String(expectedRevision)}, ${payload}::jsonb)`.execute(
        executor,
      );
      const row = rows[0];
      if (!row) throw new Error(`append to ${stream} returned no row`);
      if (executor === this.db) this.appended.notify();
      return {
        nextRevision: Number(row.next_revision),
        position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
        written: row.written,
      };
    } catch (error) {
      throw translateError(error, stream, events, expectedRevision);
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const from = options.fromRevision ?? (backwards ? 'end' : 'start');
    const bound =
      from === 'start' ? Number.MIN_SAFE_INTEGER : from === 'end' ? Number.MAX_SAFE_INTEGER : from;
    const { rows } = backwards
      ? await sql<EventRow>`SELECT ${COLUMNS} FROM event_store.events
          WHERE stream_id = ${stream} AND stream_revision <= ${bound}
          ORDER BY stream_revision DESC LIMIT ${limit}`.execute(this.db)
      : await sql<EventRow>`SELECT ${COLUMNS} FROM event_store.events
          WHERE stream_id = ${stream} AND stream_revision >= ${bound}
          ORDER BY stream_revision LIMIT ${limit}`.execute(this.db);
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromPosition ?? START;
    const limit = options.limit ?? 1000;
    const { rows } = await sql<EventRow>`SELECT ${COLUMNS} FROM event_store.events
      WHERE (transaction_id, position) > (${from.commit.toString()}::xid8, ${from.prepare.toString()}::bigint)
        AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY transaction_id, position
      LIMIT ${limit}`.execute(this.db);
    return rows.map(toRecordedEvent);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    return pollingSubscription({
      ...(options.fromPosition ? { fromPosition: options.fromPosition } : {}),
      readAll: (fromPosition, limit) => this.readAll({ fromPosition, limit }),
      waitForEvents: (signal) => this.appended.wait(signal),
    });
  }

  async headPosition(): Promise<Position> {
    const { rows } = await sql<{ xid: string; position: string }>`
      SELECT transaction_id::text AS xid, position FROM event_store.events
       WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY transaction_id DESC, position DESC LIMIT 1`.execute(this.db);
    const row = rows[0];
    return row ? { commit: BigInt(row.xid), prepare: BigInt(row.position) } : START;
  }

  async close(): Promise<void> {
    this.appended.notify();
  }
}

/** Appends inside a transaction opened by `PostgresEventStore.transaction`. */
export interface TransactionalAppender {
  append(
    stream: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream_id,
    revision: Number(row.stream_revision),
    position: { commit: BigInt(row.xid), prepare: BigInt(row.position) },
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

function translateError(
  error: unknown,
  stream: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): unknown {
  const pgError = error as Partial<DatabaseError>;
  const actual = (detail: string | undefined) => {
    const revision = Number.parseInt(detail ?? '', 10);
    return Number.isSafeInteger(revision) && revision >= 0 ? revision : 'no-stream';
  };
  switch (pgError.code) {
    case WRONG_EXPECTED_REVISION:
    case YOUNGER_WRITER:
      return new ConcurrencyError(stream, expected, actual(pgError.detail));
    case EVENT_ID_CONFLICT:
      return new EventIdConflictError(stream, pgError.detail ?? events[0]?.id ?? '', pgError.message ?? '');
    case UNIQUE_VIOLATION:
      if (pgError.constraint === 'events_event_id') {
        const id = /\(event_id\)=\(([^)]+)\)/.exec(pgError.detail ?? '')?.[1] ?? '';
        return new EventIdConflictError(stream, id, 'event id is already stored');
      }
      return new ConcurrencyError(stream, expected, 'no-stream');
    default:
      return error;
  }
}
