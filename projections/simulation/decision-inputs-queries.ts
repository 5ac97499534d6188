import { type Kysely, sql } from 'kysely';
import type { Channel } from '../../domain/policy/policy-types.ts';
import type { SettlementChange } from '../../domain/settlement/settlement-types.ts';
import type { MonthKey } from '../../domain/time/calendar.ts';
import type { Position } from '../../event-store/port.ts';
import { inIndexOrder } from '../settlement/settlement-index-queries.ts';

/** A sale's decision inputs as indexed: its facts by hash (see `decisionFactsOf`). */
export interface IndexedDecisionInputs {
  readonly occurredAt: number;
  readonly channel: Channel;
  readonly priceFen: number;
  readonly canteenFacts: string;
  readonly elderFacts: string | null;
}

/** The facts behind these hashes. */
export async function decisionFactsOf(
  db: Kysely<unknown>,
  hashes: readonly string[],
): Promise<Map<string, unknown>> {
  if (hashes.length === 0) return new Map();
  const { rows } = await sql<{ hash: string; facts: unknown }>`
    SELECT hash, facts FROM read_models.decision_facts WHERE hash = ANY(${hashes}::text[])`.execute(db);
  return new Map(rows.map((row) => [row.hash, row.facts]));
}

/** A change of a month as the simulation reads it: its place (as text), and for a sale its inputs. */
export interface ChangeWithInputs {
  /** `commit/prepare`: equal for the rows of one confirmation indexed under several canteens. */
  readonly position: string;
  readonly change: SettlementChange;
  readonly inputs: IndexedDecisionInputs | null;
}

/** Rows per page of a month's changes. */
const PAGE = 5_000;

/**
 * The changes of one business month up to `upTo` in recorded order, each sale with its decision
 * inputs, page by page (the next page is read while the caller works on this one).
 */
export async function* changesWithInputs(
  db: Kysely<unknown>,
  month: MonthKey,
  upTo: Position,
): AsyncGenerator<ChangeWithInputs[]> {
  const read = (after: { commit: string; prepare: string }) => {
    const page = inIndexOrder(db, (trx) =>
      sql<{
        commit: string;
        prepare: string;
        change: SettlementChange;
        occurred_at: string | null;
        channel: Channel | null;
        price_fen: string | null;
        canteen_facts: string | null;
        elder_facts: string | null;
      }>`
      WITH page AS (
        SELECT commit_position, prepare_position, kind, sale_id, change FROM read_models.settlement_changes
         WHERE month = ${month}
           AND (commit_position, prepare_position) > (${after.commit}::bigint, ${after.prepare}::bigint)
           AND (commit_position, prepare_position)
               <= (${upTo.commit.toString()}::bigint, ${upTo.prepare.toString()}::bigint)
         ORDER BY commit_position, prepare_position
         LIMIT ${PAGE}
      )
      -- Looked up sale by sale (OFFSET 0 keeps it so: a join would read the whole table for every page).
      SELECT page.commit_position::text AS commit, page.prepare_position::text AS prepare, page.change,
             i.occurred_at, i.channel, i.price_fen, i.canteen_facts, i.elder_facts
        FROM page
        LEFT JOIN LATERAL (
          SELECT * FROM read_models.sale_decision_inputs WHERE page.kind = 'sold' AND sale_id = page.sale_id
          OFFSET 0
        ) AS i ON true
       ORDER BY page.commit_position, page.prepare_position`.execute(trx),
    ).then(({ rows }) => rows);
    // A page read ahead is dropped unread when the caller stops early: its failure then matters to no one.
    page.catch(() => undefined);
    return page;
  };
  let next = read({ commit: '-1', prepare: '-1' });
  for (;;) {
    const rows = await next;
    const last = rows.at(-1);
    if (last !== undefined && rows.length === PAGE) next = read(last);
    if (rows.length > 0)
      yield rows.map((row) => ({
        position: `${row.commit}/${row.prepare}`,
        change: row.change,
        inputs:
          row.occurred_at === null || row.canteen_facts === null
            ? null
            : {
                occurredAt: Number(row.occurred_at),
                channel: row.channel as Channel,
                priceFen: Number(row.price_fen),
                canteenFacts: row.canteen_facts,
                elderFacts: row.elder_facts,
              },
      }));
    if (rows.length < PAGE) return;
  }
}
