import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createKysely, ensureDatabaseExists } from '../../database/connect.ts';
import { startEmbeddedPostgres } from '../../database/embedded-postgres.ts';
import { migrateToLatest } from '../../database/migrations.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { adminUrl: string; template: string };
  }
}

const PREFIX = 'zhucan-test-';
export const TEMPLATE_DATABASE = 'zhucan_template';

/**
 * One embedded PostgreSQL server for the whole test run, stopped at the end (also when tests fail).
 * Each test file gets a fresh database cloned from a migrated template.
 */
export default async function setup(project: TestProject) {
  await removeServersOfDeadRuns();
  const dataDir = await mkdtemp(path.join(tmpdir(), `${PREFIX}${process.pid}-`));
  const server = await startEmbeddedPostgres({
    dataDir,
    // Test data is thrown away: trade durability for speed.
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
  });
  try {
    await ensureDatabaseExists(server.connectionString(), TEMPLATE_DATABASE);
    const template = createKysely(server.connectionString(TEMPLATE_DATABASE), 1);
    await migrateToLatest(template);
    await template.destroy();
  } catch (error) {
    await server.stop();
    throw error;
  }
  project.provide('postgres', { adminUrl: server.connectionString(), template: TEMPLATE_DATABASE });
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

/** A run killed with SIGKILL leaves its server running and its folder behind: clean them up. */
async function removeServersOfDeadRuns(): Promise<void> {
  for (const name of await readdir(tmpdir())) {
    const pid = Number(name.slice(PREFIX.length).split('-')[0]);
    if (!name.startsWith(PREFIX) || !Number.isSafeInteger(pid) || isAlive(pid)) continue;
    const dataDir = path.join(tmpdir(), name);
    try {
      const server = await startEmbeddedPostgres({ dataDir }); // stops the orphan, then starts cleanly
      await server.stop();
    } catch {
      // a half-initialised folder: nothing is running in it
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
