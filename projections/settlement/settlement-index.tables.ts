import { type Kysely, sql } from 'kysely';

/**
 * 结算索引: what a month's settlement is computed from, found by business month instead of by a scan
 * of the whole store. Positions are kept as (commit, prepare) in two bigints.
 *
 * - `settlement_changes`: one row per sale, void, and confirmed alert, under the business month and
 *   canteen of the sale it changes (a confirmation once per canteen-month of its sales), with the
 *   event's place, its digest leaf, and the change as settlement reads it.
 * - `settlement_elders`: each elder's facts after every registration, profile change or death.
 * - `settlement_policies`: every policy registered.
 */
export async function createSettlementIndexTables(db: Kysely<unknown>, schema: string): Promise<void> {
  const table = (name: string) => sql.id(schema, name);
  await sql`
    CREATE TABLE ${table('settlement_changes')} (
      month text NOT NULL,
      canteen_id text NOT NULL,
      commit_position bigint NOT NULL,
      prepare_position bigint NOT NULL,
      kind text NOT NULL CHECK (kind IN ('sold', 'voided', 'confirmed')),
      sale_id text,
      event_id uuid NOT NULL,
      stream text NOT NULL,
      change jsonb NOT NULL,
      PRIMARY KEY (month, canteen_id, commit_position, prepare_position)
    )`.execute(db);
  // A month in recorded order; a closed month's changes after its cut-off.
  await sql`CREATE INDEX ON ${table('settlement_changes')} (month, commit_position, prepare_position)`.execute(
    db,
  );
  // The month and canteen of a sale being voided or excluded.
  await sql`CREATE UNIQUE INDEX ON ${table('settlement_changes')} (sale_id) WHERE kind = 'sold'`.execute(db);
  await sql`
    CREATE TABLE ${table('settlement_elders')} (
      elder_id text NOT NULL,
      commit_position bigint NOT NULL,
      prepare_position bigint NOT NULL,
      facts jsonb NOT NULL,
      PRIMARY KEY (elder_id, commit_position, prepare_position)
    )`.execute(db);
  // The facts that changed since a provisional view was last brought up to date.
  await sql`CREATE INDEX ON ${table('settlement_elders')} (commit_position, prepare_position)`.execute(db);
  await sql`
    CREATE TABLE ${table('settlement_policies')} (
      commit_position bigint NOT NULL,
      prepare_position bigint NOT NULL,
      policy jsonb NOT NULL,
      PRIMARY KEY (commit_position, prepare_position)
    )`.execute(db);
}
