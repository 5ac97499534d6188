import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { storageFromEnvironment } from '../database/storage-config.ts';
import { registerDemoBureau } from '../demo/demo-bureau.ts';
import { prepareDemoTerminal } from '../demo/demo-terminal.ts';
import { portFromEnvironment } from '../settlement-service/config.ts';

/**
 * `npm start`: the settlement service, and with the demo its counter terminal, each a process of its
 * own, as on a bureau's server and a canteen's counter PC. The service stopping or killed leaves the
 * counter selling offline; this starts it again after a pause (`ZHUCAN_RESTART_DELAY_MS`, 15 s) on the
 * same port, and starts the counter again if it stops. SIGINT or SIGTERM stops both.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { dataDir } = storageFromEnvironment();
/** Register the demo bureau and run its counter (unless `ZHUCAN_DEMO=off`). */
const demo = process.env.ZHUCAN_DEMO !== 'off';
/** Where the demo terminal's pages listen: 8081, or any free port when the service takes any (PORT=0). */
const terminalPort = Number(process.env.ZHUCAN_TERMINAL_PORT ?? (portFromEnvironment() === 0 ? 0 : 8081));
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
    if (!listening?.[1]) return;
    servicePort ??= listening[1];
    if (demo && demoTerminalId === null) void startDemo();
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

/** The demo bureau, registered through the service's API the first time it listens; then its counter. */
let demoTerminalId: string | null = null;
async function startDemo(): Promise<void> {
  demoTerminalId = 'registering';
  try {
    const adminToken =
      process.env.ZHUCAN_ADMIN_TOKEN ?? (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
    const { terminalId } = await registerDemoBureau(
      { serviceUrl: `http://localhost:${servicePort}`, adminToken },
      { dataDir, log },
    );
    demoTerminalId = terminalId;
    startTerminal(terminalId);
  } catch (error) {
    // Registered again at the service's next start; the service itself runs on without the demo.
    demoTerminalId = null;
    log(`the demo bureau could not be registered: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function startTerminal(terminalId: string): void {
  const settingsFile = prepareDemoTerminal({
    dataDir,
    terminalId,
    serviceUrl: `http://localhost:${servicePort}`,
    port: terminalPort,
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
