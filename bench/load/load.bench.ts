import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { connect } from '../../database/connect.ts';
import { nationalIdCheckCharacter } from '../../domain/identity/national-id.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { callService, freePort } from '../../testkit/service-process.ts';
import { stopChild } from '../../testkit/stop-child.ts';
import { startDurableServer } from '../durable-server.ts';
import { perSecond } from '../measure.ts';
import {
  type LoadCounts,
  type LoadPlan,
  type LoadResult,
  RECORDED,
  REFUSED,
  SENT,
  VOIDED,
} from './load-generator.ts';

export interface LoadBenchOptions {
  readonly seconds: number;
  readonly terminals: number;
  readonly canteens: number;
  readonly elders: number;
  /** Mean pause between one terminal's sales. */
  readonly paceMs: number;
  readonly log: (line: string) => void;
}

/** The growth over the run that the service's memory must stay under, and PostgreSQL's (PSS). */
const SERVICE_GROWTH_BOUND_MB = 150;
const POSTGRES_GROWTH_BOUND_MB = 256;
const SAMPLE_EVERY_MS = 2000;

/**
 * Mixed traffic on the embedded default, the service in its own process with its read models, the
 * counters in another: sales from many terminals (some offline for a while, then syncing), repeats
 * and voids; projection lag and memory sampled throughout, a month close at the end, and every sale
 * the generator made counted in the store.
 */
export async function benchLoad(options: LoadBenchOptions): Promise<string> {
  const { log } = options;
  const server = await startDurableServer();
  let service: ChildProcess | null = null;
  let generator: ChildProcess | null = null;
  try {
    const databaseUrl = await server.database('bench_load');
    const probe = connect(databaseUrl, 2);
    const started = await startService(databaseUrl, log);
    service = started.child;
    const { url, adminToken } = started;
    const postgresPid = await postmasterPid(probe.db);

    const month = previousMonth(Date.now());
    const registration = performance.now();
    const { tokens, cards } = await registerBureau(url, adminToken, options);
    log(
      `load: registered ${options.canteens} canteens, ${cards.length} elders with cards and ${tokens.length} terminals in ${((performance.now() - registration) / 1000).toFixed(1)} s`,
    );
    await caughtUp(url, 60_000);

    generator = fork(fileURLToPath(new URL('./load-generator.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const windows: number[] = [];
    const messages = generatorMessages(generator, log, (rate) => windows.push(rate));
    await messages.ready;
    const pids = { service: service.pid ?? 0, postgres: postgresPid, generator: generator.pid ?? 0 };
    const memory = new MemoryWatch(pids);
    await memory.sample('start');
    const lag = new LagWatch(url);

    log(
      `load: ${tokens.length} terminals selling for ${options.seconds} s (one sale every ${options.paceMs} ms each on average), sales timed in ${month.key}`,
    );
    const plan: LoadPlan = {
      url,
      terminals: tokens.map((token) => ({ token })),
      cards,
      seconds: options.seconds,
      paceMs: options.paceMs,
      month,
    };
    generator.send(plan);
    let lastLog = Date.now();
    const sampler = setInterval(() => {
      void (async () => {
        await Promise.all([lag.sample(), memory.sample()]);
        if (Date.now() - lastLog >= 30_000) {
          lastLog = Date.now();
          log(`load: ${lag.describeLast()}; ${memory.describeLast()}`);
        }
      })();
    }, SAMPLE_EVERY_MS);
    const result = await messages.result;
    clearInterval(sampler);
    await memory.sample('end');
    const catchUp = performance.now();
    await caughtUp(url, 120_000);
    const catchUpSeconds = (performance.now() - catchUp) / 1000;
    log(
      `load: traffic over after ${result.seconds.toFixed(1)} s; read models caught up ${catchUpSeconds.toFixed(1)} s later`,
    );

    // The month close, at the end, of the month the sales were timed in.
    const closing = performance.now();
    const close = await callService(url, 'POST', `/api/v1/settlements/${month.key}/close`, adminToken);
    const closeSeconds = (performance.now() - closing) / 1000;
    if (close.status !== 200)
      throw new Error(`close answered ${close.status}: ${JSON.stringify(close.body)}`);
    const closed = close.body as { totals: { mealsSold: number }; canteens: unknown[] };
    await memory.sample('closed');
    log(`load: closed ${month.key} in ${closeSeconds.toFixed(1)} s`);

    const audit = await auditStore(probe.db, result);
    await probe.db.destroy();
    generator.disconnect();
    await stopChild(service);
    service = null;
    return report({
      options,
      result,
      windows,
      lag,
      memory,
      audit,
      closed,
      closeSeconds,
      catchUpSeconds,
      month,
    });
  } finally {
    if (generator && generator.exitCode === null) generator.kill('SIGTERM');
    if (service) await stopChild(service);
    await server.stop();
  }
}

/** The settlement service as `npm start` runs it, on an external (here: the bench's) PostgreSQL. */
async function startService(
  databaseUrl: string,
  log: (line: string) => void,
): Promise<{ child: ChildProcess; url: string; adminToken: string }> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zhucan-load-service-'));
  const adminToken = `za_${randomBytes(16).toString('hex')}`;
  const child = spawn(process.execPath, await startArguments(), {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      KURRENTDB_URL: '',
      ZHUCAN_DATA_DIR: dataDir,
      ZHUCAN_ADMIN_TOKEN: adminToken,
      ZHUCAN_PII_KEY: randomBytes(32).toString('hex'),
      ZHUCAN_TOKEN_SECRET: randomBytes(32).toString('hex'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.once('exit', () => void rm(dataDir, { recursive: true, force: true }));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), 60_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${output}`));
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      if (output.includes(`listening on http://localhost:${port}`)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.once('exit', onExit);
  });
  // Keep reading its output (so that it never blocks on a full pipe); show failures only.
  child.stdout?.removeAllListeners('data');
  child.stdout?.resume();
  child.stderr?.removeAllListeners('data');
  child.stderr?.on('data', (chunk: Buffer) => log(`service: ${String(chunk).trimEnd()}`));
  return { child, url: `http://127.0.0.1:${port}`, adminToken };
}

/** Node's arguments in `npm start` (`exec node … settlement-service/main.ts`), so that the flags are the deployed ones. */
async function startArguments(): Promise<string[]> {
  const manifest = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: { start: string } };
  const words = manifest.scripts.start.split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0 || !words.includes('settlement-service/main.ts')) {
    throw new Error(`npm start is not "node … settlement-service/main.ts": ${manifest.scripts.start}`);
  }
  return words.slice(node + 1);
}

/** The month before the current one in Asia/Shanghai: ended, so it can be closed. */
function previousMonth(now: number): LoadPlan['month'] & { key: string } {
  const [year = 0, month = 0] = businessDateOf(now).split('-').map(Number);
  const previous = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
  const days = new Date(Date.UTC(previous.year, previous.month, 0)).getUTCDate();
  return { ...previous, days, key: `${previous.year}-${String(previous.month).padStart(2, '0')}` };
}

const POLICY = {
  policyId: 'load-2026',
  name: '负载测试政策',
  effectiveFrom: '2020-01-01',
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  rules: [
    {
      ruleId: 'age-80',
      eligible: { minAge: 80 },
      periods: ['lunch', 'dinner'],
      benefit: { kind: 'fixed', fen: 300 },
      stackGroup: 'base',
      funding: [
        { source: 'city-welfare-lottery', shareBp: 6000 },
        { source: 'district-finance', shareBp: 4000, locality: 'district' },
      ],
    },
  ],
  caps: [
    { per: 'day', max: 1 },
    { per: 'week', max: 5 },
  ],
};

/** A policy, canteens, elders with cards and terminals, through the admin API as a bureau would. */
async function registerBureau(
  url: string,
  adminToken: string,
  options: LoadBenchOptions,
): Promise<{ tokens: string[]; cards: string[] }> {
  const admin = async (method: string, pathname: string, body: unknown) => {
    const answer = await callService(url, method, pathname, adminToken, body);
    if (answer.status >= 300) {
      throw new Error(`${method} ${pathname} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    return answer.body as Record<string, unknown>;
  };
  await admin('PUT', `/api/v1/policies/${POLICY.policyId}`, POLICY);
  const district = (n: number) => `区${n % 6}`;
  await inParallel(options.canteens, 4, (n) =>
    admin('PUT', `/api/v1/canteens/load-${n}`, {
      name: `幸福食堂${n}`,
      district: district(n),
      town: `街道${n % 12}`,
      periods: { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } },
      menu: [
        { itemId: 'set-a', name: '套餐', priceFen: 1200 },
        { itemId: 'soup', name: '例汤', priceFen: 200 },
      ],
    }),
  );
  const cards: string[] = [];
  await inParallel(options.elders, 8, async (n) => {
    // Born 1930 to 1964: about half are 80 or older. Unique by region (the thousand) and sequence.
    const first17 = `${110000 + Math.floor(n / 1000)}${1930 + (n % 35)}0101${String(n % 1000).padStart(3, '0')}`;
    await admin('PUT', `/api/v1/elders/load-${n}`, {
      name: '测试老人',
      idNumber: `${first17}${nationalIdCheckCharacter(first17)}`,
      district: district(n),
      town: `街道${n % 12}`,
      categories: [],
    });
    const card = `LOAD${String(n).padStart(6, '0')}`;
    await admin('POST', `/api/v1/elders/load-${n}/cards`, { cardUid: card });
    cards.push(card);
  });
  const tokens: string[] = new Array(options.terminals);
  await inParallel(options.terminals, 4, async (n) => {
    const answer = await admin('PUT', `/api/v1/terminals/load-t${n}`, {
      canteenId: `load-${n % options.canteens}`,
    });
    tokens[n] = String(answer.token);
  });
  return { tokens, cards };
}

async function inParallel(count: number, lanes: number, work: (index: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

interface ProjectionHealth {
  readonly name: string;
  readonly eventsBehind: number;
  readonly secondsBehind: number;
  readonly state: string;
}

async function health(url: string): Promise<ProjectionHealth[]> {
  const response = await fetch(`${url}/health`);
  const body = (await response.json()) as { projections?: ProjectionHealth[] };
  return body.projections ?? [];
}

/** Waits until every read model has applied every event. */
async function caughtUp(url: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const statuses = await health(url);
    if (statuses.length > 0 && statuses.every((status) => status.eventsBehind === 0)) return;
    if (Date.now() > deadline) throw new Error(`read models still behind: ${JSON.stringify(statuses)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** How far each read model is behind, from GET /health, as the operator sees it. */
class LagWatch {
  readonly seconds = new Map<string, number[]>();
  readonly events = new Map<string, number[]>();
  private last = '';
  constructor(private readonly url: string) {}

  async sample(): Promise<void> {
    try {
      const statuses = await health(this.url);
      for (const status of statuses) {
        const seconds = this.seconds.get(status.name) ?? [];
        const events = this.events.get(status.name) ?? [];
        seconds.push(status.secondsBehind);
        events.push(status.eventsBehind);
        this.seconds.set(status.name, seconds);
        this.events.set(status.name, events);
      }
      this.last = statuses.map((s) => `${s.name} ${s.secondsBehind.toFixed(2)} s behind`).join(', ');
    } catch (error) {
      this.last = `health failed: ${error instanceof Error ? error.message : error}`;
    }
  }

  describeLast(): string {
    return this.last;
  }
}

interface Footprint {
  /** Resident set in bytes. */
  readonly rss: number;
  /** Proportional set (shared pages divided among the processes sharing them), bytes. */
  readonly pss: number;
}

type Role = 'service' | 'postgres' | 'generator';

/** Memory of the service, of PostgreSQL (the postmaster and all its processes) and of the generator. */
class MemoryWatch {
  readonly marks = new Map<string, Record<Role, Footprint>>();
  readonly max: Record<Role, Footprint> = {
    service: { rss: 0, pss: 0 },
    postgres: { rss: 0, pss: 0 },
    generator: { rss: 0, pss: 0 },
  };
  private last: Record<Role, Footprint> | null = null;
  constructor(private readonly pids: Record<Role, number>) {}

  async sample(mark?: string): Promise<void> {
    const postgres = [this.pids.postgres, ...(await childrenOf(this.pids.postgres))];
    const taken: Record<Role, Footprint> = {
      service: await footprint([this.pids.service]),
      postgres: await footprint(postgres),
      generator: await footprint([this.pids.generator]),
    };
    for (const role of ['service', 'postgres', 'generator'] as const) {
      this.max[role] = {
        rss: Math.max(this.max[role].rss, taken[role].rss),
        pss: Math.max(this.max[role].pss, taken[role].pss),
      };
    }
    this.last = taken;
    if (mark) this.marks.set(mark, taken);
  }

  describeLast(): string {
    if (!this.last) return '';
    const { service, postgres, generator } = this.last;
    return `RSS service ${mb(service.rss)}, PostgreSQL ${mb(postgres.rss)} (PSS ${mb(postgres.pss)}), generator ${mb(generator.rss)}`;
  }
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function childrenOf(parent: number): Promise<number[]> {
  const children: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so split after its closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

async function footprint(pids: readonly number[]): Promise<Footprint> {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      rss += kilobytes(status, 'VmRSS') * 1024;
      const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
      pss += kilobytes(rollup, 'Pss') * 1024;
    } catch {
      // a backend that exited between the listing and the read
    }
  }
  return { rss, pss };
}

function kilobytes(text: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

async function postmasterPid(db: ReturnType<typeof connect>['db']): Promise<number> {
  const { rows } = await sql<{
    setting: string;
  }>`SELECT setting FROM pg_settings WHERE name = 'data_directory'`.execute(db);
  const dataDirectory = rows[0]?.setting;
  if (!dataDirectory) throw new Error('PostgreSQL did not say its data directory');
  const pid = Number((await readFile(path.join(dataDirectory, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  if (!Number.isSafeInteger(pid)) throw new Error('no postmaster.pid');
  return pid;
}

function generatorMessages(
  child: ChildProcess,
  log: (line: string) => void,
  windowRate: (salesPerSecond: number) => void,
) {
  let previous = { at: 0, recorded: 0 };
  let ready: () => void = () => {};
  let done: (result: LoadResult) => void = () => {};
  let failed: (error: Error) => void = () => {};
  const readyPromise = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const result = new Promise<LoadResult>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  child.on('message', (message: { type: string; counts?: LoadCounts; at?: number; result?: LoadResult }) => {
    if (message.type === 'ready') ready();
    if (message.type === 'progress' && message.counts) {
      const c = message.counts;
      const now = { at: message.at ?? 0, recorded: c.online + c.offline };
      windowRate(((now.recorded - previous.recorded) * 1000) / (now.at - previous.at));
      previous = now;
      log(
        `load: ${c.online} online and ${c.offline} offline sales recorded, ${c.batches} batches, ${c.voids} voids, ${c.repeats} repeats, ${c.abandoned} abandoned, ${c.failures} failures`,
      );
    }
    if (message.type === 'result' && message.result) done(message.result);
  });
  child.once('exit', (code) => failed(new Error(`the load generator exited with ${code}`)));
  return { ready: readyPromise, result };
}

interface Audit {
  readonly made: number;
  readonly recorded: number;
  readonly refused: number;
  readonly neverAnswered: number;
  readonly voided: number;
  readonly inStore: number;
  readonly lost: number;
  readonly doubled: number;
  readonly unknown: number;
  readonly voidsInStore: number;
  readonly readModelSales: number;
}

/** Every sale in the store against the generator's own record. */
async function auditStore(db: ReturnType<typeof connect>['db'], result: LoadResult): Promise<Audit> {
  const { rows } = await sql<{ sale_id: string; copies: string }>`
    SELECT data ->> 'saleId' AS sale_id, count(*) AS copies
      FROM event_store.events WHERE event_type = 'MealSold' GROUP BY 1`.execute(db);
  const stored = new Map(rows.map((row) => [row.sale_id, Number(row.copies)]));
  const voids = await sql<{ n: string }>`
    SELECT count(*) AS n FROM event_store.events WHERE event_type = 'SaleVoided'`.execute(db);
  const readModel = await sql<{ n: string }>`SELECT count(*) AS n FROM read_models.sales`.execute(db);
  let recorded = 0;
  let refused = 0;
  let neverAnswered = 0;
  let voided = 0;
  let lost = 0;
  const mine = new Set<string>();
  result.ids.forEach((saleId, at) => {
    const flags = result.flags[at] ?? 0;
    mine.add(saleId);
    if (flags & RECORDED) recorded++;
    if (flags & REFUSED) refused++;
    if (flags & VOIDED) voided++;
    if (!(flags & (RECORDED | REFUSED))) neverAnswered++;
    if (flags & (RECORDED | SENT) && !(flags & REFUSED) && !stored.has(saleId)) lost++;
  });
  let doubled = 0;
  let unknown = 0;
  for (const [saleId, copies] of stored) {
    if (copies > 1) doubled++;
    if (!mine.has(saleId)) unknown++;
  }
  return {
    made: result.ids.length,
    recorded,
    refused,
    neverAnswered,
    voided,
    inStore: stored.size,
    lost,
    doubled,
    unknown,
    voidsInStore: Number(voids.rows[0]?.n ?? 0),
    readModelSales: Number(readModel.rows[0]?.n ?? 0),
  };
}

function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function report(input: {
  options: LoadBenchOptions;
  result: LoadResult;
  windows: readonly number[];
  lag: LagWatch;
  memory: MemoryWatch;
  audit: Audit;
  closed: { totals: { mealsSold: number }; canteens: unknown[] };
  closeSeconds: number;
  catchUpSeconds: number;
  month: { key: string };
}): string {
  const { options, result, windows, lag, memory, audit, closed, closeSeconds, catchUpSeconds, month } = input;
  const { counts } = result;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const n = (value: number) => value.toLocaleString('en-US');
  const latency = (values: readonly number[]) =>
    `${ms(percentile(values, 0.5))} / ${ms(percentile(values, 0.99))}`;
  const rows: string[] = [
    '| measure | value | bound |',
    '|---|---:|---:|',
    `| traffic | ${options.terminals} terminals, ${result.seconds.toFixed(0)} s, one sale every ${options.paceMs} ms each on average | |`,
    `| sales recorded: online (\`POST /api/v1/sales\`), offline (\`/sales/batch\`) | ${n(counts.online)}, ${n(counts.offline)} | |`,
    `| sales/s recorded, over the run | ${perSecond(audit.recorded / result.seconds)} | |`,
    `| sales/s in each 10 s window: lowest / median / highest (${windows.length} windows) | ${perSecond(percentile(windows, 0))} / ${perSecond(percentile(windows, 0.5))} / ${perSecond(Math.max(0, ...windows))} | |`,
    `| single sale latency median / p99 (${n(result.saleLatencies.length)} new sales) | ${latency(result.saleLatencies)} | |`,
    `| batch latency median / p99 (${n(counts.batches)} batches, median ${n(percentile(result.batchSizes, 0.5))} sales, largest ${n(Math.max(0, ...result.batchSizes))}) | ${latency(result.batchLatencies)} | |`,
    `| void latency median / p99 (${n(counts.voids)} voids) | ${latency(result.voidLatencies)} | |`,
    `| terminal outages, requests repeated unchanged, answers abandoned in flight, 5xx or connection failures | ${n(counts.outages)}, ${n(counts.repeats)}, ${n(counts.abandoned)}, ${n(counts.failures)} | |`,
    `| repeats answered other than the first answer | ${n(counts.repeatMismatches)} | 0 |`,
  ];
  for (const [name, samples] of lag.seconds) {
    const events = lag.events.get(name) ?? [];
    rows.push(
      `| read model \`${name}\` lag p99 / max (${samples.length} samples of GET /health, every ${SAMPLE_EVERY_MS / 1000} s) | ${percentile(samples, 0.99).toFixed(2)} s / ${Math.max(0, ...samples).toFixed(2)} s (max ${n(Math.max(0, ...events))} events) | |`,
    );
  }
  rows.push(`| read models caught up after the traffic ended | ${catchUpSeconds.toFixed(1)} s | |`);
  const start = memory.marks.get('start');
  const end = memory.marks.get('end');
  const closedMark = memory.marks.get('closed');
  const roles: { role: Role; label: string; bound?: number; measure: keyof Footprint }[] = [
    { role: 'service', label: 'service RSS', bound: SERVICE_GROWTH_BOUND_MB, measure: 'rss' },
    {
      role: 'postgres',
      label: 'PostgreSQL PSS (all its processes)',
      bound: POSTGRES_GROWTH_BOUND_MB,
      measure: 'pss',
    },
    { role: 'postgres', label: 'PostgreSQL RSS summed over its processes', measure: 'rss' },
    { role: 'generator', label: 'load generator RSS', measure: 'rss' },
  ];
  for (const { role, label, bound, measure } of roles) {
    const at = (mark: Record<Role, Footprint> | undefined) => mark?.[role][measure] ?? 0;
    const growth = at(end) - at(start);
    const verdict =
      bound === undefined
        ? ''
        : `growth < ${bound} MB: ${growth / 2 ** 20 < bound ? 'held' : '**not held**'}`;
    rows.push(
      `| ${label}: start / end of traffic / max / after the close | ${mb(at(start))} / ${mb(at(end))} / ${mb(memory.max[role][measure])} / ${mb(at(closedMark))} | ${verdict} |`,
    );
  }
  const expectedMeals = audit.recorded - audit.voided;
  rows.push(
    `| close ${month.key} (${closed.canteens.length} canteens) | ${closeSeconds.toFixed(1)} s | |`,
    `| sales made by the generator: recorded, refused, never answered | ${n(audit.made)}: ${n(audit.recorded)}, ${n(audit.refused)}${refusalList(result.refusals)}, ${n(audit.neverAnswered)} | |`,
    `| \`MealSold\` in the store (distinct sale ids), \`SaleVoided\`, rows in \`read_models.sales\` | ${n(audit.inStore)}, ${n(audit.voidsInStore)}, ${n(audit.readModelSales)} | |`,
    `| **lost** (sent, not in the store) / **doubled** (stored twice) / not made by the generator | ${n(audit.lost)} / ${n(audit.doubled)} / ${n(audit.unknown)} | 0 / 0 / 0 |`,
    `| closed month's mealsSold / the generator's count (recorded − voided: ${n(audit.recorded)} − ${n(audit.voided)}) | ${n(closed.totals.mealsSold)} / ${n(expectedMeals)} | equal |`,
  );
  return rows.join('\n');
}

function refusalList(refusals: Record<string, number>): string {
  const entries = Object.entries(refusals);
  return entries.length ? ` (${entries.map(([code, count]) => `${code} ${count}`).join(', ')})` : '';
}
