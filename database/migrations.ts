import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import {
  createEventStoreSchema,
  createEventTypeIndex,
  dropEventStoreSchema,
  dropEventTypeIndex,
} from '../event-store/postgres/schema.ts';
import {
  createSnapshotSchema,
  dropSnapshotSchema,
} from '../event-store/snapshots/postgres-snapshot-store.ts';
import { createProjectionsSchema, dropProjectionsSchema } from '../projections/runner/schema.ts';

/** Numbered migrations, applied in order; a migration never changes once released. */
const migrations: Record<string, Migration> = {
  '0001-event-store': { up: createEventStoreSchema, down: dropEventStoreSchema },
  '0002-projections': { up: createProjectionsSchema, down: dropProjectionsSchema },
  '0003-events-by-type': { up: createEventTypeIndex, down: dropEventTypeIndex },
  '0004-snapshots': { up: createSnapshotSchema, down: dropSnapshotSchema },
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
