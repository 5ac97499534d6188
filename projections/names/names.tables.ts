import { type Kysely, sql } from 'kysely';

/**
 * 名称: what people read in place of the ids the policies and statements use: funding sources'
 * names, policies' names and rules' labels, and which policies use which source.
 */
export async function createNamesTables(db: Kysely<unknown>, schema: string): Promise<void> {
  const table = (name: string) => sql.id(schema, name);
  await sql`
    CREATE TABLE ${table('funding_source_names')} (
      source_id text PRIMARY KEY,
      name text NOT NULL,
      name_en text,
      named_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE ${table('policy_names')} (
      policy_id text PRIMARY KEY,
      name text NOT NULL,
      effective_from date NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE ${table('policy_rule_labels')} (
      policy_id text NOT NULL,
      rule_id text NOT NULL,
      label text NOT NULL,
      PRIMARY KEY (policy_id, rule_id)
    )`.execute(db);
  await sql`
    CREATE TABLE ${table('policy_funding_sources')} (
      policy_id text NOT NULL,
      source_id text NOT NULL,
      PRIMARY KEY (policy_id, source_id)
    )`.execute(db);
}
