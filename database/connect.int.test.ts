import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { createKysely, ensureDatabaseExists, openDatabase } from './connect.ts';

describe('openDatabase with DATABASE_URL', () => {
  it('uses the external server, migrates it, starts no embedded server and hides the password', async () => {
    const { adminUrl } = inject('postgres');
    const name = `external_${randomBytes(4).toString('hex')}`;
    await ensureDatabaseExists(adminUrl, name);
    const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${name}`);
    const dataDir = path.join(tmpdir(), `zhucan-unused-${randomBytes(4).toString('hex')}`);

    const first = await openDatabase({ databaseUrl, dataDir });
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(
      first.db,
    );
    expect(rows.map((row) => row.name)).toContain('0001-event-store');
    expect(first.description).toMatch(/^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/external_/);
    expect(existsSync(dataDir)).toBe(false);
    await first.close();

    // Opening again finds the schema in place and changes nothing.
    const again = await openDatabase({ databaseUrl, dataDir });
    const { rows: after } = await sql<{ count: string }>`SELECT count(*) FROM kysely_migration`.execute(
      again.db,
    );
    expect(Number(after[0]?.count)).toBe(rows.length);
    await again.close();

    const admin = createKysely(adminUrl, 1);
    await sql`DROP DATABASE ${sql.id(name)} WITH (FORCE)`.execute(admin);
    await admin.destroy();
  });
});
