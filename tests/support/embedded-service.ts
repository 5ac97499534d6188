import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { callService, freePort } from '../../testkit/service-process.ts';
import { stopChild } from '../../testkit/stop-child.ts';

export interface EmbeddedServiceProcess {
  readonly url: string;
  readonly dataDir: string;
  /** The admin token the service made on its first start and keeps in its data folder. */
  adminToken(): Promise<string>;
  /** `{ status, body }` of a request with a token, as the TestService's `call`. */
  call(
    method: string,
    pathname: string,
    token: string | null,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }>;
  start(): Promise<void>;
  /** SIGTERM (a clean stop, the embedded PostgreSQL with it); resolves when the process has gone. */
  stop(): Promise<void>;
  output(): string;
}

/**
 * The service as `npm start` runs it on a bureau's PC: its own embedded PostgreSQL and keys in
 * `dataDir`, nothing from the environment but the port (no demo data).
 */
export async function embeddedServiceProcess(dataDir: string): Promise<EmbeddedServiceProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: '',
    KURRENTDB_URL: '',
    ZHUCAN_DATA_DIR: dataDir,
  };
  for (const name of ['ZHUCAN_ADMIN_TOKEN', 'ZHUCAN_PII_KEY', 'ZHUCAN_TOKEN_SECRET']) delete env[name];
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let output = '';
  return {
    url,
    dataDir,
    output: () => output,
    adminToken: async () => (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim(),
    async call(method, pathname, token, body) {
      if (token) return callService(url, method, pathname, token, body);
      const response = await fetch(`${url}${pathname}`, { method });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async start() {
      const started = spawn(process.execPath, ['--import', 'tsx', 'settlement-service/main.ts'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), 90_000);
        started.stdout?.on('data', (chunk: Buffer) => {
          output += chunk;
          if (output.includes(`listening on http://localhost:${port}`)) {
            clearTimeout(timer);
            resolve();
          }
        });
        started.stderr?.on('data', (chunk: Buffer) => {
          output += chunk;
        });
        started.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`service exited with ${code}:\n${output}`));
        });
      });
    },
    async stop() {
      const running = child;
      child = null;
      if (running) await stopChild(running);
    },
  };
}
