import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bureau, saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

describe('selling meals over HTTP', () => {
  let service: TestService;
  let bureau: Bureau;
  beforeAll(async () => {
    service = await startTestService();
    bureau = await setUpBureau(service);
  });
  afterAll(async () => {
    await service.close();
  });

  const sell = (token: string, body: unknown) => service.call('POST', '/api/v1/sales', token, body);

  it('subsidises an 80+ elder at the canteen in their district, split by funding source', async () => {
    const { status, body } = await sell(
      bureau.tokens.t1,
      saleBody({
        items: [
          { itemId: 'set-a', qty: 1 },
          { itemId: 'soup', qty: 1 },
        ],
      }),
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({
      status: 'recorded',
      businessDate: '2026-10-08',
      period: 'lunch',
      totalFen: 1400,
      subsidyFen: 300,
      elderPaysFen: 1100,
      lines: [
        {
          ruleId: 'age-80',
          fen: 300,
          funding: [
            { source: 'city-welfare-lottery', fen: 180 },
            { source: 'district-finance', fen: 120 },
          ],
        },
      ],
      elder: { maskedName: '张*明' },
    });
  });

  it('loses the district part in another district, and says why when a second meal that day gets nothing', async () => {
    const elsewhere = await sell(bureau.tokens.t3, saleBody({ occurredAt: '2026-10-09T12:00:00+08:00' }));
    expect(elsewhere.body).toMatchObject({
      subsidyFen: 180,
      lines: [{ fen: 180, funding: [{ source: 'city-welfare-lottery', fen: 180 }] }],
    });

    const second = await sell(bureau.tokens.t1, saleBody({ occurredAt: '2026-10-09T17:30:00+08:00' }));
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({
      subsidyFen: 0,
      elderPaysFen: 1200,
      lines: [],
      reason: { code: 'cap-day', zh: expect.stringContaining('今日') },
    });
  });

  it('sells a guest meal at full price and an under-80 elder without subsidy, never naming a category', async () => {
    const guest = await sell(bureau.tokens.t1, saleBody({ cardUid: undefined }));
    expect(guest.body).toMatchObject({ totalFen: 1200, subsidyFen: 0, reason: { code: 'no-card' } });
    const young = await sell(bureau.tokens.t1, saleBody({ cardUid: 'K65' }));
    expect(young.body).toMatchObject({ subsidyFen: 0, reason: { code: 'not-eligible' } });
  });

  it('answers a repeated sale with the first answer and writes nothing; another body under its id is a conflict', async () => {
    const body = saleBody({ occurredAt: '2026-10-10T12:00:00+08:00', sentAt: new Date().toISOString() });
    const first = await sell(bureau.tokens.t1, body);
    const events = await service.eventCount();
    // The same sale: sentAt differs, occurredAt is the same instant written in UTC.
    const again = await sell(bureau.tokens.t1, {
      ...body,
      sentAt: new Date().toISOString(),
      occurredAt: '2026-10-10T04:00:00Z',
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const fromAnotherCanteen = await sell(bureau.tokens.t3, body);
    expect(fromAnotherCanteen).toMatchObject({ status: 409, body: { code: 'sale-conflict' } });
    expect(JSON.stringify(fromAnotherCanteen.body)).not.toContain('maskedName');
    const conflict = await sell(bureau.tokens.t1, { ...body, items: [{ itemId: 'soup', qty: 1 }] });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: 'sale-conflict' });
    expect(await service.eventCount()).toBe(events);
  });

  it("refuses a repeat with another card without spending that card's elder's allowance", async () => {
    const original = saleBody({ cardUid: 'K65', occurredAt: '2026-10-17T12:00:00+08:00' });
    expect((await sell(bureau.tokens.t1, original)).status).toBe(201);
    const withOtherCard = await sell(bureau.tokens.t1, { ...original, cardUid: 'K80' });
    expect(withOtherCard).toMatchObject({ status: 409, body: { code: 'sale-conflict' } });
    const k80Lunch = await sell(bureau.tokens.t1, saleBody({ occurredAt: '2026-10-17T12:30:00+08:00' }));
    expect(k80Lunch.body.subsidyFen).toBe(300);
  });

  it('replaces a lost card: the old card stops working from the replacement, history stays', async () => {
    const before = await sell(
      bureau.tokens.t1,
      saleBody({ cardUid: 'K65', occurredAt: '2026-10-11T12:00:00+08:00' }),
    );
    expect(before.status).toBe(201);
    const bound = await service.call('POST', '/api/v1/elders/e65/cards', service.adminToken, {
      cardUid: 'K65-NEW',
      from: '2026-10-12T00:00:00+08:00',
    });
    expect(bound.status).toBe(201);
    const withOld = await sell(
      bureau.tokens.t1,
      saleBody({ cardUid: 'K65', occurredAt: '2026-10-12T12:00:00+08:00' }),
    );
    expect(withOld.body).toMatchObject({
      subsidyFen: 0,
      reason: { code: 'card-retired', zh: expect.stringContaining('卡已挂失') },
    });
    const taken = await service.call('POST', '/api/v1/elders/e80/cards', service.adminToken, {
      cardUid: 'K65-NEW',
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'card-taken' });
  });

  it('gives no subsidy for meals after the date of death', async () => {
    const died = await service.call('POST', '/api/v1/elders/e80/death', service.adminToken, {
      date: '2026-10-20',
    });
    expect(died.status).toBe(200);
    const onTheDay = await sell(bureau.tokens.t1, saleBody({ occurredAt: '2026-10-20T12:00:00+08:00' }));
    expect(onTheDay.body).toMatchObject({ subsidyFen: 300 });
    const after = await sell(bureau.tokens.t1, saleBody({ occurredAt: '2026-10-21T12:00:00+08:00' }));
    expect(after.body).toMatchObject({ subsidyFen: 0, reason: { code: 'elder-deceased' } });
  });

  it('reconciles an offline sale: the applied subsidy stands for the elder, the over-cap part is not reimbursed', async () => {
    const online = await sell(bureau.tokens.t1, saleBody({ occurredAt: '2026-10-16T12:00:00+08:00' }));
    expect(online.body.subsidyFen).toBe(300);
    const offline = await sell(
      bureau.tokens.t2,
      saleBody({ occurredAt: '2026-10-16T12:05:00+08:00', offline: true, appliedSubsidyFen: 300 }),
    );
    expect(offline.status).toBe(201);
    expect(offline.body).toMatchObject({
      subsidyFen: 300,
      elderPaysFen: 900,
      lines: [],
      excluded: [{ reason: 'offline-over-cap', fen: 300 }],
    });
  });

  it('voids a sale once; its subsidy stops counting for later meals', async () => {
    const body = saleBody({ occurredAt: '2026-10-12T12:00:00+08:00' });
    expect((await sell(bureau.tokens.t1, body)).body.subsidyFen).toBe(300);
    const voided = await service.call('POST', `/api/v1/sales/${body.saleId}/void`, bureau.tokens.t2, {
      reason: '点错餐',
    });
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ saleId: body.saleId, status: 'voided' });
    const again = await service.call('POST', `/api/v1/sales/${body.saleId}/void`, service.adminToken, {
      reason: '点错餐',
    });
    expect(again.body).toMatchObject({ status: 'voided' });
    // The voided meal no longer counts: dinner that day is subsidised under the one-a-day cap.
    const dinner = await sell(bureau.tokens.t1, saleBody({ occurredAt: '2026-10-12T17:30:00+08:00' }));
    expect(dinner.body.subsidyFen).toBe(300);
    const otherCanteen = await service.call('POST', `/api/v1/sales/${body.saleId}/void`, bureau.tokens.t3, {
      reason: 'x',
    });
    expect(otherCanteen.status).toBe(403);
    const unknown = await service.call(
      'POST',
      `/api/v1/sales/${crypto.randomUUID()}/void`,
      service.adminToken,
      { reason: 'x' },
    );
    expect(unknown.status).toBe(404);
  });

  it("records when the void was made by the caller's clock, refusing a future one and one before the sale", async () => {
    const body = saleBody({ cardUid: undefined, occurredAt: '2026-10-13T12:00:00+08:00' });
    expect((await sell(bureau.tokens.t1, body)).status).toBe(201);
    const voidIt = (occurredAt: string | undefined, token = bureau.tokens.t1) =>
      service.call('POST', `/api/v1/sales/${body.saleId}/void`, token, { reason: '点错餐', occurredAt });
    const before = await service.eventCount();

    const future = await voidIt(new Date(Date.now() + 6 * 60_000).toISOString());
    expect(future.status).toBe(422);
    expect(future.body).toMatchObject({
      code: 'clock-skew',
      errors: [{ path: 'occurredAt' }],
    });
    const early = await voidIt('2026-10-13T11:59:59+08:00');
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'void-before-sale', errors: [{ path: 'occurredAt' }] });
    expect(await service.eventCount()).toBe(before);

    const recordedFrom = Date.now();
    const voided = await voidIt('2026-10-13T12:20:00+08:00');
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ saleId: body.saleId, status: 'voided' });
    const [, recorded] = await service.store.readStream(`sale-${body.saleId}`);
    expect(recorded?.type).toBe('SaleVoided');
    expect(recorded?.data).toMatchObject({
      saleId: body.saleId,
      reason: '点错餐',
      occurredAt: Date.parse('2026-10-13T12:20:00+08:00'),
    });
    // voidedAt still says when the service recorded it.
    expect((recorded?.data as { voidedAt?: number } | undefined)?.voidedAt).toBeGreaterThanOrEqual(
      recordedFrom,
    );

    // Voiding again answers the same whatever time it gives, and records nothing.
    const after = await service.eventCount();
    for (const again of [
      await voidIt('2026-10-13T11:00:00+08:00'),
      await voidIt(new Date(Date.now() + 86_400_000).toISOString(), service.adminToken),
      await voidIt(undefined),
    ]) {
      expect(again.status).toBe(200);
      expect(again.body).toEqual(voided.body);
    }
    expect(await service.eventCount()).toBe(after);
  });

  it('records no time of its own for a void that gives none', async () => {
    const body = saleBody({ cardUid: undefined, occurredAt: '2026-10-14T12:00:00+08:00' });
    await sell(bureau.tokens.t1, body);
    await service.call('POST', `/api/v1/sales/${body.saleId}/void`, bureau.tokens.t1, { reason: '退餐' });
    const [, recorded] = await service.store.readStream(`sale-${body.saleId}`);
    expect(recorded?.data).not.toHaveProperty('occurredAt');
  });
});
