import { type Kysely, sql } from 'kysely';

/**
 * 老人与卡片目录: elders, cards and terminals as they stand now, for look-ups. ID numbers appear
 * only masked; the sealed number stays in the events.
 */
export async function createDirectoryTables(db: Kysely<unknown>, schema: string): Promise<void> {
  const table = (name: string) => sql.id(schema, name);
  await sql`
    CREATE TABLE ${table('elders')} (
      elder_id text PRIMARY KEY,
      name text NOT NULL,
      name_grams text[] NOT NULL,
      id_number_masked text NOT NULL,
      id_lookup_hash text NOT NULL,
      birth_date date NOT NULL,
      district text NOT NULL,
      town text NOT NULL,
      home_canteen_id text,
      categories jsonb NOT NULL,
      card_uid text,
      died_on date,
      registered_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX ON ${table('elders')} (id_lookup_hash)`.execute(db);
  await sql`CREATE INDEX ON ${table('elders')} (district, town)`.execute(db);
  // Elder search (directory-queries.ts): by a fragment of the name, by the current card.
  await sql`CREATE INDEX ON ${table('elders')} USING gin (name_grams)`.execute(db);
  await sql`CREATE INDEX ON ${table('elders')} (card_uid)`.execute(db);
  await sql`
    CREATE TABLE ${table('cards')} (
      card_uid text PRIMARY KEY,
      elder_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'retired')),
      assigned_from timestamptz,
      retired_from timestamptz
    )`.execute(db);
  await sql`CREATE INDEX ON ${table('cards')} (elder_id)`.execute(db);
  await sql`
    CREATE TABLE ${table('terminals')} (
      terminal_id text PRIMARY KEY,
      canteen_id text NOT NULL,
      generation integer NOT NULL,
      registered_at timestamptz NOT NULL,
      queued_sales integer NOT NULL DEFAULT 0,
      oldest_queued_at timestamptz,
      queue_reported_at timestamptz
    )`.execute(db);
  await sql`
    CREATE TABLE ${table('canteens')} (
      canteen_id text PRIMARY KEY,
      name text NOT NULL,
      district text NOT NULL,
      town text NOT NULL,
      lat double precision,
      lng double precision,
      registered_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`.execute(db);
}
