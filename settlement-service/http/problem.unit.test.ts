import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import {
  isReadModelNotBuilt,
  isStoreUnavailable,
  problemHandler,
  STORE_RETRY_AFTER_SECONDS,
} from './problem.ts';

/** pg's errors carry the SQLSTATE in `code`; socket errors their errno name. */
const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

/** Just enough of a response (what `sendProblem` uses of Node's) to see what the handler answers. */
function recordingResponse() {
  const sent: { status?: number; headers: Record<string, string>; type?: string; body?: unknown } = {
    headers: {},
  };
  const response = {
    set statusCode(code: number) {
      sent.status = code;
    },
    setHeader(name: string, value: string) {
      if (name.toLowerCase() === 'content-type') sent.type = value;
      else sent.headers[name.toLowerCase()] = value;
    },
    end(body: string) {
      sent.body = JSON.parse(body);
    },
  };
  return { response: response as unknown as Response, sent };
}

describe('telling a database that went away from a failed request', () => {
  it.each([
    ['57P01 admin shutdown', withCode('57P01', 'terminating connection due to administrator command')],
    ['57P02 crash shutdown', withCode('57P02')],
    ['57P03 starting up', withCode('57P03', 'the database system is starting up')],
    ['08006 connection failure', withCode('08006')],
    ['refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['reset', withCode('ECONNRESET')],
    ['lost without a code', new Error('Connection terminated unexpectedly')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a broken client reused', new Error('Client has encountered a connection error and is not queryable')],
    ['as the cause', new Error('reading the stream failed', { cause: withCode('ECONNREFUSED') })],
    ['inside an AggregateError', new AggregateError([withCode('ECONNREFUSED')], 'connect failed')],
  ])('%s: unavailable', (_name, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505')],
    ['a syntax error', withCode('42601')],
    ['a plain bug', new TypeError('cannot read properties of undefined')],
    ['not an error', 'Connection terminated'],
    ['nothing', undefined],
  ])('%s: not unavailable', (_name, error) => {
    expect(isStoreUnavailable(error)).toBe(false);
  });

  it('answers 503 unavailable with Retry-After, and logs nothing', () => {
    const logged: string[] = [];
    const { response, sent } = recordingResponse();
    problemHandler((line) => logged.push(line))(
      new Error('Connection terminated unexpectedly'),
      {} as never,
      response,
      () => {},
    );
    expect(sent).toMatchObject({
      status: 503,
      type: 'application/problem+json; charset=utf-8',
      headers: { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) },
      body: { status: 503, code: 'unavailable', retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
    });
    expect(logged).toEqual([]);
  });

  it('answers a read model not built yet 503 unavailable, in Chinese, and logs nothing', () => {
    const notBuilt = withCode('42P01', 'relation "read_models.elders" does not exist');
    expect(isReadModelNotBuilt(notBuilt)).toBe(true);
    expect(isReadModelNotBuilt(withCode('42P01', 'relation "projections.generations" does not exist'))).toBe(
      false,
    );
    expect(isReadModelNotBuilt(withCode('42703', 'column "read_models.x" does not exist'))).toBe(false);
    const logged: string[] = [];
    const { response, sent } = recordingResponse();
    problemHandler((line) => logged.push(line))(notBuilt, {} as never, response, () => {});
    expect(sent).toMatchObject({
      status: 503,
      headers: { 'retry-after': String(STORE_RETRY_AFTER_SECONDS), 'content-language': 'zh-CN' },
      body: { code: 'unavailable', detail: '读取数据正在建立，请稍后重试' },
    });
    expect(logged).toEqual([]);
  });

  it('answers an unknown error 500 internal and logs it', () => {
    const logged: string[] = [];
    const { response, sent } = recordingResponse();
    problemHandler((line) => logged.push(line))(new Error('boom'), {} as never, response, () => {});
    expect(sent).toMatchObject({ status: 500, body: { code: 'internal' } });
    expect(sent.headers).toEqual({ 'content-language': 'zh-CN' });
    expect(logged).toHaveLength(1);
  });
});
