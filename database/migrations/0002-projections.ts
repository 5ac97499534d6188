import { type Kysely, sql } from 'kysely';

/**
 * Each projection builds its tables in a generation of its own (a schema `rm_<name>_<n>`) and keeps
 * its place there: the position is written in the same transaction as the rows it covers, so that a
 * crash at any point neither loses nor repeats an event. A rebuild fills a new generation while the
 * active one keeps answering, then switches the views over in one transaction.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS projections`.execute(db);
  await sql`CREATE SCHEMA IF NOT EXISTS read_models`.execute(db);
  await sql`
    CREATE TABLE projections.generations (
      name text NOT NULL,
      generation integer NOT NULL,
      version integer NOT NULL,
      state text NOT NULL CHECK (state IN ('building', 'active', 'retired')),
      position text NOT NULL DEFAULT '0/0',
      events_processed bigint NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      switched_at timestamptz,
      failed_at timestamptz,
      failure text,
      PRIMARY KEY (name, generation)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX generations_one_active ON projections.generations (name) WHERE state = 'active'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ schema: string }>`
    SELECT nspname AS schema FROM pg_namespace WHERE nspname LIKE 'rm\\_%'`.execute(db);
  for (const { schema } of rows) await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(db);
  await sql`DROP SCHEMA IF EXISTS read_models CASCADE`.execute(db);
  await sql`DROP SCHEMA IF EXISTS projections CASCADE`.execute(db);
}
