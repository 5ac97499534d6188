import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bureau, saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

describe('bad sales get a clear 4xx and leave no event behind', () => {
  let service: TestService;
  let bureau: Bureau;
  beforeAll(async () => {
    service = await startTestService();
    bureau = await setUpBureau(service);
  });
  afterAll(async () => {
    await service.close();
  });

  const cases: [string, () => Record<string, unknown>, number, string, string?][] = [
    ['an unknown card', () => saleBody({ cardUid: 'NO-SUCH-CARD' }), 422, 'card-unknown', 'cardUid'],
    [
      'an unknown menu item',
      () => saleBody({ items: [{ itemId: 'caviar', qty: 1 }] }),
      422,
      'item-unknown',
      'items[0].itemId',
    ],
    [
      'a negative quantity',
      () => saleBody({ items: [{ itemId: 'set-a', qty: -1 }] }),
      400,
      'invalid-body',
      'items[0].qty',
    ],
    [
      'a fractional quantity',
      () => saleBody({ items: [{ itemId: 'set-a', qty: 1.5 }] }),
      400,
      'invalid-body',
      'items[0].qty',
    ],
    ['a malformed sale id', () => saleBody({ saleId: 'not-a-uuid' }), 400, 'invalid-body', 'saleId'],
    [
      'a time without offset',
      () => saleBody({ occurredAt: '2026-10-08T12:00:00' }),
      400,
      'invalid-body',
      'occurredAt',
    ],
    ['an unknown channel', () => saleBody({ channel: 'drive-through' }), 400, 'invalid-body', 'channel'],
    [
      'a sale time in the future',
      () => saleBody({ occurredAt: new Date(Date.now() + 3_600_000).toISOString() }),
      422,
      'clock-skew',
      'occurredAt',
    ],
    [
      'a terminal clock hours off',
      () => saleBody({ sentAt: new Date(Date.now() - 3 * 3_600_000).toISOString() }),
      422,
      'clock-skew',
      'sentAt',
    ],
    [
      'an offline sale without its applied subsidy',
      () => saleBody({ offline: true }),
      400,
      'invalid-body',
      'appliedSubsidyFen',
    ],
    [
      'an applied subsidy above the price',
      () => saleBody({ offline: true, appliedSubsidyFen: 99_999 }),
      400,
      'invalid-body',
      'appliedSubsidyFen',
    ],
    ['an unknown field', () => ({ ...saleBody(), discount: 5 }), 400, 'invalid-body', 'discount'],
  ];

  it.each(cases)('refuses %s', async (_name, body, status, code, field) => {
    const before = await service.eventCount();
    const answer = await service.call('POST', '/api/v1/sales', bureau.tokens.t1, body());
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ status, code });
    if (field)
      expect(answer.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
    expect(await service.eventCount()).toBe(before);
  });

  it('refuses a 10 MB body with 413 and a wrong content type with 415', async () => {
    const before = await service.eventCount();
    const huge = await fetch(`${service.url}/api/v1/sales`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bureau.tokens.t1}` },
      body: JSON.stringify({ ...saleBody(), padding: 'x'.repeat(10 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: 'body-too-large' });
    const text = await fetch(`${service.url}/api/v1/sales`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${bureau.tokens.t1}` },
      body: JSON.stringify(saleBody()),
    });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ code: 'unsupported-media-type' });
    const malformed = await fetch(`${service.url}/api/v1/sales`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bureau.tokens.t1}` },
      body: '{"saleId":',
    });
    expect(malformed.status).toBe(400);
    expect(await service.eventCount()).toBe(before);
  });
});
