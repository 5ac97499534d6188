import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import type { DatabaseError } from 'pg';
import type { Connection } from '../../database/connect.ts';
import {
  assertValidAppend,
  ConcurrencyError,
  CutoffUnavailableError,
  EventIdConflictError,
} from '../errors.ts';
import { AppendSignal, pollingSubscription } from '../polling-subscription.ts';
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
} from '../port.ts';
import { comparePositions, START } from '../position.ts';
import { Batcher } from './append-batcher.ts';

interface AppendOutcomeRow {
  request_index: number;
  outcome: 'written' | 'idempotent' | 'wrong-expected-revision' | 'younger-writer' | 'event-id-conflict';
  next_revision: string | null;
  commit_position: string | null;
  prepare_position: string | null;
  actual_revision: string;
}

interface AppendRequest {
  readonly stream: string;
  readonly events: readonly EventToAppend[];
  readonly expectedRevision: ExpectedRevision;
}

/**
 * A stored event as a row array in `COLUMN_LIST` order (pg's array row mode: no object per row):
 * position, transaction id (the commit part of our position), stream, revision, id, type, data,
 * metadata, and the recorded time in epoch milliseconds (far cheaper to parse than timestamptz text).
 */
type EventTuple = [string, string, string, string, string, string, JsonObject, EventMetadata, number];

/**
 * A row of a filtered page: an event (all null when the page has none of the asked types), then how
 * many events the page read and the last one's position.
 */
type PageTuple = [...Nullable<EventTuple>, number | null, string | null, string | null];
type Nullable<T extends unknown[]> = { [K in keyof T]: T[K] | null };

const COLUMN_LIST = `position, transaction_id::text AS xid, stream_id, stream_revision, event_id, event_type,
  data, metadata, (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms`;

/** A stream's events from a revision: read for every command, so prepared once per connection. */
const READ_STREAM_FORWARDS = {
  name: 'event_store.read_stream_forwards',
  text: `SELECT ${COLUMN_LIST} FROM event_store.events
          WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`,
};
const READ_STREAM_BACKWARDS = {
  name: 'event_store.read_stream_backwards',
  text: `SELECT ${COLUMN_LIST} FROM event_store.events
          WHERE stream_id = $1 AND stream_revision <= $2 ORDER BY stream_revision DESC LIMIT $3`,
};

/**
 * Many streams' events from a revision each (whole streams from 0: what loading aggregates reads),
 * stream by stream through the (stream, revision) index: with `stream_id = ANY(…)` or a join, the
 * planner turned to scanning the table once it held a few hundred thousand events.
 */
const READ_STREAM_TAILS = {
  name: 'event_store.read_stream_tails',
  text: `SELECT tail.* FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS wanted(stream, from_revision, n)
          CROSS JOIN LATERAL (
            SELECT ${COLUMN_LIST} FROM event_store.events
             WHERE stream_id = wanted.stream AND stream_revision >= wanted.from_revision
             ORDER BY stream_revision
          ) AS tail
          ORDER BY wanted.n, tail.stream_revision`,
};

/** All events after a position in global order, up to a limit: the hot path of every catch-up. */
const READ_ALL = `SELECT ${COLUMN_LIST} FROM event_store.events
   WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
     AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
   ORDER BY transaction_id, position
   LIMIT $3`;

/**
 * Like READ_ALL, but answers only the events of the given types ($4, no type twice) among the next $3
 * events, with how many events were read and the last one's position. The page's reach is found in
 * the primary key alone; only the rows of the given types are then fetched, type by type in the type
 * index, each type's rows in global order (sorted by the caller: a sort here would carry every row's
 * data). The reach is cut below the snapshot's xmin, so everything up to it is final: the page never
 * skips an event. Every row carries the reach; with no event of the given types in it, one row
 * carries only the reach, and with nothing read there is no row.
 */
const READ_ALL_OF_TYPES = `WITH page AS MATERIALIZED (
    SELECT transaction_id, position FROM event_store.events
     WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
       AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY transaction_id, position
     LIMIT $3
  ), reach AS (
    SELECT (SELECT count(*)::int FROM page) AS read, transaction_id AS last_xid, position AS last_position
      FROM page ORDER BY transaction_id DESC, position DESC LIMIT 1
  )
  SELECT e.position, e.transaction_id::text AS xid, e.stream_id, e.stream_revision, e.event_id, e.event_type,
         e.data, e.metadata, (extract(epoch FROM e.recorded_at) * 1000)::float8 AS recorded_ms,
         reach.read, reach.last_xid::text, reach.last_position
    FROM reach LEFT JOIN LATERAL (
      SELECT of_type.* FROM unnest($4::text[]) AS asked(event_type)
       CROSS JOIN LATERAL (
         SELECT * FROM event_store.events
          WHERE event_type = asked.event_type
            -- The scalar bounds let the planner see the range it scans in the type index.
            AND transaction_id >= $1::xid8 AND transaction_id <= reach.last_xid
            AND (transaction_id, position) > ($1::xid8, $2::bigint)
            AND (transaction_id, position) <= (reach.last_xid, reach.last_position)
          ORDER BY transaction_id, position
       ) AS of_type
    ) AS e ON true`;

const UNIQUE_VIOLATION = '23505';

/** How long `settledHead` waits for writes begun before it to end. */
const SETTLED_HEAD_TIMEOUT_MS = 10_000;

export interface PostgresEventStoreOptions {
  /** How often a live subscription looks for events written by other processes. */
  readonly pollIntervalMs?: number;
  /** How many append batches may be written at once. */
  readonly maxConcurrentBatches?: number;
}

/** The event store on PostgreSQL (embedded by default). The schema comes from the migrations. */
export class PostgresEventStore implements EventStore {
  readonly kind = 'postgresql';
  private readonly appended: AppendSignal;
  private readonly batcher: Batcher<AppendRequest, AppendResult>;
  /** Reads of whole streams or of a stream from a revision on (loading aggregates), coalesced like appends. */
  private readonly streamTails: Batcher<{ stream: string; from: number }, RecordedEvent[]>;

  private readonly pool: pg.Pool;

  constructor(connection: Pick<Connection, 'pool'>, options: PostgresEventStoreOptions = {}) {
    this.pool = connection.pool;
    this.appended = new AppendSignal(options.pollIntervalMs ?? 100);
    this.batcher = new Batcher((requests) => this.appendBatch(this.pool, requests), {
      maxInFlight: options.maxConcurrentBatches ?? 2,
      maxBatchWeight: 5000,
      weigh: (request) => request.events.length,
    });
    this.streamTails = new Batcher((tails) => this.readStreamTails(tails), {
      maxInFlight: 2,
      maxBatchWeight: 200,
      weigh: () => 1,
    });
  }

  async append(
    stream: string,
    events: readonly EventToAppend[],
    { expectedRevision }: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    assertValidAppend(stream, events);
    return this.batcher.submit({ stream, events, expectedRevision });
  }

  /**
   * Runs `work` in one database transaction: appends made through the given appender commit together
   * with whatever else the transaction writes, or not at all.
   */
  async transaction<T>(
    work: (appender: TransactionalAppender, client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(
        {
          append: async (stream, events, { expectedRevision }) => {
            assertValidAppend(stream, events);
            const [answer] = await this.appendBatch(client, [{ stream, events, expectedRevision }]);
            if (answer instanceof Error || answer === undefined) throw answer;
            return answer;
          },
        },
        client,
      );
      await client.query('COMMIT');
      this.appended.notify();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** One round trip for any number of appends; each answer is a result or that append's own error. */
  private async appendBatch(
    executor: pg.Pool | pg.PoolClient,
    requests: AppendRequest[],
  ): Promise<(AppendResult | Error)[]> {
    const payload = JSON.stringify(
      requests.map((request) => ({
        stream: request.stream,
        expected: String(request.expectedRevision),
        events: request.events.map((event) => ({
          id: event.id,
          type: event.type,
          data: event.data,
          metadata: event.metadata ?? {},
        })),
      })),
    );
    let rows: AppendOutcomeRow[];
    try {
      // A named (prepared) statement through pg itself: this is the hot path.
      ({ rows } = await executor.query<AppendOutcomeRow>({
        name: 'event_store.append_batch',
        text: 'SELECT * FROM event_store.append_batch($1::jsonb)',
        values: [payload],
      }));
    } catch (error) {
      const only = requests.length === 1 ? requests[0] : undefined;
      throw only ? translateError(error, only) : error;
    }
    if (executor === this.pool && rows.some((row) => row.outcome === 'written')) this.appended.notify();
    return rows
      .sort((a, b) => a.request_index - b.request_index)
      .map((row, index) => toAppendAnswer(row, requests[index] as AppendRequest));
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const whole =
      options.fromRevision === undefined && options.limit === undefined && options.direction !== 'backwards';
    if (whole) return this.streamTails.submit({ stream, from: 0 });
    const backwards = options.direction === 'backwards';
    if (typeof options.fromRevision === 'number' && options.limit === undefined && !backwards) {
      return this.streamTails.submit({ stream, from: options.fromRevision });
    }
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const from = options.fromRevision ?? (backwards ? 'end' : 'start');
    const bound =
      from === 'start' ? Number.MIN_SAFE_INTEGER : from === 'end' ? Number.MAX_SAFE_INTEGER : from;
    const { rows } = await this.pool.query<EventTuple>({
      ...(backwards ? READ_STREAM_BACKWARDS : READ_STREAM_FORWARDS),
      values: [stream, bound, limit],
      rowMode: 'array',
    });
    return rows.map(recordedEventMapper());
  }

  /** Many streams in one round trip: concurrent commands each load their aggregate. */
  private async readStreamTails(tails: { stream: string; from: number }[]): Promise<RecordedEvent[][]> {
    // Each stream once, from the lowest revision asked for it.
    const lowest = new Map<string, number>();
    for (const { stream, from } of tails) lowest.set(stream, Math.min(from, lowest.get(stream) ?? from));
    const { rows } = await this.pool.query<EventTuple>({
      ...READ_STREAM_TAILS,
      values: [[...lowest.keys()], [...lowest.values()]],
      rowMode: 'array',
    });
    const byStream = new Map<string, RecordedEvent[]>();
    const toEvent = recordedEventMapper();
    for (const row of rows) {
      const event = toEvent(row);
      const events = byStream.get(event.stream);
      if (events) events.push(event);
      else byStream.set(event.stream, [event]);
    }
    // Each caller gets its own array (callers may keep or change it), from its own revision.
    return tails.map(({ stream, from }) =>
      (byStream.get(stream) ?? []).filter((event) => event.revision >= from),
    );
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromPosition ?? START;
    const limit = options.limit ?? 1000;
    const { rows } = await this.pool.query<EventTuple>({
      name: 'event_store.read_all',
      text: READ_ALL,
      values: [from.commit.toString(), from.prepare.toString(), limit],
      rowMode: 'array',
    });
    return rows.map(recordedEventMapper());
  }

  async readAllOfTypes(options: ReadAllOfTypesOptions): Promise<FilteredPage> {
    const from = options.fromPosition ?? START;
    const { rows } = await this.pool.query<PageTuple>({
      name: 'event_store.read_all_of_types',
      text: READ_ALL_OF_TYPES,
      values: [
        from.commit.toString(),
        from.prepare.toString(),
        options.limit ?? 1000,
        [...new Set(options.eventTypes)],
      ],
      rowMode: 'array',
    });
    const first = rows[0];
    if (first === undefined || first[9] === null || first[10] === null || first[11] === null) {
      return { events: [], lastPosition: null, read: 0 };
    }
    const toEvent = recordedEventMapper();
    const events: RecordedEvent[] = [];
    let sorted = true;
    for (const row of rows) {
      if (row[0] === null) continue;
      const event = toEvent(row as unknown as EventTuple);
      const previous = events.at(-1);
      if (previous !== undefined && comparePositions(previous.position, event.position) > 0) sorted = false;
      events.push(event);
    }
    // Each type's events came in global order, one type after the other.
    if (!sorted) events.sort((a, b) => comparePositions(a.position, b.position));
    return {
      events,
      lastPosition: { commit: BigInt(first[10]), prepare: BigInt(first[11]) },
      read: first[9],
    };
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    return pollingSubscription({
      ...(options.fromPosition ? { fromPosition: options.fromPosition } : {}),
      readAll: (fromPosition, limit) => this.readAll({ fromPosition, limit }),
      waitForEvents: (signal) => this.appended.wait(signal),
    });
  }

  async headPosition(): Promise<Position> {
    const { rows } = await this.pool.query<{ xid: string; position: string }>(
      `SELECT transaction_id::text AS xid, position FROM event_store.events
        WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id DESC, position DESC LIMIT 1`,
    );
    const row = rows[0];
    return row ? { commit: BigInt(row.xid), prepare: BigInt(row.position) } : START;
  }

  /**
   * Every transaction that had committed, or was writing, when this is called has an id below the
   * `xmax` of a snapshot taken now. Once the oldest running transaction (`xmin`) is past that id, all
   * of them have ended, and the head below `xmin` holds every event they wrote: no event can appear
   * before it later. Without this wait, one transaction left open (a projection's page, an append
   * still being written) hides every event committed after it began.
   */
  async settledHead(options: { readonly timeoutMs?: number } = {}): Promise<Position> {
    const timeoutMs = options.timeoutMs ?? SETTLED_HEAD_TIMEOUT_MS;
    const { rows } = await this.pool.query<{ xmax: string }>(
      'SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax',
    );
    const xmax = rows[0]?.xmax ?? '0';
    const deadline = Date.now() + timeoutMs;
    for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
      const { rows: passed } = await this.pool.query<{ passed: boolean }>(
        'SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::xid8 AS passed',
        [xmax],
      );
      if (passed[0]?.passed) return this.headPosition();
      if (Date.now() >= deadline)
        throw new CutoffUnavailableError(
          `writes begun before the cut-off were still running after ${timeoutMs} ms (transaction ${xmax} and older)`,
        );
      await delay(wait);
    }
  }

  async countEventsAfter(position: Position, upTo = Number.MAX_SAFE_INTEGER): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>(
      `SELECT count(*) AS count FROM (SELECT 1 FROM event_store.events
        WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        LIMIT $3) AS behind`,
      [position.commit.toString(), position.prepare.toString(), upTo],
    );
    return Number(rows[0]?.count ?? 0);
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

/** Maps rows to events; rows of one transaction share one BigInt for their transaction id. */
function recordedEventMapper(): (row: EventTuple) => RecordedEvent {
  let lastXid = '';
  let lastCommit = 0n;
  return ([position, xid, stream, revision, id, type, data, metadata, recordedMs]) => {
    if (xid !== lastXid) {
      lastXid = xid;
      lastCommit = BigInt(xid);
    }
    return {
      id,
      stream,
      revision: Number(revision),
      position: { commit: lastCommit, prepare: BigInt(position) },
      type,
      data,
      metadata,
      recordedAt: new Date(recordedMs),
    };
  };
}

function toAppendAnswer(row: AppendOutcomeRow, request: AppendRequest): AppendResult | Error {
  const actual = Number(row.actual_revision);
  switch (row.outcome) {
    case 'written':
    case 'idempotent':
      return {
        nextRevision: Number(row.next_revision),
        position: { commit: BigInt(row.commit_position ?? 0), prepare: BigInt(row.prepare_position ?? 0) },
        written: row.outcome === 'written',
      };
    case 'wrong-expected-revision':
    case 'younger-writer':
      return new ConcurrencyError(
        request.stream,
        request.expectedRevision,
        actual < 0 ? 'no-stream' : actual,
      );
    case 'event-id-conflict':
      return new EventIdConflictError(
        request.stream,
        request.events[0]?.id ?? '',
        'event ids are stored in another stream, with other data or in another order',
      );
    default: {
      const _exhaustive: never = row.outcome;
      return new Error(`unknown append outcome ${String(_exhaustive)}`);
    }
  }
}

/** A concurrent writer inserted the same event id or revision between our checks and our insert. */
function translateError(error: unknown, request: AppendRequest): unknown {
  const pgError = error as Partial<DatabaseError>;
  if (pgError.code !== UNIQUE_VIOLATION) return error;
  if (pgError.constraint === 'events_event_id') {
    const id = /\(event_id\)=\(([^)]+)\)/.exec(pgError.detail ?? '')?.[1] ?? '';
    return new EventIdConflictError(request.stream, id, 'event id is already stored');
  }
  return new ConcurrencyError(request.stream, request.expectedRevision, 'no-stream');
}
