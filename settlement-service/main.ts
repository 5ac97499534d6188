import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../database/connect.ts';
import { openEventStore } from '../event-store/open-event-store.ts';
import { createApp } from './app.ts';
import { configFromEnvironment } from './config.ts';

const log = (line: string) => console.log(`[zhucan] ${line}`);

async function main(): Promise<void> {
  const config = configFromEnvironment();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  log(`database: ${database.description}`);
  const eventStore = openEventStore({ kurrentDbUrl: config.kurrentDbUrl, database });
  log(`event store: ${eventStore.kind}`);

  const server = createApp({ eventStore, log }).listen(config.port);
  await once(server, 'listening');
  log(`助餐通 settlement service listening on http://localhost:${(server.address() as AddressInfo).port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    server.close();
    server.closeAllConnections();
    await eventStore.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
