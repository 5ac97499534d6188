import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { type EmbeddedServer, runningEmbeddedServer, startEmbeddedPostgres } from './embedded-postgres.ts';
import { migrateToLatest } from './migrations.ts';

/** Kysely for queries and migrations, and its pg pool for the few hot paths that need prepared statements. */
export interface Connection {
  readonly db: Kysely<unknown>;
  readonly pool: pg.Pool;
}

export interface Database extends Connection {
  /** Where the data lives, with the password masked: safe to print. */
  readonly description: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** An external PostgreSQL server; when absent an embedded server is started under `dataDir`. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  readonly poolSize?: number;
  readonly log?: (line: string) => void;
}

const EMBEDDED_DATABASE = 'zhucan';

/** Opens the project's database, migrated to the latest schema. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let server: EmbeddedServer | undefined;
  let connectionString = options.databaseUrl;
  const running = connectionString ? null : await runningEmbeddedServer(options.dataDir);
  if (running) connectionString = running.connectionString(EMBEDDED_DATABASE);
  if (!connectionString) {
    server = await startEmbeddedPostgres({
      dataDir: options.dataDir,
      ...(options.log ? { log: options.log } : {}),
    });
    await ensureDatabaseExists(server.connectionString(), EMBEDDED_DATABASE);
    connectionString = server.connectionString(EMBEDDED_DATABASE);
  }
  const { db, pool } = connect(connectionString, options.poolSize);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    await server?.stop();
    throw error;
  }
  return {
    db,
    pool,
    description: `${server ? 'embedded ' : running ? 'embedded (shared) ' : ''}${maskPassword(connectionString)}`,
    async close() {
      await db.destroy();
      await server?.stop();
    },
  };
}

export function connect(connectionString: string, poolSize = 20): Connection {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // A client that loses its server (a restart, a failover) must not crash the process: idle, the pool
  // reports it here; checked out, the client itself emits 'error' as well as failing its query. Either
  // way the pool drops it and the next query connects anew.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  // Kysely ends the pool when it is destroyed.
  return { db: new Kysely({ dialect: new PostgresDialect({ pool }) }), pool };
}

export function createKysely(connectionString: string, poolSize = 20): Kysely<unknown> {
  return connect(connectionString, poolSize).db;
}

export async function ensureDatabaseExists(adminConnectionString: string, name: string): Promise<void> {
  const admin = createKysely(adminConnectionString, 1);
  try {
    const { rows } = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`.execute(admin);
    if (rows.length === 0) await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin);
  } finally {
    await admin.destroy();
  }
}

export function maskPassword(connectionString: string): string {
  return connectionString.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
