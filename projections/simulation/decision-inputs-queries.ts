import { type Kysely, sql } from 'kysely';
import type { Channel } from '../../domain/policy/policy-types.ts';

/** A sale's decision inputs as indexed: its facts by hash (see `decisionFactsOf`). */
export interface IndexedDecisionInputs {
  readonly occurredAt: number;
  readonly channel: Channel;
  readonly priceFen: number;
  readonly canteenFacts: string;
  readonly elderFacts: string | null;
}

/** The decision inputs of these sales, by sale id (a sale not indexed is absent). */
export async function decisionInputsOf(
  db: Kysely<unknown>,
  saleIds: readonly string[],
): Promise<Map<string, IndexedDecisionInputs>> {
  if (saleIds.length === 0) return new Map();
  const { rows } = await sql<{
    sale_id: string;
    occurred_at: string;
    channel: Channel;
    price_fen: string;
    canteen_facts: string;
    elder_facts: string | null;
  }>`
    SELECT sale_id, occurred_at, channel, price_fen, canteen_facts, elder_facts
      FROM read_models.sale_decision_inputs WHERE sale_id = ANY(${saleIds}::text[])`.execute(db);
  return new Map(
    rows.map((row) => [
      row.sale_id,
      {
        occurredAt: Number(row.occurred_at),
        channel: row.channel,
        priceFen: Number(row.price_fen),
        canteenFacts: row.canteen_facts,
        elderFacts: row.elder_facts,
      },
    ]),
  );
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
