import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

/*
 * The service's clock moves one millisecond each time it is read, so every computation of a
 * provisional view carries its own `cutoff.at`: readers who share one computation see the same.
 */
describe('the provisional view of an open month', () => {
  let service: TestService;
  let tokens: Awaited<ReturnType<typeof setUpBureau>>['tokens'];
  let clock = Date.parse('2026-10-20T10:00:00+08:00');

  beforeAll(async () => {
    service = await startTestService({ now: () => clock++ });
    tokens = (await setUpBureau(service)).tokens;
    for (let n = 0; n < 30; n++) {
      const day = String(1 + (n % 19)).padStart(2, '0');
      const body = saleBody({ terminalSeq: n + 1, occurredAt: `2026-10-${day}T12:00:00+08:00` });
      expect((await service.call('POST', '/api/v1/sales', tokens.t1, body)).status).toBe(201);
    }
  });
  afterAll(() => service?.close());

  const view = () => service.call('GET', '/api/v1/settlements/2026-10', service.adminToken);

  it('is computed once for readers asking at the same time, and again only after new sales', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, view));
    for (const answer of answers) expect(answer.status).toBe(200);
    const [first] = answers;
    expect(first?.body.totals.mealsSold).toBe(30);
    for (const answer of answers) expect(answer.body).toEqual(first?.body);

    expect((await view()).body).toEqual(first?.body);

    const body = saleBody({ terminalSeq: 99, occurredAt: '2026-10-19T17:30:00+08:00', cardUid: undefined });
    expect((await service.call('POST', '/api/v1/sales', tokens.t2, body)).status).toBe(201);
    const after = await view();
    expect(after.body.totals.mealsSold).toBe(31);
    expect(Date.parse(after.body.cutoff.at)).toBeGreaterThan(Date.parse(first?.body.cutoff.at));
  });
});
