import { type Kysely, sql } from 'kysely';

/** The snapshot tables; `json`, not `jsonb`: a part is only ever read and written whole. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS snapshots`.execute(db);
  await sql`
    CREATE TABLE snapshots.heads (
      stream_id text PRIMARY KEY,
      revision bigint NOT NULL,
      event_id uuid NOT NULL,
      state json NOT NULL,
      written_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE snapshots.parts (
      stream_id text NOT NULL,
      part text NOT NULL,
      state json NOT NULL,
      PRIMARY KEY (stream_id, part)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA IF EXISTS snapshots CASCADE`.execute(db);
}
