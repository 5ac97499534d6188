import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { configFromEnvironment } from '../settlement-service/config.ts';
import { prepareDemoTerminal } from './demo-terminal.ts';

/**
 * `npm start`: the settlement service, and with the demo its counter terminal, each a process of its
 * own, as on a bureau's server and a canteen's counter PC. The service stopping or killed leaves the
 * counter selling offline; this starts it again after a pause (`ZHUCAN_RESTART_DELAY_MS`, 15 s) on the
 * same port, and starts the counter again if it stops. SIGINT or SIGTERM stops both.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const config = configFromEnvironment();
const restartDelayMs = Number(process.env.ZHUCAN_RESTART_DELAY_MS ?? 15_000);
const log = (line: string) => console.log(`[zhucan] ${line}`);

let stopping = false;
let service: ChildProcess | null = null;
let terminal: ChildProcess | null = null;
/** The port the service took the first time: a restarted service keeps it, so the counter finds it. */
let servicePort: string | null = null;

function run(script: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', script, ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Passes a child's lines on, and hands each to `onLine`. */
function forward(child: ChildProcess, onLine: (line: string) => void): void {
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
}

function startService(): void {
  const env = { ...process.env, ...(servicePort === null ? {} : { PORT: servicePort }) };
  const child = run('settlement-service/main.ts', [], env);
  service = child;
  forward(child, (line) => {
    const listening = /listening on http:\/\/[^:]+:(\d+)/.exec(line);
    if (listening?.[1]) servicePort ??= listening[1];
    const demo = /^\[zhucan\] demo terminal (\S+) ready$/.exec(line);
    if (demo?.[1] && terminal === null && servicePort !== null) startTerminal(demo[1]);
  });
  child.once('exit', (code, signal) => {
    service = null;
    if (stopping) return;
    log(
      `the settlement service stopped (${signal ?? `exit ${code}`}, pid ${child.pid}); the counter sells offline meanwhile. ` +
        `Starting it again in ${Math.round(restartDelayMs / 1000)} s.`,
    );
    void sleep(restartDelayMs).then(() => stopping || startService());
  });
  log(`settlement service pid ${child.pid}`);
}

function startTerminal(terminalId: string): void {
  const settingsFile = prepareDemoTerminal({
    dataDir: config.dataDir,
    terminalId,
    serviceUrl: `http://localhost:${servicePort}`,
    port: config.terminalPort,
  });
  const child = run('pos-terminal/main.ts', [settingsFile], process.env);
  terminal = child;
  forward(child, (line) => {
    const page = /收银台 cashier page: (http:\/\/\S+?)\/?$/.exec(line);
    if (page?.[1]) {
      log(`demo terminal ${terminalId}, pid ${child.pid} (settings ${settingsFile}):`);
      // The demo's PINs are printed on purpose: they are in the README, and guard nothing real.
      log(`  收银台 cashier page  ${page[1]}/   (PIN 1234 cashier, 8888 manager)`);
      log(`  顾客显示屏 elder display  ${page[1]}/display`);
    }
  });
  child.once('exit', (code, signal) => {
    terminal = null;
    if (stopping) return;
    log(`the demo terminal stopped (${signal ?? `exit ${code}`}); starting it again`);
    void sleep(1_000).then(() => stopping || startTerminal(terminalId));
  });
}

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  const children = [terminal, service].filter((child): child is ChildProcess => child !== null);
  await Promise.all(
    children.map(async (child) => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }),
  );
  process.exit(0);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal));
startService();
