import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDatabaseExists } from '../database/connect.ts';
import { startEmbeddedPostgres } from '../database/embedded-postgres.ts';

/** An embedded PostgreSQL with the default, durable settings (fsync and synchronous commit on). */
export async function startDurableServer() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zhucan-bench-'));
  await chmod(dataDir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir });
  return {
    async database(name: string): Promise<string> {
      await ensureDatabaseExists(server.connectionString(), name);
      return server.connectionString(name);
    },
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
