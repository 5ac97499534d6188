import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../tests/support/service.ts';
import { MAX_FAILED_SIGN_INS } from './authenticate.ts';

/** Guessing tokens: an address that presents too many unknown tokens waits a minute (real HTTP). */
describe('failed sign-ins are limited per address', () => {
  let service: TestService;
  let clock = Date.parse('2026-10-20T12:00:00+08:00');
  beforeAll(async () => {
    service = await startTestService({ now: () => clock });
    await service.projections.catchUp();
  });
  afterAll(() => service?.close());

  it(`refuses with 429 after ${MAX_FAILED_SIGN_INS} unknown tokens in a minute, whatever the token, until the minute has passed`, async () => {
    // Requests without a token are not guesses and do not count.
    for (let n = 0; n < MAX_FAILED_SIGN_INS + 5; n += 1) {
      expect((await service.call('GET', '/api/v1/terminals', null)).status).toBe(401);
    }
    expect((await service.call('GET', '/api/v1/terminals', service.adminToken)).status).toBe(200);
    for (let n = 0; n < MAX_FAILED_SIGN_INS; n += 1) {
      expect((await service.call('GET', '/api/v1/terminals', `za_guess${n}`)).status).toBe(401);
    }
    const refused = await service.call('GET', '/api/v1/terminals', service.adminToken);
    expect(refused).toMatchObject({
      status: 429,
      body: { code: 'too-many-attempts', retryAfterSeconds: 60 },
    });
    clock += 61_000;
    expect((await service.call('GET', '/api/v1/terminals', service.adminToken)).status).toBe(200);
  });
});
