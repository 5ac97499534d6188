import { type Kysely, sql } from 'kysely';
import { DEFAULT_SUPERVISION_SETTINGS } from '../../domain/supervision/settings.ts';
import { newSupervisionState } from '../../domain/supervision/supervision.ts';

/**
 * 监管预警: the alerts the checks raised, with their evidence and the bureau's decision; the sales
 * the checks may need again (a void names only its sale); and the checks' own state with the
 * thresholds in force, one row, replaced with every page of events.
 */
export async function createSupervisionTables(db: Kysely<unknown>, schema: string): Promise<void> {
  const table = (name: string) => sql.id(schema, name);
  await sql`
    CREATE TABLE ${table('alerts')} (
      alert_id text PRIMARY KEY,
      kind text NOT NULL,
      severity text NOT NULL,
      canteen_id text NOT NULL,
      elder_id text,
      business_date date NOT NULL,
      month text NOT NULL,
      sale_ids jsonb NOT NULL,
      event_ids jsonb NOT NULL,
      explanation_zh text NOT NULL,
      explanation_en text NOT NULL,
      figures jsonb NOT NULL,
      raised_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'open',
      decided_by jsonb,
      decision_reason text,
      decided_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX ON ${table('alerts')} (month, status)`.execute(db);
  await sql`
    CREATE TABLE ${table('supervised_sales')} (
      sale_id text PRIMARY KEY,
      event_id text NOT NULL,
      canteen_id text NOT NULL,
      terminal_id text NOT NULL,
      cashier_id text,
      elder_id text,
      business_date date NOT NULL,
      occurred_ms bigint NOT NULL,
      reimbursable_fen bigint NOT NULL
    )`.execute(db);
  // The state is `json`, not `jsonb`: it is only ever read and written whole, a city's 124 MB with
  // every page, and `jsonb` parsed and rebuilt it on each write (most of a page's time). lz4, where
  // the server has it, compresses the value several times faster than the default pglz.
  const { rows } = await sql<{ lz4: boolean }>`
    SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`.execute(
    db,
  );
  const compression = rows[0]?.lz4 ? sql`COMPRESSION lz4` : sql``;
  await sql`
    CREATE TABLE ${table('supervision_state')} (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      applied_through text NOT NULL,
      state json ${compression} NOT NULL,
      settings jsonb NOT NULL
    )`.execute(db);
  await sql`
    INSERT INTO ${table('supervision_state')} (applied_through, state, settings)
    VALUES ('', ${JSON.stringify(newSupervisionState())}::json, ${JSON.stringify(DEFAULT_SUPERVISION_SETTINGS)}::jsonb)`.execute(
    db,
  );
}
