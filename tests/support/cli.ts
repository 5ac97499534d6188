import { spawn } from 'node:child_process';

/**
 * Runs the `zhucan` CLI in a child process against a database; answers its exit code and output.
 * It speaks Chinese, its default, whatever the locale of the machine running the tests (`env` may
 * say otherwise).
 */
export function zhucan(
  args: string[],
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/zhucan.mjs', ...args], {
      env: { ...process.env, ZHUCAN_LANG: 'zh', DATABASE_URL: databaseUrl, KURRENTDB_URL: '', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
