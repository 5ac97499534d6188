import path from 'node:path';

/** Settings from the environment; every name is documented in README.md. */
export interface ServiceConfig {
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly kurrentDbUrl: string | undefined;
  /** Start with a demo canteen, elders, cards and a terminal (unless `ZHUCAN_DEMO=off`). */
  readonly demo: boolean;
  /** Where the demo terminal's pages listen (`ZHUCAN_TERMINAL_PORT`; 8081, or any free port when PORT is 0). */
  readonly terminalPort: number;
}

export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return {
    port,
    dataDir: path.resolve(env.ZHUCAN_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    kurrentDbUrl: env.KURRENTDB_URL || undefined,
    demo: env.ZHUCAN_DEMO !== 'off',
    terminalPort: Number(env.ZHUCAN_TERMINAL_PORT ?? (port === 0 ? 0 : 8081)),
  };
}
