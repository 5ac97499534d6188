/**
 * A place in the global order of all events. Both adapters order events by a pair:
 * KurrentDB by its transaction-file commit and prepare positions, PostgreSQL by the writing
 * transaction's id and the row's sequence number. Pairs compare lexicographically.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** Before the first event. */
export const START: Position = Object.freeze({ commit: 0n, prepare: 0n });

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** A checkpoint as text a consumer can store anywhere: `commit/prepare`. */
export function positionToString(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

export function positionFromString(text: string): Position {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match?.[1] || !match[2]) throw new Error(`not an event-store position: ${JSON.stringify(text)}`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}
