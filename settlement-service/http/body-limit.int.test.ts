import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../tests/support/service.ts';
import { DEFAULT_BODY_LIMIT_BYTES, DOCUMENT_BODY_LIMIT_BYTES } from './json-body.ts';

interface OpenApiDocument {
  readonly paths: Record<
    string,
    Record<string, { readonly requestBody?: { readonly content: Record<string, unknown> } }>
  >;
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
        .map(([method, operation]) => ({
          method: method.toUpperCase(),
          // JSON, or the document a route takes as bytes (a statement PDF), which may be larger.
          mediaType: Object.keys(operation.requestBody?.content ?? {})[0] ?? 'application/json',
          // Any value will do: the body is refused before the path is looked at.
          pathname: template.replace(/\{[^}]+\}/g, '2026-10'),
        })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(10);
    const before = await service.eventCount();
    const padding = 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES);
    const oversizedDocument = new Uint8Array(DOCUMENT_BODY_LIMIT_BYTES + 1);

    for (const { method, pathname, mediaType } of operations) {
      const json = mediaType === 'application/json';
      for (const token of [service.adminToken, null]) {
        const answer = await fetch(`${service.url}${pathname}`, {
          method,
          headers: {
            'content-type': mediaType,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: json ? JSON.stringify({ padding }) : oversizedDocument,
        });
        expect(answer.status, `${method} ${pathname}`).toBe(413);
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(await answer.json()).toMatchObject({ status: 413, code: 'body-too-large' });
      }
    }
    expect(await service.eventCount()).toBe(before);
  });
});
