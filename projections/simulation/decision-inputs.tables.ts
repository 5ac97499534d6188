import { type Kysely, sql } from 'kysely';

/**
 * 决策依据: what each sale was decided from, so that a month can be decided again under a proposed
 * policy (政策测算) without reading the event store.
 *
 * - `sale_decision_inputs`: per sale, under its business month and the position of its `MealSold`
 *   (as the settlement index keeps the sale, so that both are read side by side in one order), its
 *   time, channel and price, and the facts of its canteen and cardholder as the service knew them
 *   when it decided the sale, by the hash of those facts.
 * - `decision_facts`: each distinct set of facts once (an elder eats many meals with the same facts).
 * - `decision_elders`, `decision_cards`, `decision_canteens`: the facts as they stand now, folded from
 *   the registrations, from which the next sale's facts are taken.
 */
export async function createDecisionInputTables(db: Kysely<unknown>, schema: string): Promise<void> {
  const table = (name: string) => sql.id(schema, name);
  await sql`
    CREATE TABLE ${table('sale_decision_inputs')} (
      month text NOT NULL,
      commit_position bigint NOT NULL,
      prepare_position bigint NOT NULL,
      sale_id text NOT NULL,
      occurred_at bigint NOT NULL,
      channel text NOT NULL,
      price_fen bigint NOT NULL,
      canteen_facts text NOT NULL,
      elder_facts text,
      PRIMARY KEY (month, commit_position, prepare_position)
    )`.execute(db);
  await sql`CREATE TABLE ${table('decision_facts')} (hash text PRIMARY KEY, facts jsonb NOT NULL)`.execute(
    db,
  );
  for (const [name, key] of [
    ['decision_elders', 'elder_id'],
    ['decision_cards', 'card_uid'],
    ['decision_canteens', 'canteen_id'],
  ] as const)
    await sql`CREATE TABLE ${table(name)} (${sql.id(key)} text PRIMARY KEY, state jsonb NOT NULL)`.execute(
      db,
    );
}
