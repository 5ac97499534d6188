import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASHIER_PIN, counterSettings } from '../../testkit/counter-bureau.ts';
import { type RunningApp, serve } from '../../testkit/http.ts';
import { freePort } from '../../testkit/service-process.ts';
import { rawExchange } from '../../tests/support/raw-http.ts';
import { type FakePrinter, startFakePrinter } from '../receipts/testing/fake-printer.ts';
import { type RunningTerminal, startTerminal } from '../terminal.ts';
import { jsonBody, TERMINAL_BODY_LIMIT_BYTES } from './json-body.ts';

const headOf = (pathname: string, ...headers: string[]) =>
  [`POST ${pathname} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', ...headers, '', ''].join(
    '\r\n',
  );

/** Every endpoint of the counter's local API that reads a body, with a body it would accept. */
const BODY_ENDPOINTS: [string, Record<string, unknown>][] = [
  ['/api/session', { pin: CASHIER_PIN }],
  ['/api/taps', { cardUid: 'K0000001' }],
  ['/api/quote', { cardUid: 'K0000001', items: [{ itemId: 'set-a', qty: 1 }] }],
  ['/api/sales', { quoteId: crypto.randomUUID(), paymentMethod: 'cash' }],
  [`/api/sales/${crypto.randomUUID()}/void`, { managerPin: CASHIER_PIN, reason: '点错' }],
];

describe('request bodies at the counter terminal', () => {
  let printer: FakePrinter;
  let terminal: RunningTerminal;
  let slow: RunningApp;

  beforeAll(async () => {
    printer = await startFakePrinter();
    // No service: bodies are refused before anything would reach it.
    const serviceUrl = `http://127.0.0.1:${await freePort()}`;
    terminal = await startTerminal(
      await counterSettings(serviceUrl, 'zt_unused.counter-1', 'counter-1', printer),
    );
    const app = express();
    app.use(jsonBody({ timeoutMs: 300 }));
    app.post('/echo', (request, response) => response.json(request.body ?? null));
    app.use(((error, _request, response, _next) =>
      response.status(error.status).json({ code: error.code })) as express.ErrorRequestHandler);
    slow = await serve(app);
  });
  afterAll(async () => {
    await slow?.close();
    await terminal?.close();
    await printer?.close();
  });

  it('refuses an oversized body at every endpoint that reads one with 413, doing nothing', async () => {
    const before = terminal.counter.state();
    for (const [pathname, body] of BODY_ENDPOINTS) {
      const padded = JSON.stringify({ ...body, padding: 'x'.repeat(TERMINAL_BODY_LIMIT_BYTES) });
      const answer = await fetch(`${terminal.url}${pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: padded,
      });
      expect(answer.status, pathname).toBe(413);
      expect(answer.headers.get('content-type'), pathname).toMatch(/^application\/problem\+json/);
      expect(await answer.json(), pathname).toMatchObject({ status: 413, code: 'body-too-large' });
    }
    // Not signed in by the PIN that came with padding, no quote, no sale, nothing queued.
    expect(terminal.counter.state()).toEqual(before);
    expect(terminal.counter.recentSales()).toEqual([]);
  });

  it('answers a body announced too large at once and closes instead of reading it', async () => {
    // Only 64 kB of the announced 10 MB are ever sent.
    const answer = await rawExchange(
      terminal.url,
      headOf('/api/session', `Content-Length: ${10 * 1024 * 1024}`),
      Buffer.alloc(64 * 1024, 'x'),
    );

    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain('"code":"body-too-large"');
  });

  it('stops reading a chunked body that never ends at the limit and closes', async () => {
    const chunk = `4000\r\n${'x'.repeat(0x4000)}\r\n`;
    const answer = await rawExchange(
      terminal.url,
      headOf('/api/quote', 'Transfer-Encoding: chunked'),
      `${chunk}${chunk}`,
    );

    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"code":"body-too-large"');
  });

  it('refuses a body that is not UTF-8 JSON with 415, and malformed JSON with 400', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${terminal.url}/api/session`, { method: 'POST', headers, body });
    const answers = [
      await post({ 'content-type': 'text/plain' }, JSON.stringify({ pin: CASHIER_PIN })),
      await post({ 'content-type': 'application/x-www-form-urlencoded' }, `pin=${CASHIER_PIN}`),
      await post({ 'content-type': 'application/json; charset=gbk' }, '{}'),
      await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, '{}'),
      await post({ 'content-type': 'application/json' }, `{"pin":"${CASHIER_PIN}"`),
    ];

    expect(answers.map((answer) => answer.status)).toEqual([415, 415, 415, 415, 400]);
    expect(terminal.counter.state().cashier).toBeNull();
  });

  it('gives up on a body that trickles in, and closes', async () => {
    const answer = await rawExchange(slow.url, headOf('/echo', 'Content-Length: 20'), '{"a":', 1_000);

    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"body-timeout"');
  });

  it('reads a body sent in time, and a request without one', async () => {
    const echo = (body?: string) =>
      fetch(`${slow.url}/echo`, {
        method: 'POST',
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body }),
      }).then((answer) => answer.json());

    expect(await echo('{"pin":"1234"}')).toEqual({ pin: '1234' });
    expect(await echo()).toBeNull();
  });
});
