import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

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
  const call = async (method: string, pathname: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port}${pathname}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: answers whose shape each test asserts
    const answer: any = await response.json().catch(() => null);
    return { status: response.status, body: answer };
  };
  return {
    call,
    async kill() {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
