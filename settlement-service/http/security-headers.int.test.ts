import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../tests/support/service.ts';

describe('security headers of the service', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
    await service.projections.catchUp();
  });
  afterAll(async () => {
    await service?.close();
  });

  const get = async (pathname: string, init: RequestInit = {}) => {
    const answer = await fetch(`${service.url}${pathname}`, init);
    await answer.arrayBuffer();
    return answer;
  };
  const admin = { authorization: () => `Bearer ${service.adminToken}` };

  it('puts them on answers and refusals alike: nothing to load, no framing, no sniffing, nothing kept', async () => {
    const answers = [
      await get('/health'),
      await get('/api/v1/openapi.json'),
      await get('/api/v1/terminals', { headers: { authorization: admin.authorization() } }),
      await get('/api/v1/terminals'),
      await get('/api/v1/nothing-here'),
      await get('/api/v1/sales', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'x',
      }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 401, 404, 415]);
    for (const answer of answers) {
      expect(answer.headers.get('content-security-policy'), answer.url).toBe(
        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      expect(answer.headers.get('x-content-type-options'), answer.url).toBe('nosniff');
      expect(answer.headers.get('x-frame-options'), answer.url).toBe('DENY');
      expect(answer.headers.get('referrer-policy'), answer.url).toBe('no-referrer');
      expect(answer.headers.get('cross-origin-resource-policy'), answer.url).toBe('same-origin');
      expect(answer.headers.get('cache-control'), answer.url).toBe('no-store');
      expect(answer.headers.get('x-powered-by'), answer.url).toBeNull();
    }
  });

  it('lets a browser show a PDF statement with its own viewer, but never in a frame', async () => {
    const month = '2026-01';
    const pdf = await get(`/api/v1/settlements/${month}/statement.pdf`, {
      headers: { authorization: admin.authorization() },
    });

    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(pdf.headers.get('x-frame-options')).toBe('DENY');
    expect(pdf.headers.get('cache-control')).toBe('no-store');
  });
});
