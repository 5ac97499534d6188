import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { DEFAULT_SUPERVISION_SETTINGS } from '../../domain/supervision/settings.ts';
import { type StateEntry, TrackedSupervisionState } from './state-entries.ts';

/**
 * 监管预警: the alerts the checks raised, with their evidence and the bureau's decision; the sales
 * the checks may need again (a void names only its sale); the thresholds in force with the position
 * of the last event applied; and the checks' own state, entry by entry.
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
  await sql`
    CREATE TABLE ${table('supervision_state')} (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      applied_through text NOT NULL,
      settings jsonb NOT NULL
    )`.execute(db);
  await sql`
    INSERT INTO ${table('supervision_state')} (applied_through, settings)
    VALUES ('', ${JSON.stringify(DEFAULT_SUPERVISION_SETTINGS)}::jsonb)`.execute(db);
  // Entry by entry (state-entries.ts): a page writes the entries it changed. `json`, not `jsonb`:
  // entries are only ever read and written whole. A JSON `null` is stored as NULL. Keys compare
  // byte by byte (`C`), so that a day of a `ByDay` record is one range of keys (`date|…`).
  await sql`
    CREATE TABLE ${table('supervision_entries')} (
      part text NOT NULL,
      key text COLLATE "C" NOT NULL,
      value json,
      PRIMARY KEY (part, key)
    )`.execute(db);
  await writeEntries(db, schema, TrackedSupervisionState.initial().entries());
}

/** Inserts or replaces entries of the checks' state. */
export async function writeEntries(
  db: Kysely<unknown> | Transaction<unknown>,
  schema: string,
  entries: readonly StateEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  // In key order: a page's new entries go into the index together rather than one leaf each.
  const inOrder = [...entries].sort(byPartAndKey);
  const rows = `[${inOrder.map((entry) => `{"part":${JSON.stringify(entry.part)},"key":${JSON.stringify(entry.key)},"value":${entry.json}}`).join(',')}]`;
  await sql`
    INSERT INTO ${sql.id(schema, 'supervision_entries')} (part, key, value)
    SELECT part, key, value FROM json_to_recordset(${rows}::json) AS r(part text, key text, value json)
    ON CONFLICT (part, key) DO UPDATE SET value = excluded.value`.execute(db);
}

/** Deletes entries of the checks' state. */
export async function deleteEntries(
  db: Kysely<unknown> | Transaction<unknown>,
  schema: string,
  entries: readonly { readonly part: string; readonly key: string }[],
): Promise<void> {
  if (entries.length === 0) return;
  await sql`
    DELETE FROM ${sql.id(schema, 'supervision_entries')} AS e
    USING json_to_recordset(${JSON.stringify(entries)}::json) AS d(part text, key text)
    WHERE e.part = d.part AND e.key = d.key`.execute(db);
}

/** Deletes whole days of `ByDay` records: the entries of the part whose keys start with `date|`. */
export async function deleteDays(
  db: Kysely<unknown> | Transaction<unknown>,
  schema: string,
  days: readonly { readonly part: string; readonly date: string }[],
): Promise<void> {
  if (days.length === 0) return;
  // '}' follows '|' in byte order: the range holds every key `date|…` and nothing else.
  await sql`
    DELETE FROM ${sql.id(schema, 'supervision_entries')} AS e
    USING json_to_recordset(${JSON.stringify(days)}::json) AS d(part text, date text)
    WHERE e.part = d.part AND e.key >= d.date || '|' AND e.key < d.date || '}'`.execute(db);
}

/** Every entry of the checks' state, read in pages so that a province's state is never one answer. */
export async function* readEntries(
  db: Kysely<unknown> | Transaction<unknown>,
  schema: string,
  pageSize = 20_000,
): AsyncGenerator<StateEntry> {
  let after: { part: string; key: string } | null = null;
  for (;;) {
    const from: RawBuilder<unknown> = after ? sql`WHERE (part, key) > (${after.part}, ${after.key})` : sql``;
    const { rows }: { rows: StateEntry[] } = await sql<StateEntry>`
      SELECT part, key, coalesce(value::text, 'null') AS json FROM ${sql.id(schema, 'supervision_entries')}
      ${from} ORDER BY part, key LIMIT ${pageSize}`.execute(db);
    yield* rows;
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = last;
  }
}

const byPartAndKey = (a: StateEntry, b: StateEntry) =>
  a.part < b.part ? -1 : a.part > b.part ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
