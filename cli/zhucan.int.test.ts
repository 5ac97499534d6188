import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PROJECTIONS } from '../projections/all-projections.ts';
import { createGeneration, generationsOf, schemaOf } from '../projections/runner/generations.ts';
import { readModelSnapshot } from '../projections/runner/testing/read-model-snapshot.ts';
import { salesProjection } from '../projections/sales/sales.projection.ts';
import { sellMany, setUpBureau } from '../tests/support/bureau.ts';
import { zhucan } from '../tests/support/cli.ts';
import { startTestService, type TestService } from '../tests/support/service.ts';

describe('zhucan projections (CLI)', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
    const { tokens } = await setUpBureau(service);
    await sellMany(service, tokens, 30);
    await service.projections.catchUp();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('rebuilds every projection with a progress bar and switches to the same rows', async () => {
    const before = await readModelSnapshot(service.database.db, ALL_PROJECTIONS);
    const { code, out, err } = await zhucan(['projections', 'rebuild'], service.database.connectionString);
    expect(code, err).toBe(0);
    expect(out).toMatch(/^sales: generation 2 is active \(\d+\.\d s\)$/m);
    expect(out).toMatch(/^directory: generation 2 is active/m);
    expect(err).toMatch(/sales \[=+\] 100% \| \d+\/\d+ events \| [\d,]+ events\/s \| 0s left/);
    expect(await readModelSnapshot(service.database.db, ALL_PROJECTIONS)).toEqual(before);
  });

  it('tells each projection’s generation and lag', async () => {
    const { code, out } = await zhucan(['projections', 'status'], service.database.connectionString);
    expect(code).toBe(0);
    expect(out).toMatch(/^sales: generation 2, \d+ events processed, 0 behind \(0\.0 s\)$/m);
  });

  it('gives up a generation being built, dropping its tables and keeping the active one', async () => {
    const db = service.database.db;
    const building = await createGeneration(db, salesProjection);
    expect(building.state).toBe('building');
    const { code, out } = await zhucan(
      ['projections', 'abandon', 'sales'],
      service.database.connectionString,
    );
    expect(code).toBe(0);
    expect(out).toContain(`sales: gave up generation ${building.generation}`);
    const { rows } =
      await sql`SELECT 1 FROM pg_namespace WHERE nspname = ${schemaOf('sales', building.generation)}`.execute(
        db,
      );
    expect(rows).toHaveLength(0);
    expect((await generationsOf(db, 'sales')).map((generation) => generation.state)).toEqual(['active']);
    const again = await zhucan(['projections', 'abandon', 'sales'], service.database.connectionString);
    expect(again.out).toContain('sales: no generation is being built');
  });

  it('refuses an unknown projection by name, listing the known ones', async () => {
    const { code, err } = await zhucan(['projections', 'rebuild', 'nope'], service.database.connectionString);
    expect(code).toBe(2);
    expect(err).toContain('zhucan: no projection named nope; known: sales, directory');
  });
});
