import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningApp, serve } from '../../testkit/http.ts';
import { type ReceivedInput, sampleApp } from './sample-routes.fixture.ts';

const validSale = () => ({
  saleId: randomUUID(),
  terminalSeq: 7,
  occurredAt: '2026-10-08T11:32:05+08:00',
  channel: 'dine-in',
  items: [{ itemId: 'braised-pork', qty: 2 }, { itemId: 'rice' }],
});

const validPolicy = {
  policyId: 'city-2026',
  name: '2026 城市助餐补贴',
  effectiveFrom: '2026-01-01',
  rules: [
    { ruleId: 'over-80', benefit: { kind: 'fixed', fen: 300 }, funding: [{ source: 'city', rest: true }] },
  ],
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
};

describe('declared routes over HTTP', () => {
  let running: RunningApp;
  let received: ReceivedInput[];

  beforeAll(async () => {
    const sample = sampleApp();
    received = sample.received;
    running = await serve(sample.app);
  });
  afterAll(() => running.close());
  beforeEach(() => {
    received.length = 0;
  });

  // The refusals' English words are asserted below; those in Chinese have their own tests.
  const send = (method: string, path: string, body?: unknown, language = 'en') =>
    fetch(`${running.url}${path}`, {
      method,
      headers: {
        'accept-language': language,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  /** Sends the body and expects a 400 problem; answers its field paths. */
  async function refusedFields(path: string, body: unknown, code = 'invalid-body') {
    const response = await send('POST', path, body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await response.json();
    expect(problem).toMatchObject({ status: 400, code });
    expect(received).toEqual([]);
    return problem as { detail: string; errors: { path: string; message: string }[] };
  }

  it('hands the handler the parsed body with its defaults filled', async () => {
    const sale = validSale();
    const response = await send('POST', '/api/v1/sales', sale);

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      saleId: sale.saleId,
      status: 'recorded',
      lines: [
        { itemId: 'braised-pork', qty: 2 },
        { itemId: 'rice', qty: 1 },
      ],
    });
    expect(received).toEqual([
      {
        params: {},
        query: {},
        body: { ...sale, items: [sale.items[0], { itemId: 'rice', qty: 1 }], offline: false },
      },
    ]);
  });

  it('hands the handler the parsed path parameters', async () => {
    const saleId = randomUUID();
    const response = await send('POST', `/api/v1/sales/${saleId}/void`, { reason: 'wrong dish' });

    expect(response.status).toBe(200);
    expect(received).toEqual([{ params: { saleId }, query: {}, body: { reason: 'wrong dish' } }]);
  });

  it('coerces and defaults query values', async () => {
    const limited = await send('GET', '/api/v1/elders/e-1/ledger?month=2026-09&limit=20');
    expect(await limited.json()).toEqual({ elderId: 'e-1', month: '2026-09', limit: 20 });

    const defaulted = await send('GET', '/api/v1/elders/e-1/ledger?month=2026-09');
    expect(await defaulted.json()).toEqual({ elderId: 'e-1', month: '2026-09', limit: 50 });
  });

  it('serves a route without a body schema to a POST without a body', async () => {
    const response = await send('POST', '/api/v1/settlements/2026-09/close');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ month: '2026-09', status: 'closed' });
  });

  it('names a missing field', async () => {
    const { items: _items, ...withoutItems } = validSale();
    const problem = await refusedFields('/api/v1/sales', withoutItems);

    expect(problem.errors).toEqual([{ path: 'items', message: expect.stringMatching(/expected array/) }]);
    expect(problem.detail).toMatch(/^items: /);
  });

  it('names a field of the wrong type', async () => {
    const problem = await refusedFields('/api/v1/sales', { ...validSale(), terminalSeq: '7' });

    expect(problem.errors.map((error) => error.path)).toEqual(['terminalSeq']);
    expect(problem.errors[0]?.message).toMatch(/expected number, received string/);
  });

  it('names a value outside an enum', async () => {
    const problem = await refusedFields('/api/v1/sales', { ...validSale(), channel: 'takeaway' });

    expect(problem.errors).toEqual([
      { path: 'channel', message: expect.stringMatching(/dine-in.*delivery/) },
    ]);
  });

  it('names a bad UUID in the body', async () => {
    const problem = await refusedFields('/api/v1/sales', { ...validSale(), saleId: 'sale-1' });

    expect(problem.errors).toEqual([{ path: 'saleId', message: expect.stringMatching(/UUID/i) }]);
  });

  it('names a bad UUID in the path as invalid-params', async () => {
    const problem = await refusedFields('/api/v1/sales/sale-1/void', { reason: 'x' }, 'invalid-params');

    expect(problem.errors.map((error) => error.path)).toEqual(['saleId']);
    expect(problem.detail).toMatch(/^saleId: /);
  });

  it('names the path when a path parameter is not percent-encoded right (a stray %)', async () => {
    const problem = await refusedFields('/api/v1/sales/%/void', { reason: 'x' }, 'invalid-params');

    expect(problem.errors).toEqual([{ path: 'params', message: 'not valid percent-encoded UTF-8' }]);
  });

  it('names the field of an array item with its index', async () => {
    const sale = validSale();
    const problem = await refusedFields('/api/v1/sales', {
      ...sale,
      items: [{ itemId: 'rice' }, { itemId: 'soup', qty: 0 }],
    });

    expect(problem.errors.map((error) => error.path)).toEqual(['items[1].qty']);
    expect(problem.detail).toMatch(/^items\[1\]\.qty: /);
  });

  it('names an unknown field of a strict object', async () => {
    const problem = await refusedFields('/api/v1/sales', {
      ...validSale(),
      items: [{ itemId: 'rice', colour: 'white' }],
    });

    expect(problem.errors).toEqual([{ path: 'items[0].colour', message: 'unknown field' }]);
  });

  it('lists every refused field and details the first', async () => {
    const problem = await refusedFields('/api/v1/sales', {
      ...validSale(),
      occurredAt: '2026-10-08T11:32:05',
      channel: 'takeaway',
      items: [{ itemId: '', qty: 1.5 }],
    });

    expect(problem.errors.map((error) => error.path)).toEqual([
      'occurredAt',
      'channel',
      'items[0].itemId',
      'items[0].qty',
    ]);
    expect(problem.detail).toMatch(/^occurredAt: /);
  });

  it('names the field of a nested policy rule', async () => {
    const accepted = await send('PUT', '/api/v1/policies/city-2026', validPolicy);
    expect(accepted.status).toBe(201);
    expect(received).toMatchObject([
      { params: { policyId: 'city-2026' }, body: { caps: [], elderMinPayFen: 0 } },
    ]);
    received.length = 0;

    const [rule] = validPolicy.rules;
    const response = await send('PUT', '/api/v1/policies/city-2026', {
      ...validPolicy,
      rules: [{ ...rule, funding: [] }],
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((error) => error.path)).toEqual(['rules[0].funding']);
  });

  it('names a refused query value as invalid-query', async () => {
    const response = await send('GET', '/api/v1/elders/e-1/ledger?month=2026-13');

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'invalid-query',
      detail: 'month: expected a month YYYY-MM',
      errors: [{ path: 'month', message: 'expected a month YYYY-MM' }],
    });
  });

  it('answers a problem the handler throws', async () => {
    const response = await send('POST', '/api/v1/sales', { ...validSale(), cardUid: 'CARD-UNKNOWN' });

    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'card-unknown', title: 'Unknown card', status: 422 });
  });

  it('answers an unknown route, or a known path with another method, with a 404 problem', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nothing-here'],
      ['DELETE', '/api/v1/sales'],
    ] as const) {
      const response = await send(method, path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ status: 404, code: 'not-found' });
    }
  });

  describe('in the language the client asks for', () => {
    const withoutItems = () => {
      const { items: _items, ...rest } = validSale();
      return rest;
    };
    const refused = async (language: string | undefined) => {
      const response = await fetch(`${running.url}/api/v1/sales`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(language === undefined ? {} : { 'accept-language': language }),
        },
        body: JSON.stringify({ ...withoutItems(), terminalSeq: '7', extra: 1 }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: unknown[] } & Record<string, unknown>;
      return { language: response.headers.get('content-language'), body };
    };

    it('answers in Chinese when the client names no language, with the same type, status and code', async () => {
      const { language, body } = await refused(undefined);

      expect(language).toBe('zh-CN');
      expect(body).toMatchObject({
        type: 'https://zhucan.invalid/problems/invalid-body',
        title: '请求内容有误',
        status: 400,
        code: 'invalid-body',
        detail: 'terminalSeq: 应为数字',
      });
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { path: 'terminalSeq', message: '应为数字' },
          { path: 'items', message: '必填' },
          { path: 'extra', message: '未知字段' },
        ]),
      );
    });

    it('answers in English when the client asks for it', async () => {
      const { language, body } = await refused('en');

      expect(language).toBe('en');
      expect(body).toMatchObject({
        title: 'Invalid body',
        code: 'invalid-body',
        detail: 'terminalSeq: Invalid input: expected number, received string',
      });
      expect(body.errors).toContainEqual({ path: 'extra', message: 'unknown field' });
    });

    it.each([
      ['en-US,en;q=0.9', 'en', 'Invalid body'],
      ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN', '请求内容有误'],
      ['fr-FR,en;q=0.5', 'en', 'Invalid body'],
      ['zh;q=0.3,en-GB;q=0.7', 'en', 'Invalid body'],
      ['de', 'zh-CN', '请求内容有误'],
    ])('reads the quality list %s as %s', async (header, expected, title) => {
      const { language, body } = await refused(header);

      expect(language).toBe(expected);
      expect(body).toMatchObject({ status: 400, code: 'invalid-body', title });
    });

    it('words the schemas own messages and an unknown route in Chinese', async () => {
      const query = await fetch(`${running.url}/api/v1/elders/e-1/ledger?month=2026-13`);
      expect(await query.json()).toMatchObject({
        code: 'invalid-query',
        title: '查询参数有误',
        detail: 'month: 应为月份 YYYY-MM',
      });
      const nowhere = await fetch(`${running.url}/api/v1/nothing-here`);
      expect(await nowhere.json()).toMatchObject({
        code: 'not-found',
        title: '未找到',
        detail: '没有这个地址：GET /api/v1/nothing-here',
      });
    });
  });
});
