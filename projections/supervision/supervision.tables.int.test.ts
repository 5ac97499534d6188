import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database.ts';
import type { StateEntry } from './state-entries.ts';
import { createSupervisionTables, deleteEntries, readEntries, writeEntries } from './supervision.tables.ts';

describe('the checks’ state entries in PostgreSQL', () => {
  let database: TestDatabase;
  const schema = 'supervision_entries_test';

  beforeAll(async () => {
    database = await createTestDatabase();
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(database.db);
    await createSupervisionTables(database.db, schema);
  });
  afterAll(() => database?.drop());

  const readAll = async (pageSize: number) => {
    const entries: StateEntry[] = [];
    for await (const entry of readEntries(database.db, schema, pageSize)) entries.push(entry);
    return entries;
  };

  it('writes, replaces and deletes entries, and reads them back whole in pages of any size', async () => {
    const initial = await readAll(1000);
    expect(initial.length).toBeGreaterThan(5);
    const written: StateEntry[] = [
      { part: 'afterDeath.sales', key: '2026-10-02|e1', json: '[{"saleId":"s1","note":"食堂 \\"A\\""}]' },
      { part: 'afterDeath.sales', key: '2026-10-02|e2', json: '[]' },
      { part: 'afterDeath', key: 'latest', json: '"2026-10-02"' },
      { part: 'voidRate', key: 'ended', json: 'null' },
    ];
    await writeEntries(database.db, schema, written);
    await writeEntries(database.db, schema, [
      { part: 'afterDeath.sales', key: '2026-10-02|e2', json: '[{"saleId":"s2"}]' },
    ]);
    await deleteEntries(database.db, schema, [{ part: 'afterDeath.sales', key: '2026-10-02|e1' }]);

    const whole = await readAll(100_000);
    const byKey = new Map(whole.map((entry) => [`${entry.part} ${entry.key}`, entry.json]));
    expect(byKey.get('afterDeath.sales 2026-10-02|e1')).toBeUndefined();
    expect(JSON.parse(byKey.get('afterDeath.sales 2026-10-02|e2') ?? '')).toEqual([{ saleId: 's2' }]);
    expect(byKey.get('afterDeath latest')).toBe('"2026-10-02"');
    expect(byKey.get('voidRate ended')).toBe('null');
    for (const pageSize of [1, 3, whole.length]) expect(await readAll(pageSize)).toEqual(whole);
  });
});
