import type { TestProject } from 'vitest/node';
import { createKysely, ensureDatabaseExists } from '../../database/connect.ts';
import { migrateToLatest } from '../../database/migrations.ts';
import { startScratchCluster } from '../../database/scratch-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { adminUrl: string; template: string };
  }
}

const TEMPLATE_DATABASE = 'zhucan_template';

/**
 * One embedded PostgreSQL server for the whole test run, stopped at the end (also when tests fail).
 * Each test file gets a fresh database cloned from a migrated template.
 */
export default async function setup(project: TestProject) {
  // Test data is thrown away: trade durability for speed.
  const server = await startScratchCluster('zhucan-test-', {
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '300',
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
  return () => server.stop();
}
