import { type Kysely, sql, type Transaction } from 'kysely';
import type { Position } from '../../event-store/port.ts';
import { comparePositions, positionFromString } from '../../event-store/position.ts';
import type { Projection } from './projection.ts';
import { READ_MODELS_SCHEMA } from './schema.ts';

export type GenerationState = 'building' | 'active' | 'retired';

/** One build of a projection's tables, and how far it has got. */
export interface Generation {
  readonly name: string;
  readonly generation: number;
  readonly version: number;
  readonly state: GenerationState;
  readonly position: Position;
  readonly eventsProcessed: number;
  readonly failure: string | null;
}

/** The schema that holds a generation's tables. */
export function schemaOf(name: string, generation: number): string {
  return `rm_${name.replaceAll('-', '_')}_${generation}`;
}

interface GenerationRow {
  name: string;
  generation: number;
  version: number;
  state: GenerationState;
  position: string;
  events_processed: string;
  failure: string | null;
}

function fromRow(row: GenerationRow): Generation {
  return {
    name: row.name,
    generation: row.generation,
    version: row.version,
    state: row.state,
    position: positionFromString(row.position),
    eventsProcessed: Number(row.events_processed),
    failure: row.failure,
  };
}

export async function generationsOf(db: Kysely<unknown>, name: string): Promise<Generation[]> {
  const { rows } = await sql<GenerationRow>`
    SELECT name, generation, version, state, position, events_processed, failure
      FROM projections.generations WHERE name = ${name} AND state <> 'retired' ORDER BY generation`.execute(
    db,
  );
  return rows.map(fromRow);
}

/**
 * Starts a generation with empty tables. The first generation of a projection is active at once
 * (there is nothing else to answer queries); later ones build beside the active one. With
 * `unlessOfThisVersion`, a generation of this version already active or being built is answered
 * instead.
 */
export async function createGeneration(
  db: Kysely<unknown>,
  projection: Projection,
  options: { readonly unlessOfThisVersion?: boolean } = {},
): Promise<Generation> {
  const created = await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`projection:${projection.name}`}))`.execute(trx);
    if (options.unlessOfThisVersion) {
      // Two runners starting at once (the service's and a reader catching up) make one generation.
      const { rows: existing } = await sql<{ generation: number }>`
        SELECT generation FROM projections.generations
         WHERE name = ${projection.name} AND version = ${projection.version} AND state <> 'retired'
         ORDER BY generation LIMIT 1`.execute(trx);
      if (existing[0]) return existing[0].generation;
    }
    const { rows } = await sql<{ last: number | null; active: number | null }>`
      SELECT max(generation) AS last, max(generation) FILTER (WHERE state = 'active') AS active
        FROM projections.generations WHERE name = ${projection.name}`.execute(trx);
    const generation = (rows[0]?.last ?? 0) + 1;
    const state: GenerationState = rows[0]?.active ? 'building' : 'active';
    const schema = schemaOf(projection.name, generation);
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(trx);
    await projection.createTables(trx, schema);
    await sql`
      INSERT INTO projections.generations (name, generation, version, state)
      VALUES (${projection.name}, ${generation}, ${projection.version}, ${state})`.execute(trx);
    if (state === 'active') await pointViewsAt(trx, projection, schema);
    return generation;
  });
  await dropRetiredTables(db, projection.name);
  const generation = (await generationsOf(db, projection.name)).find((row) => row.generation === created);
  if (!generation) throw new Error(`generation ${created} of ${projection.name} vanished`);
  return generation;
}

/**
 * Makes a built generation the one readers see, unless it is behind the active one (answers false,
 * as when another process switched first): in one transaction the views move to its tables and
 * the generation before it retires (its tables are dropped afterwards).
 */
export async function switchTo(
  db: Kysely<unknown>,
  projection: Projection,
  generation: number,
): Promise<boolean> {
  const switched = await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ generation: number; state: GenerationState; position: string }>`
      SELECT generation, state, position FROM projections.generations WHERE name = ${projection.name}
         FOR UPDATE`.execute(trx);
    const target = rows.find((row) => row.generation === generation);
    if (target?.state === 'active') return false; // another process switched first
    if (target?.state !== 'building')
      throw new Error(`generation ${generation} of ${projection.name} is not building`);
    // Readers that waited for the active tables to reach a position must not be switched to tables
    // short of it: the new generation catches up first.
    const active = rows.find((row) => row.state === 'active');
    if (
      active &&
      comparePositions(positionFromString(target.position), positionFromString(active.position)) < 0
    )
      return false;
    await sql`
      UPDATE projections.generations SET state = 'retired', updated_at = now()
       WHERE name = ${projection.name} AND state = 'active'`.execute(trx);
    await sql`
      UPDATE projections.generations SET state = 'active', switched_at = now(), updated_at = now()
       WHERE name = ${projection.name} AND generation = ${generation}`.execute(trx);
    await pointViewsAt(trx, projection, schemaOf(projection.name, generation));
    return true;
  });
  await dropRetiredTables(db, projection.name);
  return switched;
}

async function pointViewsAt(
  trx: Transaction<unknown>,
  projection: Projection,
  schema: string,
): Promise<void> {
  for (const table of projection.tables) {
    const view = sql.id(READ_MODELS_SCHEMA, table);
    const select = sql`SELECT * FROM ${sql.id(schema, table)}`;
    // Replaced in place when the columns are the same (grants on the view stay); otherwise anew.
    await sql`SAVEPOINT point_view`.execute(trx);
    try {
      await sql`CREATE OR REPLACE VIEW ${view} AS ${select}`.execute(trx);
    } catch {
      await sql`ROLLBACK TO SAVEPOINT point_view`.execute(trx);
      await sql`DROP VIEW IF EXISTS ${view}`.execute(trx);
      await sql`CREATE VIEW ${view} AS ${select}`.execute(trx);
    }
    await sql`RELEASE SAVEPOINT point_view`.execute(trx);
  }
}

/** Retired generations keep their row (when they were built and replaced) but lose their tables. */
async function dropRetiredTables(db: Kysely<unknown>, name: string): Promise<void> {
  const { rows } = await sql<{ generation: number }>`
    SELECT generation FROM projections.generations WHERE name = ${name} AND state = 'retired'`.execute(db);
  for (const { generation } of rows)
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schemaOf(name, generation))} CASCADE`.execute(db);
}

/**
 * Gives up a generation being built (a rebuild of a version that cannot be built): it is retired and
 * its tables dropped; the active one is untouched. Answers the generations given up.
 */
export async function abandonBuilding(db: Kysely<unknown>, name: string): Promise<number[]> {
  const { rows } = await sql<{ generation: number }>`
    UPDATE projections.generations SET state = 'retired', updated_at = now()
     WHERE name = ${name} AND state = 'building' RETURNING generation`.execute(db);
  await dropRetiredTables(db, name);
  return rows.map((row) => row.generation);
}

export async function recordFailure(
  db: Kysely<unknown>,
  generation: Generation,
  failure: string,
): Promise<void> {
  await sql`
    UPDATE projections.generations SET failure = ${failure}, failed_at = now()
     WHERE name = ${generation.name} AND generation = ${generation.generation}`.execute(db);
}
