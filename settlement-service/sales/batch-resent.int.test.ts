import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bureau, saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

/**
 * A terminal whose batch timed out sends its queue again, grown, while the first request is still
 * being decided: both load the elder at the same revision and record the same sales' decisions.
 */
describe('a batch sent again while the first is still running', () => {
  let service: TestService;
  let bureau: Bureau;
  beforeAll(async () => {
    service = await startTestService();
    bureau = await setUpBureau(service);
  });
  afterAll(async () => {
    await service?.close();
  });

  it('records every sale once and answers each request for every sale', async () => {
    for (const day of ['10', '11', '12', '13', '14', '15']) {
      const sales = ['11:00', '12:00', '12:30', '13:00'].map((time, n) =>
        saleBody({ terminalSeq: n + 1, occurredAt: `2026-10-${day}T${time}:00+08:00` }),
      );
      const before = await service.eventCount();
      const answers = await Promise.all(
        [2, 3, 4, 3].map((count) =>
          service.call('POST', '/api/v1/sales/batch', bureau.tokens.t1, { sales: sales.slice(0, count) }),
        ),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        for (const result of answer.body.results)
          expect([200, 201], JSON.stringify(result)).toContain(result.status);
      }
      // Each sale answered alike in every request; one subsidised meal that day.
      const bySale = new Map<string, number>();
      for (const answer of answers) {
        for (const result of answer.body.results) {
          const subsidy = result.sale.subsidyFen as number;
          expect(bySale.get(result.saleId) ?? subsidy).toBe(subsidy);
          bySale.set(result.saleId, subsidy);
        }
      }
      expect([...bySale.values()].filter((fen) => fen > 0)).toHaveLength(1);
      // Four sales, each a decision and a sale event: nothing twice.
      expect((await service.eventCount()) - before).toBe(8);
    }
  });
});
