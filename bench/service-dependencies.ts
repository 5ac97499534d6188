import { randomBytes } from 'node:crypto';
import type { connect } from '../database/connect.ts';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.ts';
import { PostgresSnapshotStore } from '../event-store/snapshots/postgres-snapshot-store.ts';
import type { AppDependencies } from '../settlement-service/app.ts';
import { PiiVault } from '../settlement-service/security/pii-vault.ts';

/** What the service runs on, over a bench's database: its store and snapshots, fresh secrets. */
export function serviceDependencies(
  connection: ReturnType<typeof connect>,
  log: (line: string) => void,
): AppDependencies & { readonly eventStore: PostgresEventStore } {
  return {
    eventStore: new PostgresEventStore(connection),
    log,
    adminToken: randomBytes(16).toString('hex'),
    vault: new PiiVault(randomBytes(32)),
    tokenSecret: randomBytes(32),
    snapshots: new PostgresSnapshotStore(connection),
  };
}
