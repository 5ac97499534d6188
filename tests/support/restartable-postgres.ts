import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type EmbeddedServer, startEmbeddedPostgres } from '../../database/embedded-postgres.ts';
import { removeScratchClustersOfDeadProcesses } from '../../database/scratch-cluster.ts';
import { freePort } from '../../testkit/service-process.ts';

const PREFIX = 'zhucan-restartable-';

export interface RestartablePostgres {
  readonly connectionString: (database?: string) => string;
  /** Fast shutdown (sessions are ended, committed data kept); the data folder stays. */
  stop(): Promise<void>;
  /** Immediate shutdown, as in a crash: no checkpoint, the next start recovers from the WAL. */
  crash(): Promise<void>;
  /** Starts the server again on the same data folder and port. */
  start(): Promise<void>;
  /** Stops the server and deletes its data folder. */
  remove(): Promise<void>;
}

/**
 * A PostgreSQL server of its own, for tests that take the database away under a running service and
 * bring it back at the same address. Commits are synchronous, so what was acknowledged survives.
 */
export async function restartablePostgres(
  settings: Record<string, string> = {},
): Promise<RestartablePostgres> {
  await removeScratchClustersOfDeadProcesses(PREFIX);
  const dataDir = await mkdtemp(path.join(tmpdir(), `${PREFIX}${process.pid}-`));
  await chmod(dataDir, 0o755);
  const port = await freePort();
  const options = { dataDir, port, settings };
  let server: EmbeddedServer | null = await startEmbeddedPostgres(options);
  const { connectionString } = server;
  const stop = async () => {
    const running = server;
    server = null;
    await running?.stop();
  };
  return {
    connectionString,
    stop,
    async crash() {
      const running = server;
      if (!running) return;
      server = null;
      const pid = Number.parseInt(
        await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8'),
        10,
      );
      // SIGQUIT is an immediate shutdown; the SIGINT that stop() sends after it changes nothing (the
      // postmaster takes the most immediate request), and stop() waits for the process to be gone.
      process.kill(pid, 'SIGQUIT');
      await running.stop();
    },
    async start() {
      server ??= await startEmbeddedPostgres(options);
    },
    async remove() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
