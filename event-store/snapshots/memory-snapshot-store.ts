import type { SnapshotStore, StreamSnapshot, WriteOptions } from './snapshot-store.ts';

/** Snapshots in this process only: for a service run without a database for them, and for tests. */
export class MemorySnapshotStore implements SnapshotStore {
  private readonly streams = new Map<string, { head: StreamSnapshot; parts: Map<string, unknown> }>();

  async read(stream: string, parts: readonly string[]): Promise<StreamSnapshot | null> {
    const stored = this.streams.get(stream);
    if (!stored) return null;
    const found = new Map();
    for (const part of parts)
      if (stored.parts.has(part)) found.set(part, structuredClone(stored.parts.get(part)));
    return { ...stored.head, head: structuredClone(stored.head.head), parts: found };
  }

  async write(stream: string, snapshot: StreamSnapshot, options: WriteOptions) {
    const stored = this.streams.get(stream);
    const replacing =
      stored?.head.revision === options.replacing?.revision &&
      stored?.head.eventId === options.replacing?.eventId;
    if (stored && stored.head.revision >= snapshot.revision && !replacing) return;
    const parts = options.replaceAll || !stored ? new Map<string, unknown>() : stored.parts;
    for (const [part, state] of snapshot.parts) parts.set(part, structuredClone(state));
    this.streams.set(stream, {
      head: { ...snapshot, head: structuredClone(snapshot.head), parts: new Map() },
      parts,
    });
  }
}
