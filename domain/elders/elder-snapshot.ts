import type { Fen } from '../money.ts';
import type { MonthKey } from '../time/calendar.ts';
import type { AllowanceMeal } from './allowance.ts';
import type { OwedForSale, RegisteredElder } from './elder.ts';

/** Raised when what a snapshot keeps of an elder changes shape: older snapshots are then rebuilt. */
export const ELDER_SNAPSHOT_FORMAT = 1;

/** What a snapshot keeps of a registered elder besides the allowance's months, as plain JSON. */
export interface ElderSnapshotHead {
  readonly format: number;
  readonly elderId: string;
  readonly version: number;
  readonly profiles: RegisteredElder['profiles'];
  readonly cardUid: string | null;
  readonly deathDate: string | null;
  readonly owedNotShown: readonly OwedForSale[];
}

export function elderSnapshotHead(state: RegisteredElder): ElderSnapshotHead {
  const { elderId, version, profiles, cardUid, deathDate, owedNotShown } = state;
  return { format: ELDER_SNAPSHOT_FORMAT, elderId, version, profiles, cardUid, deathDate, owedNotShown };
}

/** The month parts a snapshot keeps: each covered month's meals (an empty month is written too). */
export function elderSnapshotMonths(
  state: RegisteredElder,
  months: Iterable<MonthKey>,
): Map<MonthKey, readonly AllowanceMeal[]> {
  const parts = new Map<MonthKey, readonly AllowanceMeal[]>();
  for (const month of months) parts.set(month, state.allowance.months.get(month) ?? []);
  return parts;
}

/**
 * The elder as a snapshot keeps it, with the allowance of the months asked for (a month the snapshot
 * has no part for had no meals); null for a snapshot of another format.
 */
export function elderFromSnapshot(
  head: unknown,
  asked: readonly MonthKey[],
  parts: ReadonlyMap<string, unknown>,
): RegisteredElder | null {
  const kept = head as ElderSnapshotHead;
  if (kept?.format !== ELDER_SNAPSHOT_FORMAT) return null;
  const months = new Map<MonthKey, readonly AllowanceMeal[]>();
  for (const month of asked) {
    const meals = parts.get(month) as readonly AllowanceMeal[] | undefined;
    if (meals && meals.length > 0) months.set(month, meals);
  }
  return {
    status: 'registered',
    elderId: kept.elderId,
    version: kept.version,
    profiles: kept.profiles,
    cardUid: kept.cardUid,
    deathDate: kept.deathDate,
    owedNotShown: kept.owedNotShown.map((owed) => ({ saleId: owed.saleId, fen: owed.fen as Fen })),
    allowance: { months, covers: new Set(asked) },
  };
}
