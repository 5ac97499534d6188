import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePrinter, startFakePrinter } from '../pos-terminal/receipts/testing/fake-printer.ts';
import {
  CASHIER_PIN,
  COUNTER_CARDS,
  counterSettings,
  MANAGER_PIN,
  setUpCounterBureau,
} from '../testkit/counter-bureau.ts';
import { callService, freePort, type ServiceProcess, serviceProcess } from '../testkit/service-process.ts';
import { stopChild } from '../testkit/stop-child.ts';
import { idNumber, saleBody } from './support/bureau.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

/** The ID numbers `setUpCounterBureau` registers, one per counter card. */
const BUREAU_ID_NUMBERS = COUNTER_CARDS.map((_, index) => idNumber(`194${index}-03-15`, `${index + 1}23`));

/** `npm run terminal -- settings.json` as a child process, everything it prints kept. */
async function terminalProcess(settings: Record<string, unknown>, token: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'zhucan-log-terminal-'));
  await writeFile(path.join(dir, 'terminal-token'), token, { mode: 0o600 });
  const settingsFile = path.join(dir, 'settings.json');
  await writeFile(settingsFile, JSON.stringify({ ...settings, tokenFile: 'terminal-token' }));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'pos-terminal/main.ts', settingsFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`terminal did not start:\n${output}`)), 30_000);
    const poll = setInterval(() => {
      if (!output.includes('cashier page')) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve();
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`terminal exited with ${code}:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${settings.port}`;
  let cookie = '';
  return {
    output: () => output,
    async call(method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(`${url}${pathname}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(cookie ? { cookie } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      // The cashier's sign-in lives in a cookie, as in the browser.
      const set = response.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0] ?? '';
      const text = await response.text();
      // biome-ignore lint/suspicious/noExplicitAny: answers whose shape each step asserts
      const answer: any = text.startsWith('{') ? JSON.parse(text) : text;
      return { status: response.status, body: answer };
    },
    stop: () => stopChild(child),
  };
}

/** Every place where `needle` occurs in `text`, with a little context, for a readable failure. */
function occurrences(text: string, needle: string): string[] {
  const found: string[] = [];
  const haystack = text.toLowerCase();
  for (
    let at = haystack.indexOf(needle.toLowerCase());
    at >= 0;
    at = haystack.indexOf(needle.toLowerCase(), at + 1)
  ) {
    found.push(text.slice(Math.max(0, at - 80), at + needle.length + 40));
  }
  return found;
}

/** A PIN where nothing but the PIN could stand: `"pin":"2468"`, `managerPin=2468`, `PIN 2468`. */
function pinMentions(text: string, pin: string): string[] {
  return [...text.matchAll(new RegExp(`.{0,80}pin\\W{0,4}${pin}.{0,20}`, 'gi'))].map((match) => match[0]);
}

/**
 * Logs are read by operators, shipped to log stores and pasted into tickets: whatever the traffic,
 * neither the service nor the counter terminal may print a full ID number, a token or a PIN.
 */
describe('the logs of the service and the counter terminal keep secrets out', () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let printer: FakePrinter;
  let terminal: Awaited<ReturnType<typeof terminalProcess>>;
  let strayTerminal: Awaited<ReturnType<typeof terminalProcess>> | undefined;
  const tokens: string[] = [];
  const idNumbers: string[] = [...BUREAU_ID_NUMBERS];
  const pinHashes: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(4);
    service = await serviceProcess(database.connectionString);
    await service.start();
    tokens.push(service.adminToken);
    const bureau = await setUpCounterBureau(service.url, service.adminToken);
    tokens.push(bureau.token);
    printer = await startFakePrinter();
    const settings = await counterSettings(service.url, bureau.token, bureau.terminalId, printer);
    pinHashes.push(...settings.cashiers.map((cashier) => cashier.pinHash));
    const { token: _inline, ...fileSettings } = settings;
    terminal = await terminalProcess({ ...fileSettings, port: await freePort() }, bureau.token);
  });
  afterAll(async () => {
    await strayTerminal?.stop();
    await terminal?.stop();
    await printer?.close();
    await service?.stop();
    await database?.drop();
  });

  it('prints none of them, whatever the counter, the bureau and strangers send', async () => {
    const admin = (method: string, pathname: string, body?: unknown) =>
      callService(service.url, method, pathname, service.adminToken, body);
    const raw = (pathname: string, init: RequestInit) => fetch(`${service.url}${pathname}`, init);
    const terminalToken = tokens[1] as string;

    // Bureau users and a second terminal: more tokens; a changed role revokes the first token.
    const reviewer = await admin('PUT', '/api/v1/users/reviewer-1', { name: '审核员', role: 'reviewer' });
    const manager = await admin('PUT', '/api/v1/users/manager-1', {
      name: '食堂经理',
      role: 'canteen-manager',
      canteenId: 'tc1',
    });
    const renamed = await admin('PUT', '/api/v1/users/reviewer-1', { name: '审核员', role: 'auditor' });
    const second = await admin('PUT', '/api/v1/terminals/counter-2', { canteenId: 'tc1' });
    expect([reviewer.status, manager.status, renamed.status, second.status]).toEqual([201, 201, 201, 201]);
    const [reviewerToken, managerToken, auditorToken, secondToken] = [
      reviewer.body.token,
      manager.body.token,
      renamed.body.token,
      second.body.token,
    ] as string[];
    tokens.push(
      reviewerToken as string,
      managerToken as string,
      auditorToken as string,
      secondToken as string,
    );

    // Elders: one more registered, one with a wrong check digit, one whose number is taken.
    const extra = idNumber('1938-11-02', '457', '110105');
    const wrongCheck = `${extra.slice(0, 17)}${extra.endsWith('0') ? '1' : '0'}`;
    idNumbers.push(extra, wrongCheck);
    const elder = (idNumberValue: unknown, more: Record<string, unknown> = {}) => ({
      name: '孙桂芝',
      idNumber: idNumberValue,
      district: '和平区',
      town: '一街道',
      categories: [],
      ...more,
    });
    expect((await admin('PUT', '/api/v1/elders/E9', elder(extra))).status).toBe(200);
    expect((await admin('PUT', '/api/v1/elders/E10', elder(wrongCheck))).status).toBe(400);
    expect(
      (await admin('PUT', '/api/v1/elders/E11', elder(BUREAU_ID_NUMBERS[0]))).status,
    ).toBeGreaterThanOrEqual(400);
    // A card number is free text: someone may well type the ID number as the card.
    expect((await admin('POST', '/api/v1/elders/E9/cards', { cardUid: extra })).status).toBe(201);
    expect(
      (
        await callService(
          service.url,
          'POST',
          '/api/v1/sales',
          tokens[1] as string,
          saleBody({ cardUid: extra }),
        )
      ).status,
    ).toBe(201);
    // ID numbers and tokens in fields where they do not belong.
    const misplaced = [
      await admin('PUT', '/api/v1/elders/E12', elder(Number(extra.slice(0, 15)), { name: extra })),
      await admin('PUT', '/api/v1/elders/E12', elder(extra, { token: service.adminToken, note: wrongCheck })),
      await admin('PUT', '/api/v1/elders/E12', {
        ...elder(extra),
        categories: [{ category: extra, from: reviewerToken }],
      }),
      await admin('POST', '/api/v1/elders/E1/death', { date: wrongCheck }),
      await admin('PUT', '/api/v1/terminals/counter-3', { canteenId: extra }),
      await admin('PUT', `/api/v1/users/${'u'.repeat(3)}`, { name: service.adminToken, role: extra }),
      await callService(service.url, 'POST', '/api/v1/sales', terminalToken, {
        saleId: secondToken,
        terminalSeq: extra,
        occurredAt: wrongCheck,
        channel: reviewerToken,
        cardUid: extra,
        items: [{ itemId: extra, qty: service.adminToken }],
      }),
      await callService(
        service.url,
        'POST',
        '/api/v1/sales',
        terminalToken,
        saleBody({ cardUid: wrongCheck }),
      ),
      await callService(service.url, 'POST', `/api/v1/sales/${randomUUID()}/void`, terminalToken, {
        reason: extra,
      }),
      await admin('GET', `/api/v1/elders/${extra}/ledger?month=${encodeURIComponent(service.adminToken)}`),
      await admin('GET', `/api/v1/${extra}/${encodeURIComponent(managerToken as string)}`),
      await admin('GET', `/api/v1/settlements/${extra}`),
      await admin('POST', '/api/v1/settlements/2099-01/close'),
    ];
    const batch = await callService(service.url, 'POST', '/api/v1/sales/batch', terminalToken, {
      sales: [saleBody({ cardUid: wrongCheck }), { saleId: extra, pin: CASHIER_PIN }],
    });
    expect(batch.body.results.map((result: { status: number }) => result.status)).toEqual([422, 400]);
    for (const answer of misplaced)
      expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400);
    // Malformed percent-encoding around an ID number, in the path and in the query.
    for (const pathname of [
      `/api/v1/elders/${extra}%E0%A4%A/ledger?month=2026-10`,
      `/api/v1/elders/E1/ledger?month=${extra}%ZZ`,
      `/api/v1/canteens/tc1/days/${wrongCheck}%`,
    ]) {
      const answer = await raw(pathname, { headers: { authorization: `Bearer ${service.adminToken}` } });
      expect(answer.status, pathname).toBeLessThan(500);
      await answer.arrayBuffer();
    }
    // Bodies that are not JSON, too large, or not what they say, all carrying secrets.
    const bodies: [string, Record<string, string>][] = [
      [`{"idNumber":"${extra}", "token": "${service.adminToken}"`, { 'content-type': 'application/json' }],
      [`{"idNumber":"${extra}"} trailing ${service.adminToken}`, { 'content-type': 'application/json' }],
      [
        `idNumber=${extra}&token=${service.adminToken}`,
        { 'content-type': 'application/x-www-form-urlencoded' },
      ],
      [`{"idNumber":"${extra}"}`, { 'content-type': `application/json; charset=${extra}` }],
      [
        JSON.stringify({ ...elder(extra), padding: `${extra}`.repeat(70_000) }),
        { 'content-type': 'application/json' },
      ],
    ];
    for (const [body, headers] of bodies) {
      const answer = await raw('/api/v1/elders/E13', {
        method: 'PUT',
        headers: { authorization: `Bearer ${service.adminToken}`, ...headers },
        body,
      });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      await answer.arrayBuffer();
    }
    // Strangers: made-up tokens of each kind, a revoked one, tokens in the wrong scheme or header.
    const bogus = [
      `zt_${randomBytes(32).toString('hex')}.counter-1`,
      `zu_${randomBytes(32).toString('hex')}.reviewer-1`,
      `za_${randomBytes(32).toString('base64url')}`,
      randomBytes(24).toString('hex'),
    ];
    tokens.push(...bogus);
    for (const token of [...bogus, reviewerToken as string]) {
      const answer = await callService(service.url, 'GET', '/api/v1/terminals', token as string);
      expect(answer.status).toBe(401);
    }
    for (const authorization of [
      `Basic ${bogus[3]}`,
      `Bearer ${bogus[0]} ${bogus[1]}`,
      `Token ${service.adminToken}`,
    ]) {
      const answer = await raw('/api/v1/terminals', {
        headers: { authorization, 'x-api-key': bogus[2] as string },
      });
      expect(answer.status).toBe(401);
      await answer.arrayBuffer();
    }
    // Tokens acting outside their role or canteen.
    expect(
      (await callService(service.url, 'POST', '/api/v1/settlements/2026-01/close', managerToken as string))
        .status,
    ).toBe(403);
    expect((await callService(service.url, 'GET', '/api/v1/terminals', secondToken as string)).status).toBe(
      403,
    );

    // At the counter: PINs right and wrong, sales, a void, bad bodies around the PIN.
    expect((await terminal.call('POST', '/api/session', { pin: '1111' })).status).toBe(401);
    expect((await terminal.call('POST', '/api/session', { pin: CASHIER_PIN })).status).toBe(200);
    const sales: string[] = [];
    for (const cardUid of [COUNTER_CARDS[0], COUNTER_CARDS[1], null]) {
      const quote = await terminal.call('POST', '/api/quote', {
        cardUid,
        items: [{ itemId: 'set-a', qty: 1 }],
      });
      expect(quote.status, JSON.stringify(quote.body)).toBe(200);
      const sale = await terminal.call('POST', '/api/sales', {
        quoteId: quote.body.quoteId,
        paymentMethod: 'cash',
      });
      expect(sale.status, JSON.stringify(sale.body)).toBe(201);
      sales.push(sale.body.saleId);
    }
    const [firstSale] = sales as [string];
    expect(
      (
        await terminal.call('POST', `/api/sales/${firstSale}/void`, {
          managerPin: CASHIER_PIN,
          reason: '点错',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await terminal.call('POST', `/api/sales/${firstSale}/void`, {
          managerPin: MANAGER_PIN,
          reason: '点错',
        })
      ).status,
    ).toBe(200);
    for (const body of [
      `{"pin":"${CASHIER_PIN}"`,
      `{"pin":${CASHIER_PIN}}`,
      JSON.stringify({ pin: CASHIER_PIN, managerPin: MANAGER_PIN }),
      JSON.stringify({ [CASHIER_PIN]: 'pin' }),
      JSON.stringify({ pin: `${CASHIER_PIN}`.repeat(10_000) }),
    ]) {
      expect((await terminal.call('POST', '/api/session', body)).status).toBeGreaterThanOrEqual(400);
    }
    expect(
      (await terminal.call('POST', '/api/session', `pin=${CASHIER_PIN}`, { 'content-type': 'text/plain' }))
        .status,
    ).toBeGreaterThanOrEqual(400);
    expect(
      (await terminal.call('POST', `/api/sales/${firstSale}/void`, `{"managerPin":"${MANAGER_PIN}",`)).status,
    ).toBe(400);
    expect(
      (
        await terminal.call('POST', `/api/sales/${MANAGER_PIN}%ZZ/void`, {
          managerPin: MANAGER_PIN,
          reason: 'x',
        })
      ).status,
    ).toBeLessThan(500);
    expect((await terminal.call('POST', '/api/taps', { cardUid: extra })).status).toBeLessThan(500);
    expect(
      (await terminal.call('POST', '/api/quote', { cardUid: extra, items: [{ itemId: extra, qty: 1 }] }))
        .status,
    ).toBeLessThan(500);
    await terminal.call('DELETE', '/api/quote');
    // Wrong PINs until the terminal locks itself.
    for (let attempt = 0; attempt < 5; attempt += 1)
      await terminal.call('POST', '/api/session', { pin: `000${attempt}` });
    expect((await terminal.call('POST', '/api/session', { pin: CASHIER_PIN })).body.code).toBe('pin-locked');
    // The sales reach the service.
    await expect
      .poll(async () => (await terminal.call('GET', '/api/state')).body.queued, { timeout: 20_000 })
      .toBe(0);

    // A terminal with a token the service does not know says so in its log.
    const strayToken = `zt_${randomBytes(32).toString('hex')}.counter-2`;
    tokens.push(strayToken);
    const straySettings = await counterSettings(service.url, strayToken, 'counter-2', printer);
    const { token: _stray, ...strayFile } = straySettings;
    strayTerminal = await terminalProcess(
      { ...strayFile, port: await freePort(), syncIntervalMs: 60_000 },
      strayToken,
    );
    await expect.poll(() => strayTerminal?.output() ?? '', { timeout: 20_000 }).toMatch(/401/);
    await strayTerminal.stop();
    await terminal.stop();
    await service.stop();

    const logs = `${service.output()}\n${terminal.output()}\n${strayTerminal.output()}`;
    // The logs are really captured: each process printed what it always prints.
    expect(service.output()).toMatch(/settlement service listening on/);
    expect(terminal.output()).toMatch(/cashier page/);
    expect(strayTerminal.output()).toMatch(/sync: 401 unauthenticated/);
    // The search finds what is there.
    expect(occurrences(logs, 'listening on')).toHaveLength(1);

    const leaks = {
      idNumbers: idNumbers.flatMap((value) => occurrences(logs, value)),
      tokens: tokens.flatMap((value) => occurrences(logs, value)),
      tokenSecrets: tokens.flatMap((value) =>
        occurrences(logs, value.replace(/^z[atu]_/, '').split('.')[0] as string),
      ),
      pins: [CASHIER_PIN, MANAGER_PIN].flatMap((pin) => pinMentions(logs, pin)),
      pinHashes: pinHashes.flatMap((value) => occurrences(logs, value.split(':')[2] as string)),
    };
    expect(leaks).toEqual({ idNumbers: [], tokens: [], tokenSecrets: [], pins: [], pinHashes: [] });
  });
});
