import { type Kysely, sql } from 'kysely';
import type { PolicyDocument } from '../../domain/policy/policy-types.ts';
import type { SettlementChange, SettlementElder } from '../../domain/settlement/settlement-types.ts';
import type { MonthKey } from '../../domain/time/calendar.ts';
import type { Position } from '../../event-store/port.ts';

/** A change as indexed: where it was recorded, and under which month and canteen. */
export interface IndexedChange {
  readonly position: Position;
  readonly month: MonthKey;
  readonly canteenId: string;
  /** The stream of the event that made it (a verification reads the event from there). */
  readonly stream: string;
  readonly change: SettlementChange;
}

/** Rows per page of a month's changes. */
const PAGE = 5_000;

interface ChangeRow {
  readonly commit: string;
  readonly prepare: string;
  readonly month: MonthKey;
  readonly canteen_id: string;
  readonly stream: string;
  readonly change: SettlementChange;
}

/**
 * Runs a keyset page query (`… WHERE key > last ORDER BY key LIMIT n`) so that it reads the index in
 * its order and stops at the page's end. Left to its statistics (absent on a read model just built),
 * the planner may instead read every row after `last` and sort them, for every page: a month read in
 * pages then costs the square of its length.
 */
export function inIndexOrder<T>(
  db: Kysely<unknown>,
  query: (trx: Kysely<unknown>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_sort = off`.execute(trx);
    await sql`SET LOCAL enable_bitmapscan = off`.execute(trx);
    return query(trx);
  });
}

/** Before every position. */
export const BEFORE_ALL: Position = Object.freeze({ commit: -1n, prepare: -1n });

/**
 * The changes of one business month (one canteen's only, with `canteenId`) recorded after `after` and
 * up to `upTo`, in recorded order, page by page: the next page is read while the caller works on this
 * one.
 */
export async function* changesOfMonth(
  db: Kysely<unknown>,
  month: MonthKey,
  window: { readonly after?: Position; readonly upTo: Position },
  canteenId?: string,
): AsyncGenerator<IndexedChange[]> {
  const { upTo } = window;
  const read = (after: Position) => {
    const page = inIndexOrder(db, (trx) =>
      sql<ChangeRow>`
      SELECT commit_position::text AS commit, prepare_position::text AS prepare, month, canteen_id, stream, change
        FROM read_models.settlement_changes
       WHERE month = ${month}
         AND ${canteenId === undefined ? sql`true` : sql`canteen_id = ${canteenId}`}
         AND (commit_position, prepare_position) > (${after.commit.toString()}::bigint, ${after.prepare.toString()}::bigint)
         AND (commit_position, prepare_position) <= (${upTo.commit.toString()}::bigint, ${upTo.prepare.toString()}::bigint)
       ORDER BY commit_position, prepare_position
       LIMIT ${PAGE}`.execute(trx),
    ).then(({ rows }) => rows.map(indexedChangeOf));
    // A page read ahead is dropped unread when the caller stops early: its failure then matters to no one.
    page.catch(() => undefined);
    return page;
  };
  let next = read(window.after ?? BEFORE_ALL);
  for (;;) {
    const page = await next;
    const last = page.at(-1);
    if (last !== undefined && page.length === PAGE) next = read(last.position);
    if (page.length > 0) yield page;
    if (page.length < PAGE) return;
  }
}

function indexedChangeOf(row: ChangeRow): IndexedChange {
  return {
    position: { commit: BigInt(row.commit), prepare: BigInt(row.prepare) },
    month: row.month,
    canteenId: row.canteen_id,
    stream: row.stream,
    change: row.change,
  };
}

/**
 * The months and canteens changed after the given position of each month (a closed month's cut-off,
 * or later) and up to `upTo`, each with where the change was recorded: late changes of closed months.
 */
export async function changedAfterCutoffs(
  db: Kysely<unknown>,
  closings: readonly { readonly month: MonthKey; readonly cutoff: Position }[],
  upTo: Position,
): Promise<{ month: MonthKey; canteenId: string; position: Position }[]> {
  if (closings.length === 0) return [];
  const { rows } = await sql<{ month: MonthKey; canteen_id: string; commit: string; prepare: string }>`
    SELECT change.month, change.canteen_id, change.commit_position::text AS commit,
           change.prepare_position::text AS prepare
      FROM unnest(${closings.map((closing) => closing.month)}::text[],
                  ${closings.map((closing) => closing.cutoff.commit.toString())}::bigint[],
                  ${closings.map((closing) => closing.cutoff.prepare.toString())}::bigint[])
             AS closing(month, commit_position, prepare_position)
     CROSS JOIN LATERAL (
       SELECT month, canteen_id, commit_position, prepare_position FROM read_models.settlement_changes
        WHERE month = closing.month
          AND (commit_position, prepare_position) > (closing.commit_position, closing.prepare_position)
          AND (commit_position, prepare_position)
              <= (${upTo.commit.toString()}::bigint, ${upTo.prepare.toString()}::bigint)
     ) AS change`.execute(db);
  return rows.map((row) => ({
    month: row.month,
    canteenId: row.canteen_id,
    position: { commit: BigInt(row.commit), prepare: BigInt(row.prepare) },
  }));
}

/** The earliest business month with a change indexed; null when none is. */
export async function earliestMonth(db: Kysely<unknown>): Promise<MonthKey | null> {
  const { rows } = await sql<{ month: MonthKey | null }>`
    SELECT min(month) AS month FROM read_models.settlement_changes`.execute(db);
  return rows[0]?.month ?? null;
}

/** The elders' facts as they stood at `upTo`. */
export async function elderFactsAt(
  db: Kysely<unknown>,
  elderIds: readonly string[],
  upTo: Position,
): Promise<Map<string, SettlementElder>> {
  const { rows } = await sql<{ facts: SettlementElder }>`
    SELECT facts.facts FROM unnest(${elderIds}::text[]) AS wanted(elder_id)
     CROSS JOIN LATERAL (
       SELECT facts FROM read_models.settlement_elders
        WHERE elder_id = wanted.elder_id
          AND (commit_position, prepare_position)
              <= (${upTo.commit.toString()}::bigint, ${upTo.prepare.toString()}::bigint)
        ORDER BY commit_position DESC, prepare_position DESC LIMIT 1
     ) AS facts`.execute(db);
  return new Map(rows.map(({ facts }) => [facts.elderId, facts]));
}

/** The elders whose facts changed after `after` and up to `upTo`. */
export async function eldersChangedBetween(
  db: Kysely<unknown>,
  after: Position,
  upTo: Position,
): Promise<string[]> {
  const { rows } = await sql<{ elder_id: string }>`
    SELECT DISTINCT elder_id FROM read_models.settlement_elders
     WHERE (commit_position, prepare_position)
           > (${after.commit.toString()}::bigint, ${after.prepare.toString()}::bigint)
       AND (commit_position, prepare_position)
           <= (${upTo.commit.toString()}::bigint, ${upTo.prepare.toString()}::bigint)`.execute(db);
  return rows.map((row) => row.elder_id);
}

/** Every policy registered up to `upTo`, in recorded order. */
export async function policiesAt(db: Kysely<unknown>, upTo: Position): Promise<PolicyDocument[]> {
  const { rows } = await sql<{ policy: PolicyDocument }>`
    SELECT policy FROM read_models.settlement_policies
     WHERE (commit_position, prepare_position)
           <= (${upTo.commit.toString()}::bigint, ${upTo.prepare.toString()}::bigint)
     ORDER BY commit_position, prepare_position`.execute(db);
  return rows.map((row) => row.policy);
}
