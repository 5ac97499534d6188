import type { JsonValue } from '../port.ts';

/**
 * A stream's state as of one of its revisions, kept so that loading the stream reads the snapshot and
 * only the events after it. The state comes in parts (a head and named parts, such as an elder's
 * allowance by month) so that a reader loads only the parts it needs and a writer rewrites only those
 * that changed. A snapshot is a cache: it can always be rebuilt from the stream.
 */
export interface StreamSnapshot {
  /** The stream revision the snapshot reflects. */
  readonly revision: number;
  /** The id of the event at that revision: a snapshot the store's stream no longer matches is ignored. */
  readonly eventId: string;
  readonly head: JsonValue;
  /** The parts asked for, as of `revision`; a part never written is absent. */
  readonly parts: ReadonlyMap<string, JsonValue>;
}

export interface WriteOptions {
  /** Drop every part not given (a snapshot made from the whole stream). */
  readonly replaceAll: boolean;
  /**
   * The stored snapshot the writer found unusable (of another format, or naming an event the stream
   * no longer holds there): replaced even when its revision is not below the new one.
   */
  readonly replacing?: { readonly revision: number; readonly eventId: string };
}

export interface SnapshotStore {
  /** The stream's snapshot with the parts asked for, read consistently; null when there is none. */
  read(stream: string, parts: readonly string[]): Promise<StreamSnapshot | null>;
  /**
   * Stores the head and the given parts, unless a snapshot of a later revision is stored already. The
   * parts not given keep their stored state, so the writer gives every part changed since the stored
   * revision.
   */
  write(stream: string, snapshot: StreamSnapshot, options: WriteOptions): Promise<void>;
}
