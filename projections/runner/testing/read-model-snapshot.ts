import { type Kysely, sql } from 'kysely';
import type { Projection } from '../projection.ts';
import { READ_MODELS_SCHEMA } from '../schema.ts';

/** Every row readers see of these projections, table by table in a stable order: for comparing builds. */
export async function readModelSnapshot(
  db: Kysely<unknown>,
  projections: readonly Projection[],
): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const table of projections.flatMap((projection) => projection.tables)) {
    const { rows } = await sql`
      SELECT * FROM ${sql.id(READ_MODELS_SCHEMA, table)} AS row ORDER BY row::text`.execute(db);
    snapshot[table] = rows;
  }
  return snapshot;
}
