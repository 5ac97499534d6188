import type { Kysely, Transaction } from 'kysely';
import type { RecordedEvent } from '../../event-store/port.ts';

/**
 * A read model built from events. Its tables live in a schema per generation (`schema` below);
 * readers see them as views of the same names in `read_models`.
 */
export interface Projection {
  /** Stable name: the key of its generations and checkpoints. */
  readonly name: string;
  /** Raise it when the tables or the way events are applied change: the runner then builds anew. */
  readonly version: number;
  /** The event types it applies; it never sees the others. */
  readonly eventTypes: readonly string[];
  /**
   * Given the events as stored instead of in their current shape (`upcastRecorded`): for a projection
   * that keeps a digest of the event as it was written.
   */
  readonly readsEventsAsStored?: boolean;
  /** Its tables, unique across all projections: each becomes a view `read_models.<table>`. */
  readonly tables: readonly string[];
  createTables(db: Kysely<unknown>, schema: string): Promise<void>;
  /**
   * Applies events in global order inside the runner's transaction. An event the projection does
   * not know is ignored; an event it knows but cannot apply throws, which stops this projection.
   */
  apply(trx: Transaction<unknown>, schema: string, events: readonly RecordedEvent[]): Promise<void>;
}
