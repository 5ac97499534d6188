import type { Connection } from '../database/connect.ts';
import { KurrentDbEventStore } from './kurrentdb/kurrentdb-event-store.ts';
import type { EventStore } from './port.ts';
import { PostgresEventStore } from './postgres/postgres-event-store.ts';

/** KurrentDB when a connection string is given, otherwise the PostgreSQL store in the project database. */
export function openEventStore(options: {
  kurrentDbUrl?: string | undefined;
  database: Connection;
}): EventStore {
  return options.kurrentDbUrl
    ? KurrentDbEventStore.connect(options.kurrentDbUrl)
    : new PostgresEventStore(options.database);
}
