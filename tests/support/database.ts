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
      await dropDatabase(adminUrl, name);
    },
  };
}

/**
 * Drops a test's database. The server is thrown away after the run, so a drop that cannot finish
 * (DROP DATABASE waits for a checkpoint and for every backend of the server to let go of its
 * files) leaves the database behind and prints what the server was doing, instead of holding the
 * test file's teardown until its hook times out.
 */
async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const dropper = createKysely(adminUrl, 1);
  try {
    await sql`SET statement_timeout = ${sql.lit(DROP_TIMEOUT)}`.execute(dropper);
    await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(dropper);
  } catch (error) {
    const { rows } = await sql`
      SELECT pid, datname, backend_type, state, wait_event_type, wait_event,
             now() - query_start AS running_for, left(query, 120) AS query
        FROM pg_stat_activity WHERE pid <> pg_backend_pid()`.execute(dropper);
    console.warn(`test database ${name} left behind: ${error}\n${JSON.stringify(rows, null, 1)}`);
  } finally {
    await dropper.destroy();
  }
}

const DROP_TIMEOUT = '30s';
