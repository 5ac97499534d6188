import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type EmbeddedServer,
  type EmbeddedServerOptions,
  isAlive,
  startEmbeddedPostgres,
} from './embedded-postgres.ts';

/**
 * A throw-away embedded PostgreSQL in a temporary folder named after this process, for tests and
 * benchmarks. Folders (and servers) left by processes that were killed are removed first.
 */
export async function startScratchCluster(
  prefix: string,
  settings?: EmbeddedServerOptions['settings'],
): Promise<EmbeddedServer> {
  await removeScratchClustersOfDeadProcesses(prefix);
  const dataDir = await mkdtemp(path.join(tmpdir(), `${prefix}${process.pid}-`));
  await chmod(dataDir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir, ...(settings ? { settings } : {}) });
  return {
    connectionString: server.connectionString,
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Removes the folders (and stops the servers) that killed processes left under this prefix. */
export async function removeScratchClustersOfDeadProcesses(prefix: string): Promise<void> {
  for (const name of await readdir(tmpdir())) {
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!name.startsWith(prefix) || !Number.isSafeInteger(pid) || isAlive(pid)) continue;
    const dataDir = path.join(tmpdir(), name);
    try {
      const orphan = await startEmbeddedPostgres({ dataDir }); // stops a server still running there
      await orphan.stop();
    } catch {
      // a half-initialised folder: nothing is running in it
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}
