import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { type Connection, connect, createKysely } from '../../database/connect.ts';

export interface TestDatabase extends Connection {
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
  const { db, pool } = connect(connectionString, poolSize);
  return {
    db,
    pool,
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
