import path from 'node:path';

/** Where the project's data lives, read from the environment; every name is documented in README.md. */
export interface StorageConfig {
  /** The embedded PostgreSQL cluster, the keys made on first start, the demo's files (`ZHUCAN_DATA_DIR`). */
  readonly dataDir: string;
  /** An external PostgreSQL instead of the embedded one (`DATABASE_URL`). */
  readonly databaseUrl: string | undefined;
  /** KurrentDB as the event store instead of PostgreSQL (`KURRENTDB_URL`). */
  readonly kurrentDbUrl: string | undefined;
}

/** The service, the command line and `npm start` read the same variables, so they open the same data. */
export function storageFromEnvironment(env: NodeJS.ProcessEnv = process.env): StorageConfig {
  return {
    dataDir: path.resolve(env.ZHUCAN_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    kurrentDbUrl: env.KURRENTDB_URL || undefined,
  };
}
