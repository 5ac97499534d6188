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

/**
 * A change of a month as the simulation reads it: its place (as text), and for a sale its inputs.
 * The change's event is left out (its id and leaf empty): a simulation issues no digests.
 */
export interface ChangeWithInputs {
  /** `commit/prepare`: equal for the rows of one confirmation indexed under several canteens. */
  readonly position: string;
  readonly change: SettlementChange;
  readonly inputs: IndexedDecisionInputs | null;
}

interface InputRow {
  readonly commit: string;
  readonly prepare: string;
  readonly occurred_at: string;
  readonly channel: Channel;
  readonly price_fen: string;
  readonly canteen_facts: string;
  readonly elder_facts: string | null;
}

/** The event of a change read without it. */
const UNDIGESTED = Object.freeze({ eventId: '', leaf: '' });

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
  const upToCommit = upTo.commit.toString();
  const upToPrepare = upTo.prepare.toString();
  // Both tables keep the month's rows by position: the page's changes, then the inputs of the sales
  // among them, each one range of an index in its order.
  const read = (after: { commit: string; prepare: string }) => {
    const page = inIndexOrder(db, async (trx) => {
      const { rows: changes } = await sql<{ commit: string; prepare: string; change: SettlementChange }>`
        SELECT commit_position::text AS commit, prepare_position::text AS prepare, change - 'event' AS change
          FROM read_models.settlement_changes
         WHERE month = ${month}
           AND (commit_position, prepare_position) > (${after.commit}::bigint, ${after.prepare}::bigint)
           AND (commit_position, prepare_position) <= (${upToCommit}::bigint, ${upToPrepare}::bigint)
         ORDER BY commit_position, prepare_position
         LIMIT ${PAGE}`.execute(trx);
      const last = changes.at(-1);
      if (last === undefined) return { changes, inputs: [] };
      const { rows: inputs } = await sql<InputRow>`
        SELECT commit_position::text AS commit, prepare_position::text AS prepare, occurred_at, channel,
               price_fen, canteen_facts, elder_facts
          FROM read_models.sale_decision_inputs
         WHERE month = ${month}
           AND (commit_position, prepare_position) > (${after.commit}::bigint, ${after.prepare}::bigint)
           AND (commit_position, prepare_position) <= (${last.commit}::bigint, ${last.prepare}::bigint)
         ORDER BY commit_position, prepare_position`.execute(trx);
      return { changes, inputs };
    });
    // A page read ahead is dropped unread when the caller stops early: its failure then matters to no one.
    page.catch(() => undefined);
    return page;
  };
  let next = read({ commit: '-1', prepare: '-1' });
  for (;;) {
    const { changes, inputs } = await next;
    const last = changes.at(-1);
    if (last !== undefined && changes.length === PAGE) next = read(last);
    const inputAt = new Map(inputs.map((row) => [`${row.commit}/${row.prepare}`, row]));
    if (changes.length > 0)
      yield changes.map((row) => {
        const position = `${row.commit}/${row.prepare}`;
        const input = row.change.kind === 'sold' ? inputAt.get(position) : undefined;
        return {
          position,
          change: Object.assign(row.change, { event: UNDIGESTED }),
          inputs:
            input === undefined
              ? null
              : {
                  occurredAt: Number(input.occurred_at),
                  channel: input.channel,
                  priceFen: Number(input.price_fen),
                  canteenFacts: input.canteen_facts,
                  elderFacts: input.elder_facts,
                },
        };
      });
    if (changes.length < PAGE) return;
  }
}
