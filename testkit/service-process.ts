import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stopChild } from './stop-child.ts';

/** A free loopback port, so that a restarted service can come back at the same address. */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServiceProcess {
  readonly url: string;
  readonly adminToken: string;
  /** Starts (again) the real service in a child process on the same port and database. */
  start(): Promise<void>;
  /** SIGTERM, or SIGKILL for a crash; resolves when the process has gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

/** The settlement service as deployed: its own process, an external PostgreSQL, fixed secrets. */
export async function serviceProcess(databaseUrl: string): Promise<ServiceProcess> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zhucan-service-'));
  const adminToken = `za_${randomBytes(16).toString('hex')}`;
  const env = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    KURRENTDB_URL: '',
    ZHUCAN_DATA_DIR: dataDir,
    ZHUCAN_ADMIN_TOKEN: adminToken,
    ZHUCAN_PII_KEY: randomBytes(32).toString('hex'),
    ZHUCAN_TOKEN_SECRET: randomBytes(32).toString('hex'),
  };
  let child: ChildProcess | null = null;
  let output = '';
  return {
    url: `http://127.0.0.1:${port}`,
    adminToken,
    output: () => output,
    async start() {
      const started = spawn(process.execPath, ['--import', 'tsx', 'settlement-service/main.ts'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), 60_000);
        const onData = (chunk: Buffer) => {
          output += chunk;
          if (output.includes(`listening on http://localhost:${port}`)) {
            clearTimeout(timer);
            resolve();
          }
        };
        started.stdout?.on('data', onData);
        started.stderr?.on('data', (chunk: Buffer) => {
          output += chunk;
        });
        started.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`service exited with ${code}:\n${output}`));
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      const running = child;
      child = null;
      if (running) await stopChild(running, signal);
    },
  };
}

/** Calls the service with a token, as a bureau tool would. */
export async function callService(
  url: string,
  method: string,
  pathname: string,
  token: string,
  body?: unknown,
) {
  const response = await fetch(`${url}${pathname}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
