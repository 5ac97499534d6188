/**
 * A rebuild (`zhucan projections rebuild`, in a child process) killed part way resumes from its checkpoint when it is
 * started again, and ends with exactly the rows of a rebuild never interrupted and of the live
 * projection, while the active tables keep answering throughout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_PROJECTIONS } from '../../projections/all-projections.ts';
import { rebuildProjection } from '../../projections/runner/rebuild.ts';
import { readModelSnapshot } from '../../projections/runner/testing/read-model-snapshot.ts';
import { salesProjection } from '../../projections/sales/sales.projection.ts';
import { writeHistory } from '../../testkit/history.ts';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
  child = undefined;
  await service?.close();
  service = undefined;
});

interface GenerationRow {
  name: string;
  generation: number;
  state: string;
  events_processed: string;
}

function rebuildInChild(databaseUrl: string): ChildProcess {
  return spawn(
    process.execPath,
    ['bin/zhucan.mjs', 'projections', 'rebuild', 'sales', '--batch-size', '150'],
    {
      env: { ...process.env, ZHUCAN_LANG: 'zh', DATABASE_URL: databaseUrl, KURRENTDB_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

async function exitOf(
  process_: ChildProcess,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  let output = '';
  process_.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  process_.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const timer = setTimeout(() => process_.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(process_, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a projection rebuild killed part way', () => {
  it('resumes from its checkpoint and ends with the rows of an uninterrupted rebuild and of the live projection', async () => {
    service = await startTestService();
    const { db, pool } = service.database;
    await writeHistory(service.store, pool, {
      events: 8_000,
      elders: 200,
      canteens: 5,
      log: () => {},
    });
    const events = await service.eventCount();
    // The live projection, built page by page as the service builds it.
    await service.projections.catchUp();
    const live = await readModelSnapshot(db, ALL_PROJECTIONS);
    expect(live.sales?.length).toBeGreaterThan(3000);

    const generations = async () =>
      (
        await sql<GenerationRow>`
          SELECT name, generation, state, events_processed FROM projections.generations
           WHERE name = 'sales' ORDER BY generation`.execute(db)
      ).rows;
    const [first] = await generations();
    expect(first?.state).toBe('active');

    child = rebuildInChild(service.database.connectionString);
    const killedRun = exitOf(child, 120_000);
    // Killed once its checkpoint lies well between the start and the end of the history.
    const building = await waitFor(
      async () => {
        const row = (await generations()).find((candidate) => candidate.state === 'building');
        const processed = Number(row?.events_processed ?? 0);
        return row && processed > events * 0.2 && processed < events * 0.7 ? row : undefined;
      },
      60_000,
      'the rebuild to get part way',
    );
    child.kill('SIGKILL');
    const killed = await killedRun;
    expect(killed.code).toBeNull(); // killed, not finished

    const [afterKill] = (await generations()).filter((row) => row.state === 'building');
    expect(afterKill?.generation).toBe(building.generation);
    const checkpoint = Number(afterKill?.events_processed);
    expect(checkpoint).toBeGreaterThan(0);
    expect(checkpoint).toBeLessThan(events);
    // Readers were never without an answer: the views still show the live generation, unchanged.
    expect(await readModelSnapshot(db, ALL_PROJECTIONS)).toEqual(live);

    // Started again: it carries on in the same generation, from its checkpoint, not from zero.
    child = rebuildInChild(service.database.connectionString);
    const resumedRun = exitOf(child, 120_000);
    let lowest = Number.POSITIVE_INFINITY;
    const watching = (async () => {
      while (child?.exitCode === null) {
        const row = (await generations()).find((candidate) => candidate.generation === building.generation);
        if (row?.state === 'building') lowest = Math.min(lowest, Number(row.events_processed));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const resumed = await resumedRun;
    await watching;
    expect(resumed.code, resumed.output).toBe(0);
    expect(resumed.output).toContain(`sales：第 ${building.generation} 代已启用`);
    if (Number.isFinite(lowest)) expect(lowest).toBeGreaterThanOrEqual(checkpoint);
    const afterResume = await generations();
    // No generation was started anew: the one that was killed is the one that became active.
    expect(afterResume.map((row) => [row.generation, row.state])).toEqual([
      [first?.generation, 'retired'],
      [building.generation, 'active'],
    ]);
    expect(Number(afterResume[1]?.events_processed)).toBe(events);
    const resumedRows = await readModelSnapshot(db, ALL_PROJECTIONS);
    expect(resumedRows).toEqual(live);

    // A rebuild never interrupted gives the same rows.
    const uninterrupted = await rebuildProjection(service.store, db, salesProjection, { batchSize: 150 });
    expect(uninterrupted).toBe(building.generation + 1);
    expect(await readModelSnapshot(db, ALL_PROJECTIONS)).toEqual(resumedRows);
  }, 240_000);
});
