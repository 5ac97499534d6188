import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';

/** `npm start` as a newcomer runs it: embedded PostgreSQL, HTTP server, clean stop. */
describe('npm start on the embedded default', () => {
  let child: ChildProcess | undefined;
  let dataDir: string;
  afterAll(async () => {
    child?.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves /health, the demo bureau and its counter as a process of its own that sells on when the service is killed, and stops both on SIGTERM', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'zhucan-start-'));
    await chmod(dataDir, 0o755);
    child = spawn('npm', ['start', '--silent'], {
      env: {
        ...process.env,
        PORT: '0',
        ZHUCAN_DATA_DIR: dataDir,
        DATABASE_URL: '',
        KURRENTDB_URL: '',
        ZHUCAN_RESTART_DELAY_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    });
    let output = '';
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in time:\n${output}`)), 60_000);
      child?.stdout?.on('data', (chunk) => {
        output += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child?.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });

    // npm start registers the demo bureau through the service's API once the service listens.
    await expect.poll(() => output, { timeout: 60_000 }).toMatch(/demo data: /);
    const health = (await (await fetch(`${url}/health`)).json()) as { eventStore: { position: string } };
    expect(health).toMatchObject({ status: 'ok', eventStore: { kind: 'postgresql' } });
    expect(health.eventStore.position).not.toBe('0/0'); // the demo bureau is there
    expect(output).toMatch(/database: embedded postgres:\/\/postgres:\*\*\*@/);

    // The demo terminal's token is in a file only its owner can read; the log names the file only.
    const tokenFile = path.join(dataDir, 'demo-terminal-token');
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    const token = (await readFile(tokenFile, 'utf8')).trim();
    expect(output).toContain(tokenFile);
    expect(output).not.toContain(token);
    const sale = await fetch(`${url}/api/v1/sales`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        saleId: crypto.randomUUID(),
        terminalSeq: 1,
        occurredAt: '2026-10-08T12:00:00+08:00',
        channel: 'dine-in',
        cardUid: 'CARD0001',
        items: [{ itemId: 'set-a', qty: 1 }],
      }),
    });
    expect(sale.status).toBe(201);
    expect(await sale.json()).toMatchObject({ totalFen: 1200, subsidyFen: 300, elderPaysFen: 900 });
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);

    // The demo counter: its pages are served and it is in touch with the service.
    await expect.poll(() => output, { timeout: 30_000 }).toMatch(/顾客显示屏 elder display/);
    const counter = /收银台 cashier page\s+(http:\/\/\S+?)\/\s/.exec(output)?.[1];
    expect(counter, output).toBeDefined();
    const page = await fetch(`${counter}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('助餐通 收银台');
    expect(output).toMatch(/顾客显示屏 elder display\s+http:\/\/\S+\/display/);
    const state = (await (await fetch(`${counter}/api/state`)).json()) as Record<string, unknown>;
    expect(state).toMatchObject({ terminalId: 'heping-01-t1', online: true, canteenName: '和平区幸福食堂' });

    // The counter is a process of its own: the service killed, it sells offline within seconds, and
    // its sale arrives once npm start has started the service again.
    const servicePid = Number(/settlement service pid (\d+)/.exec(output)?.[1]);
    process.kill(servicePid, 'SIGKILL');
    const counterState = async () =>
      (await (await fetch(`${counter}/api/state`)).json()) as { online: boolean; queued: number };
    await expect.poll(async () => (await counterState()).online, { timeout: 15_000 }).toBe(false);
    const signIn = await fetch(`${counter}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: '1234' }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? '';
    const local = async (pathname: string, body: unknown) =>
      (await fetch(`${counter}${pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      }).then((response) => response.json())) as Record<string, unknown>;
    const quote = await local('/api/quote', { cardUid: 'CARD0002', items: [{ itemId: 'set-a', qty: 1 }] });
    expect(quote).toMatchObject({ mode: 'offline', totalFen: 1200 });
    expect(await local('/api/sales', { quoteId: quote.quoteId, paymentMethod: 'cash' })).toMatchObject({
      state: 'waiting',
    });
    expect((await counterState()).queued).toBe(1);
    await expect.poll(async () => (await counterState()).queued, { timeout: 90_000 }).toBe(0);
    expect(output).toMatch(/the settlement service stopped \(SIGKILL/);

    // npm forwards the signal to the service and then ends by that signal itself.
    child.kill('SIGTERM');
    const [code, signal] = await once(child, 'exit');
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    for (let waited = 0; existsSync(pidFile) && waited < 20_000; waited += 100) await sleep(100);
    expect(existsSync(pidFile)).toBe(false);
    // The counter stopped with it.
    await expect(fetch(`${counter}/api/state`)).rejects.toThrow();
  });
});
