import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { counterSettings } from '../../testkit/counter-bureau.ts';
import { freePort } from '../../testkit/service-process.ts';
import { stopChild } from '../../testkit/stop-child.ts';

/** `npm run terminal -- settings.json` as a child process, and its local API. */
export async function terminalProcess(settingsFile: string, port: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'pos-terminal/main.ts', settingsFile],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`terminal did not start:\n${output}`)), 30_000);
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('cashier page')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => reject(new Error(`terminal exited with ${code}:\n${output}`)));
  });
  // The sign-in lives in a cookie, as in the cashier's browser.
  let cookie = '';
  const call = async (method: string, pathname: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port}${pathname}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(cookie ? { cookie } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const set = response.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0] ?? '';
    // biome-ignore lint/suspicious/noExplicitAny: answers whose shape each test asserts
    const answer: any = await response.json().catch(() => null);
    return { status: response.status, body: answer };
  };
  return {
    call,
    kill: () => stopChild(child, 'SIGKILL'),
  };
}

/**
 * A counter terminal's settings file for `terminalProcess`, in a fresh data folder, with the port its
 * local API will listen on: a restarted process reads the same file and keeps the same outbox.
 */
export async function terminalSettingsFile(
  serviceUrl: string,
  bureau: { token: string; terminalId: string },
  printer: { host: string; port: number },
): Promise<{ settingsFile: string; port: number }> {
  const port = await freePort();
  const settings = await counterSettings(serviceUrl, bureau.token, bureau.terminalId, printer);
  const settingsFile = path.join(settings.dataDir, 'settings.json');
  await writeFile(settingsFile, JSON.stringify({ ...settings, port }));
  return { settingsFile, port };
}
