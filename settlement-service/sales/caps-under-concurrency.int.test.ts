import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bureau, saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

describe('the daily cap under concurrent taps of one card', () => {
  let service: TestService;
  let bureau: Bureau;
  beforeAll(async () => {
    service = await startTestService();
    bureau = await setUpBureau(service);
  });
  afterAll(async () => {
    await service.close();
  });

  it('subsidises exactly one of many sales fired at once from terminals in two canteens', async () => {
    const terminals = [bureau.tokens.t1, bureau.tokens.t2, bureau.tokens.t3];
    for (const day of ['2026-10-13', '2026-10-14', '2026-10-15']) {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, n) =>
          service.call(
            'POST',
            '/api/v1/sales',
            terminals[n % terminals.length] ?? '',
            saleBody({ occurredAt: `${day}T12:00:0${n % 10}+08:00` }),
          ),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(201));
      const subsidised = answers.filter((answer) => answer.body.subsidyFen > 0);
      expect(subsidised).toHaveLength(1);
      const refused = answers.filter((answer) => answer.body.subsidyFen === 0);
      expect(refused.every((answer) => answer.body.reason.code === 'cap-day')).toBe(true);
    }
  });
});
