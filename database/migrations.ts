import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as eventStore from './migrations/0001-event-store.ts';
import * as projections from './migrations/0002-projections.ts';
import * as eventsByType from './migrations/0003-events-by-type.ts';
import * as snapshots from './migrations/0004-snapshots.ts';

/**
 * Numbered migrations, applied in order. Each is a file of its own holding its DDL as it was released:
 * a migration never changes afterwards, so it imports nothing from the code that uses its tables.
 */
const migrations: Record<string, Migration> = {
  '0001-event-store': eventStore,
  '0002-projections': projections,
  '0003-events-by-type': eventsByType,
  '0004-snapshots': snapshots,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableSchema: 'public' });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error : new Error(String(error ?? 'unknown error'));
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${cause.message}`, { cause });
  }
}
