import { type Kysely, sql } from 'kysely';
import type { EventStore, Position, RecordedEvent } from '../../event-store/port.ts';
import { comparePositions, positionToString } from '../../event-store/position.ts';
import { upcastRecorded } from '../../event-store/upcast-recorded.ts';
import { type Generation, recordFailure, schemaOf } from './generations.ts';
import type { Projection } from './projection.ts';

/** Thrown when a projection meets an event it cannot apply: it names the event and its position. */
export class ProjectionFailure extends Error {
  override readonly name = 'ProjectionFailure';
  constructor(
    readonly projection: string,
    readonly event: RecordedEvent,
    cause: unknown,
  ) {
    super(
      `projection ${projection} cannot apply ${event.type} ${event.id} at ${positionToString(event.position)} ` +
        `(stream ${event.stream}@${event.revision}): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

export interface Advanced {
  /** Events read past (of any type): fewer than the batch size means the projection caught up. */
  readonly applied: number;
  /** The generation after the page, or null when another runner moved it on first. */
  readonly generation: Generation | null;
}

export interface AdvanceOptions {
  readonly batchSize: number;
  /**
   * Commit without waiting for the disk (rebuilds): a crash may lose the last pages, but always
   * with their checkpoint, so they are applied again and nothing is doubled.
   */
  readonly relaxedCommit?: boolean;
}

class ApplyError extends Error {}
class MovedOn extends Error {}

/** Events read after a position: those the projection handles, and where the reading stopped. */
export interface Page {
  readonly from: Position;
  readonly events: readonly RecordedEvent[];
  /** The last event read, of any type; null when there was nothing after `from`. */
  readonly last: Position | null;
  /** How many events were read, of any type. */
  readonly read: number;
}

/**
 * Reads the next page for a projection, only of the event types it handles, in their current shape
 * (as stored, for a projection that asks so).
 */
export async function readPage(
  store: EventStore,
  projection: Projection,
  from: Position,
  batchSize: number,
): Promise<Page> {
  const page = await store.readAllOfTypes({
    fromPosition: from,
    limit: batchSize,
    eventTypes: projection.eventTypes,
  });
  const events = projection.readsEventsAsStored ? page.events : page.events.map(upcastRecorded);
  return { from, events, last: page.lastPosition, read: page.read };
}

/**
 * Reads one page after the generation's checkpoint (or takes the one given, read from there) and
 * applies it in one transaction together with the new checkpoint. The checkpoint is guarded by the
 * position the page was read from, so two runners never both apply a page; the loser rolls back and
 * answers `generation: null`.
 */
export async function advance(
  store: EventStore,
  db: Kysely<unknown>,
  projection: Projection,
  generation: Generation,
  options: AdvanceOptions,
  prefetched?: Promise<Page>,
): Promise<Advanced> {
  const page = await (prefetched ?? readPage(store, projection, generation.position, options.batchSize));
  if (comparePositions(page.from, generation.position) !== 0) throw new Error('a page read from elsewhere');
  const { events, last } = page;
  if (!last) return { applied: 0, generation };
  const schema = schemaOf(generation.name, generation.generation);
  try {
    await db.transaction().execute(async (trx) => {
      if (options.relaxedCommit) await sql`SET LOCAL synchronous_commit = off`.execute(trx);
      // Locked before anything is applied: a switch that retires this generation (and then drops
      // its tables) waits for this page, or this page sees it retired and is not applied.
      const { rows } = await sql<{ state: string; position: string }>`
        SELECT state, position FROM projections.generations
         WHERE name = ${generation.name} AND generation = ${generation.generation} FOR UPDATE`.execute(trx);
      const current = rows[0];
      if (
        !current ||
        current.state === 'retired' ||
        current.position !== positionToString(generation.position)
      )
        throw new MovedOn();
      try {
        if (events.length > 0) await projection.apply(trx, schema, events);
      } catch (error) {
        throw new ApplyError('apply failed', { cause: error });
      }
      await sql`
        UPDATE projections.generations
           SET position = ${positionToString(last)}, events_processed = events_processed + ${page.read},
               updated_at = now(), failure = NULL, failed_at = NULL
         WHERE name = ${generation.name} AND generation = ${generation.generation}`.execute(trx);
    });
  } catch (error) {
    if (error instanceof MovedOn) return { applied: 0, generation: null };
    if (error instanceof ApplyError) {
      if (!(await isLive(db, generation))) return { applied: 0, generation: null };
      const explained = await explain(db, projection, schema, events, error.cause);
      // Recorded on the generation, so that /health and the CLI tell it wherever the runner is.
      if (explained instanceof ProjectionFailure) await recordFailure(db, generation, explained.message);
      throw explained;
    }
    throw error;
  }
  return {
    applied: page.read,
    generation: {
      ...generation,
      position: last,
      eventsProcessed: generation.eventsProcessed + page.read,
      failure: null,
    },
  };
}

/** Whether the generation is still active or building (a switch may have retired it meanwhile). */
async function isLive(db: Kysely<unknown>, generation: Generation): Promise<boolean> {
  const { rows } = await sql<{ state: string }>`
    SELECT state FROM projections.generations
     WHERE name = ${generation.name} AND generation = ${generation.generation}`.execute(db);
  return rows[0] !== undefined && rows[0].state !== 'retired';
}

/**
 * Finds the event of a failed page that fails on top of the ones before it, applying them one at a
 * time in a transaction that is always rolled back. When none fails alone the cause was not an
 * event (a lost connection, say) and is answered as it was, to be tried again.
 */
async function explain(
  db: Kysely<unknown>,
  projection: Projection,
  schema: string,
  events: readonly RecordedEvent[],
  cause: unknown,
): Promise<unknown> {
  let failure: unknown = cause;
  await db
    .transaction()
    .execute(async (trx) => {
      for (const event of events) {
        try {
          await projection.apply(trx, schema, [event]);
        } catch (error) {
          failure = new ProjectionFailure(projection.name, event, error);
          break;
        }
      }
      throw new RollBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RollBack)) failure = cause;
    });
  return failure;
}

class RollBack extends Error {}
