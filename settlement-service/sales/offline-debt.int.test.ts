import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleBody, setUpBureau, TEST_POLICY } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

/** `offlineExcess: elder-owes`: what an offline terminal over-applied is the elder's debt, told at the next sale. */
describe('an elder’s offline debt', () => {
  let service: TestService;
  let token: string;
  beforeAll(async () => {
    service = await startTestService();
    ({
      tokens: { t1: token },
    } = await setUpBureau(service));
    const owes = {
      ...TEST_POLICY,
      policyId: 'owes-2026',
      effectiveFrom: '2026-11-01',
      supersedes: 'test-2026',
      offlineExcess: 'elder-owes',
    };
    const stored = await service.call('PUT', '/api/v1/policies/owes-2026', service.adminToken, owes);
    expect(stored.status, JSON.stringify(stored.body)).toBe(201);
  });
  afterAll(async () => {
    await service?.close();
  });

  const sell = async (body: Record<string, unknown>) => {
    const { status, body: answer } = await service.call('POST', '/api/v1/sales', token, body);
    expect(status, JSON.stringify(answer)).toBe(201);
    return answer;
  };
  const offlineDinner = (day: string) =>
    saleBody({ occurredAt: `2026-11-${day}T17:30:00+08:00`, offline: true, appliedSubsidyFen: 300 });

  it('is told at the next sale, and a voided sale’s debt is not', async () => {
    await sell(saleBody({ occurredAt: '2026-11-02T12:00:00+08:00' }));
    const first = offlineDinner('02');
    const second = offlineDinner('02');
    expect(await sell(first)).toMatchObject({ excluded: [{ reason: 'offline-over-cap', fen: 300 }] });
    await sell(second);
    const voided = await service.call('POST', `/api/v1/sales/${first.saleId}/void`, token, {
      reason: '未取餐',
    });
    expect(voided.status).toBe(200);

    const next = await sell(saleBody({ occurredAt: '2026-11-03T12:00:00+08:00' }));
    expect(next.notice).toMatchObject({ code: 'offline-debt', owedFen: 300 });
    // Told once: the sale after does not say it again.
    expect(await sell(saleBody({ occurredAt: '2026-11-04T12:00:00+08:00' }))).not.toHaveProperty('notice');
  });

  it('is not told at all when the only sale that owed it is voided', async () => {
    const owing = offlineDinner('05');
    await sell(saleBody({ occurredAt: '2026-11-05T12:00:00+08:00' }));
    await sell(owing);
    await service.call('POST', `/api/v1/sales/${owing.saleId}/void`, token, { reason: '未取餐' });
    expect(await sell(saleBody({ occurredAt: '2026-11-06T12:00:00+08:00' }))).not.toHaveProperty('notice');
  });
});
