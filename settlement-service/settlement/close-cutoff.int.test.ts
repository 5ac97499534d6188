import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

/*
 * A close asked for as soon as the last sale of a burst was answered, while another transaction that
 * began before the burst is still open (as a projection's page or a slow append can be): the close
 * must hold every answered sale, or say it cannot cut yet and record nothing.
 */
describe('closing right after a burst of sales, with another transaction open', () => {
  let service: TestService;
  let tokens: Awaited<ReturnType<typeof setUpBureau>>['tokens'];

  beforeAll(async () => {
    service = await startTestService({
      now: () => Date.parse('2026-11-03T10:00:00+08:00'),
      cutoffWaitMs: 1_500,
    });
    tokens = (await setUpBureau(service)).tokens;
    service.projections.start();
  });
  afterAll(() => service?.close());

  /** A transaction that has written (it holds a transaction id) and stays open until released. */
  const holdOpenTransaction = async () => {
    const client = await service.database.pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT pg_current_xact_id()');
    return async () => {
      await client.query('ROLLBACK');
      client.release();
    };
  };
  const burst = async (month: string, count: number) => {
    const terminals = [tokens.t1, tokens.t2, tokens.t3];
    const answers = await Promise.all(
      Array.from({ length: count }, (_, n) =>
        service.call(
          'POST',
          '/api/v1/sales',
          terminals[n % 3] ?? '',
          saleBody({
            terminalSeq: 1000 + n,
            occurredAt: `${month}-${String(1 + (n % 28)).padStart(2, '0')}T12:00:00+08:00`,
            ...(n % 2 === 0 ? { cardUid: undefined } : {}),
          }),
        ),
      ),
    );
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answers.length;
  };

  it('holds every sale answered before the close, once the open transaction ends', async () => {
    const release = await holdOpenTransaction();
    const sold = await burst('2026-09', 60);
    const closing = service.call('POST', '/api/v1/settlements/2026-09/close', service.adminToken);
    setTimeout(() => void release(), 300);
    const closed = await closing;
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.totals.mealsSold).toBe(sold);
    const october = await service.call('GET', '/api/v1/settlements/2026-10', service.adminToken);
    expect(october.body.totals.adjustmentsFen).toBe(0);
    expect(october.body.canteens).toEqual([]);
  });

  it('answers 503 cut-off-unavailable and records nothing while the transaction stays open', async () => {
    const release = await holdOpenTransaction();
    try {
      await burst('2026-10', 9);
      const before = await service.eventCount();
      const refused = await service.call('POST', '/api/v1/settlements/2026-10/close', service.adminToken);
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('cut-off-unavailable');
      expect(await service.eventCount()).toBe(before);
    } finally {
      await release();
    }
    const closed = await service.call('POST', '/api/v1/settlements/2026-10/close', service.adminToken);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.totals.mealsSold).toBe(9);
  });
});
