import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, serve } from '../../testkit/http.ts';
import { rawExchange } from '../../tests/support/raw-http.ts';
import { sampleApp } from './sample-routes.fixture.ts';

const TEN_MB = 10 * 1024 * 1024;
const voidPath = '/api/v1/sales/8d0f4f52-3b7a-4a43-9a55-6f1f1d1c2b3a/void';

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = await response.json();
  expect(problem).toMatchObject({ status, code });
  return problem as { detail: string };
}

describe('JSON request bodies', () => {
  let running: RunningApp;
  let smallLimit: RunningApp;
  let impatient: RunningApp;

  beforeAll(async () => {
    running = await serve(sampleApp().app);
    smallLimit = await serve(sampleApp({ limitBytes: 200 }).app);
    impatient = await serve(sampleApp({ timeoutMs: 300 }).app);
  });
  afterAll(async () => {
    await running.close();
    await smallLimit.close();
    await impatient.close();
  });

  const post = (body: RequestInit['body'], headers: Record<string, string>, on = running) =>
    fetch(`${on.url}${voidPath}`, { method: 'POST', headers: { 'accept-language': 'en', ...headers }, body });

  it('accepts application/json with a utf-8 charset', async () => {
    const response = await post(JSON.stringify({ reason: '菜品错误' }), {
      'content-type': 'application/json; charset=UTF-8',
    });

    expect(response.status).toBe(200);
  });

  it('refuses a body that is not JSON with 415', async () => {
    await expectProblem(
      await post('reason=x', { 'content-type': 'text/plain' }),
      415,
      'unsupported-media-type',
    );
    await expectProblem(
      await post(new Blob(['{"reason":"x"}']), { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'unsupported-media-type',
    );
  });

  it('refuses a body without a content type with 415', async () => {
    // A Blob without a type makes fetch send no Content-Type at all.
    const response = await post(new Blob(['{"reason":"x"}']), {});

    await expectProblem(response, 415, 'unsupported-media-type');
  });

  it('refuses JSON in another charset or content encoding with 415', async () => {
    const latin = await post('{"reason":"x"}', { 'content-type': 'application/json; charset=iso-8859-1' });
    await expectProblem(latin, 415, 'unsupported-media-type');

    const zipped = await post('{"reason":"x"}', {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    await expectProblem(zipped, 415, 'unsupported-media-type');
  });

  it('refuses a 10 MB body with 413', async () => {
    const huge = JSON.stringify({ reason: 'x'.repeat(TEN_MB) });
    const problem = await expectProblem(
      await post(huge, { 'content-type': 'application/json' }),
      413,
      'body-too-large',
    );

    expect(problem.detail).toMatch(/1048576 bytes/);
  });

  it('refuses a 10 MB chunked body, which announces no length, with 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < TEN_MB / chunk.length) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${running.url}${voidPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);

    await expectProblem(response, 413, 'body-too-large');
  });

  it('answers an oversized body at once and closes the connection instead of reading on', async () => {
    const headers = [
      `POST ${voidPath} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      `Content-Length: ${TEN_MB}`,
      '',
      '',
    ].join('\r\n');
    // Only the first 64 kB of the announced 10 MB are ever sent.
    const answer = await rawExchange(running.url, headers, Buffer.alloc(64 * 1024, 'x'));

    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain('"code":"body-too-large"');
  });

  it('stops reading a chunked body at the limit and closes the connection', async () => {
    const headers = [
      `POST ${voidPath} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      'Transfer-Encoding: chunked',
      '',
      '',
    ].join('\r\n');
    // 300 bytes of a body that never ends, against a 200-byte limit.
    const chunk = Buffer.from(`12c\r\n${'x'.repeat(300)}\r\n`);
    const answer = await rawExchange(smallLimit.url, headers, chunk);

    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"code":"body-too-large"');
  });

  it('gives up on a body that trickles in with 408 and closes the connection', async () => {
    const headers = [
      `POST ${voidPath} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      'Content-Length: 20',
      '',
      '',
    ].join('\r\n');
    // 5 of the 20 bytes announced, and then nothing.
    const answer = await rawExchange(impatient.url, headers, Buffer.from('{"rea'));

    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain('"code":"body-timeout"');
  });

  it('keeps serving after refusing a large body', async () => {
    await post('x'.repeat(2 * 1024 * 1024), { 'content-type': 'application/json' });
    const response = await post(JSON.stringify({ reason: 'again' }), { 'content-type': 'application/json' });

    expect(response.status).toBe(200);
  });

  it('takes the limit from its setting, bytes up to it included', async () => {
    const bodyOf = (totalBytes: number) => JSON.stringify({ reason: 'x'.repeat(totalBytes - 13) });
    expect(bodyOf(200)).toHaveLength(200);

    const atLimit = await post(bodyOf(200), { 'content-type': 'application/json' }, smallLimit);
    expect(atLimit.status).toBe(200);

    const overLimit = await post(bodyOf(201), { 'content-type': 'application/json' }, smallLimit);
    await expectProblem(overLimit, 413, 'body-too-large');
  });

  it('refuses malformed JSON with 400 invalid-body', async () => {
    const problem = await expectProblem(
      await post('{"reason": "x",', { 'content-type': 'application/json' }),
      400,
      'invalid-body',
    );

    expect(problem.detail).toMatch(/not valid JSON/);
  });

  it('refuses a body that is not UTF-8 with 400 invalid-body', async () => {
    const latin1 = Buffer.from([0x7b, 0x22, 0x72, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]);
    const problem = await expectProblem(
      await post(latin1, { 'content-type': 'application/json' }),
      400,
      'invalid-body',
    );

    expect(problem.detail).toMatch(/UTF-8/);
  });

  it('treats an empty JSON body as missing', async () => {
    const problem = await expectProblem(
      await post('', { 'content-type': 'application/json' }),
      400,
      'invalid-body',
    );

    expect(problem.detail).toMatch(/^body: .*expected object/);
  });
});
