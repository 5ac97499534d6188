import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';

/**
 * A new database whose projections have not built their first generation yet (the service has just
 * started): a read answers 503 with Retry-After, and answers once the read models are there.
 */
describe('a read before the read models are built', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
    await setUpBureau(service);
  });
  afterAll(async () => {
    await service?.close();
  });

  it('is asked to come back, then answered', async () => {
    const early = await fetch(`${service.url}/api/v1/elders/e80`, {
      headers: { authorization: `Bearer ${service.adminToken}` },
    });
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).not.toBeNull();
    expect(await early.json()).toMatchObject({ code: 'unavailable', detail: '读取数据正在建立，请稍后重试' });

    await service.projections.catchUp();
    expect((await service.call('GET', '/api/v1/elders/e80', service.adminToken)).status).toBe(200);
    expect((await service.call('GET', '/api/v1/elders/nobody', service.adminToken)).status).toBe(404);
  });
});
