import type { ExpectedRevision } from './port.ts';

/** The stream was not at the revision the writer expected: reload and decide again. */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's revision, or 'no-stream' when it does not exist. */
    readonly actual: number | 'no-stream',
  ) {
    super(`stream ${stream}: expected revision ${expected}, actual ${actual}`);
  }
}

/** An event id that is already stored in another stream, at another place, or with other data. */
export class EventIdConflictError extends Error {
  override readonly name = 'EventIdConflictError';
  constructor(
    readonly stream: string,
    readonly eventId: string,
    detail: string,
  ) {
    super(`event ${eventId} appended to ${stream}: ${detail}`);
  }
}

/**
 * No cut-off could be fixed in time: writes that began before it were still running (or a reader it
 * depends on is still behind). Nothing was recorded; the same request may be sent again.
 */
export class CutoffUnavailableError extends Error {
  override readonly name = 'CutoffUnavailableError';
}

/** The append itself is malformed (empty stream name, no events, an id that is not a UUID …). */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertValidAppend(stream: string, events: readonly { id: string; type: string }[]): void {
  if (stream.length === 0 || stream.length > 512)
    throw new InvalidAppendError('stream name must be 1–512 characters');
  if (events.length === 0) throw new InvalidAppendError('an append needs at least one event');
  const ids = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.id))
      throw new InvalidAppendError(`event id ${JSON.stringify(event.id)} is not a UUID`);
    if (ids.has(event.id.toLowerCase()))
      throw new InvalidAppendError(`event id ${event.id} appears twice in one append`);
    ids.add(event.id.toLowerCase());
    if (event.type.length === 0) throw new InvalidAppendError('every event needs a type');
  }
}
