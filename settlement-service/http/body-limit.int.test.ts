import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../tests/support/service.ts';
import { DEFAULT_BODY_LIMIT_BYTES } from './json-body.ts';

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, { readonly requestBody?: unknown }>>;
}

describe('the body limit at every endpoint of the service', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('refuses an oversized body with 413 at every operation that is not a GET, writing nothing', async () => {
    const document = (await (await fetch(`${service.url}/api/v1/openapi.json`)).json()) as OpenApiDocument;
    const operations = Object.entries(document.paths).flatMap(([template, methods]) =>
      Object.entries(methods)
        .filter(([method]) => method !== 'get')
        .map(([method, _operation]) => ({
          method: method.toUpperCase(),
          // Any value will do: the body is refused before the path is looked at.
          pathname: template.replace(/\{[^}]+\}/g, '2026-10'),
        })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(10);
    const before = await service.eventCount();
    const padding = 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES);

    for (const { method, pathname } of operations) {
      for (const token of [service.adminToken, null]) {
        const answer = await fetch(`${service.url}${pathname}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ padding }),
        });
        expect(answer.status, `${method} ${pathname}`).toBe(413);
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(await answer.json()).toMatchObject({ status: 413, code: 'body-too-large' });
      }
    }
    expect(await service.eventCount()).toBe(before);
  });
});
