import { ensureDatabaseExists } from '../database/connect.ts';
import { startScratchCluster } from '../database/scratch-cluster.ts';

/** An embedded PostgreSQL with the default, durable settings (fsync and synchronous commit on). */
export async function startDurableServer() {
  const server = await startScratchCluster('zhucan-bench-');
  return {
    async database(name: string): Promise<string> {
      await ensureDatabaseExists(server.connectionString(), name);
      return server.connectionString(name);
    },
    stop: () => server.stop(),
  };
}
