import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { inject } from 'vitest';
import { createKysely } from '../../database/connect.ts';

export interface TestDatabase {
  readonly db: Kysely<unknown>;
  readonly connectionString: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database on the test run's PostgreSQL server. */
export async function createTestDatabase(poolSize = 20): Promise<TestDatabase> {
  const { adminUrl, template } = inject('postgres');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = createKysely(adminUrl, 1);
  try {
    await sql`CREATE DATABASE ${sql.id(name)} TEMPLATE ${sql.id(template)}`.execute(admin);
  } finally {
    await admin.destroy();
  }
  const connectionString = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const db = createKysely(connectionString, poolSize);
  return {
    db,
    connectionString,
    async drop() {
      await db.destroy();
      const dropper = createKysely(adminUrl, 1);
      try {
        await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(dropper);
      } finally {
        await dropper.destroy();
      }
    },
  };
}
