import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RunningApp, serve } from '../../testkit/http.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { defineRoute } from './route.ts';
import { closeMonth, sampleApp, voidSale } from './sample-routes.fixture.ts';

type Json = Record<string, unknown>;
type Operation = {
  operationId: string;
  security: Json[];
  parameters?: { name: string; in: string; required: boolean; schema: Json }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Json }> };
  responses: Record<
    string,
    { description: string; headers?: Record<string, Json>; content?: Record<string, { schema: Json }> }
  >;
};
type Document = {
  openapi: string;
  info: Json;
  servers?: unknown;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; securitySchemes: Json };
};

/** Resolves a local JSON pointer (`#/components/schemas/Problem`) in the document. */
function resolvePointer(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, token) =>
        node !== null && typeof node === 'object' && Object.hasOwn(node, token)
          ? (node as Json)[token]
          : undefined,
      document,
    );
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
  );
}

describe('GET /api/v1/openapi.json', () => {
  let running: RunningApp;
  let document: Document;
  const deref = (schema: Json | undefined): Json =>
    typeof schema?.$ref === 'string' ? (resolvePointer(document, schema.$ref) as Json) : (schema ?? {});

  beforeAll(async () => {
    running = await serve(sampleApp().app);
    const response = await fetch(`${running.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    document = JSON.parse(await response.text());
  });
  afterAll(() => running.close());

  it('is an OpenAPI 3.1 document of 助餐通 without servers', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: '助餐通 API' });
    expect(document.servers).toBeUndefined();
  });

  it('lists the declared paths in {param} form', () => {
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/v1/elders/{elderId}/ledger',
      '/api/v1/openapi.json',
      '/api/v1/policies/{policyId}',
      '/api/v1/sales',
      '/api/v1/sales/{saleId}/void',
      '/api/v1/settlements/{month}/close',
    ]);
    expect(Object.keys(document.paths['/api/v1/sales/{saleId}/void'] ?? {})).toEqual(['post']);
  });

  it('describes path and query parameters', () => {
    const voiding = document.paths['/api/v1/sales/{saleId}/void']?.post;
    expect(voiding?.parameters).toEqual([
      {
        name: 'saleId',
        in: 'path',
        required: true,
        description: 'the sale to void',
        schema: expect.objectContaining({ type: 'string', format: 'uuid' }),
      },
    ]);

    const ledger = document.paths['/api/v1/elders/{elderId}/ledger']?.get;
    expect(ledger?.parameters?.map(({ name, in: where, required }) => ({ name, where, required }))).toEqual([
      { name: 'elderId', where: 'path', required: true },
      { name: 'month', where: 'query', required: true },
      { name: 'limit', where: 'query', required: false },
    ]);
  });

  it('describes request bodies as clients write them, defaults optional', () => {
    const selling = document.paths['/api/v1/sales']?.post;
    expect(selling?.requestBody?.required).toBe(true);
    const saleRequest = deref(selling?.requestBody?.content['application/json']?.schema);
    expect(saleRequest.required).toEqual(['saleId', 'terminalSeq', 'occurredAt', 'channel', 'items']);
    expect(saleRequest.additionalProperties).toBe(false);

    const items = (saleRequest.properties as Record<string, Json>).items;
    const lineAsSent = deref(items?.items as Json);
    expect(lineAsSent.required).toEqual(['itemId']);
    expect(lineAsSent.properties).toMatchObject({ qty: { type: 'integer', default: 1 } });

    const voidBody = document.paths['/api/v1/sales/{saleId}/void']?.post?.requestBody;
    expect(voidBody?.content['application/json']?.schema).toMatchObject({
      type: 'object',
      required: ['reason'],
      properties: { reason: { type: 'string', minLength: 1 } },
    });

    expect(document.paths['/api/v1/settlements/{month}/close']?.post?.requestBody).toBeUndefined();
  });

  it('describes the policy document the domain validates', () => {
    const publishing = document.paths['/api/v1/policies/{policyId}']?.put;
    const policy = deref(publishing?.requestBody?.content['application/json']?.schema);

    expect(policy.required).toEqual(['policyId', 'name', 'effectiveFrom', 'rules', 'scope', 'offlineExcess']);
    expect(policy.properties).toMatchObject({
      scope: { enum: ['citywide', 'home-district', 'home-canteen'] },
      rules: { type: 'array', items: { type: 'object' } },
    });
  });

  it('describes answers as sent, with every success status', () => {
    const selling = document.paths['/api/v1/sales']?.post;
    const answer = deref(selling?.responses['201']?.content?.['application/json']?.schema);
    const lines = (answer.properties as Record<string, Json>).lines;
    expect(deref(lines?.items as Json).required).toEqual(['itemId', 'qty']);

    const publishing = document.paths['/api/v1/policies/{policyId}']?.put;
    expect(Object.keys(publishing?.responses ?? {}).filter((status) => status.startsWith('2'))).toEqual([
      '200',
      '201',
    ]);
  });

  it('lists problem+json answers by status with their codes', () => {
    const selling = document.paths['/api/v1/sales']?.post;
    const codesAt = (status: string) => {
      const response = selling?.responses[status];
      const schema = response?.content?.['application/problem+json']?.schema as { allOf: Json[] };
      expect(schema.allOf[0]).toEqual({ $ref: '#/components/schemas/Problem' });
      return (schema.allOf[1] as { properties: { code: { enum: string[] } } }).properties.code.enum;
    };

    expect(codesAt('400')).toEqual(['invalid-body']);
    expect(codesAt('401')).toEqual(['unauthenticated']);
    expect(codesAt('403')).toEqual(['forbidden']);
    expect(codesAt('409')).toEqual(['sale-conflict']);
    expect(codesAt('413')).toEqual(['body-too-large']);
    expect(codesAt('415')).toEqual(['unsupported-media-type']);
    expect(codesAt('422')).toEqual(['card-unknown', 'item-unknown', 'clock-skew']);
    expect(codesAt('429')).toEqual(['too-many-attempts']);
    expect(codesAt('503')).toEqual(['unavailable']);
    expect(Object.keys(selling?.responses['503']?.headers ?? {})).toEqual(['Retry-After']);

    const closing = document.paths['/api/v1/settlements/{month}/close']?.post;
    expect(Object.keys(closing?.responses ?? {})).toEqual(['200', '400', '401', '403', '409', '429', '503']);
  });

  it('shares one Problem schema and the bearer scheme', () => {
    const problem = document.components.schemas.Problem;
    expect(problem?.required).toEqual(['type', 'title', 'status', 'code']);
    expect(Object.keys(problem?.properties as Json)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']),
    );
    expect(document.components.securitySchemes).toEqual({ bearerAuth: { type: 'http', scheme: 'bearer' } });
    expect(document.paths['/api/v1/sales']?.post?.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths['/api/v1/openapi.json']?.get?.security).toEqual([]);
  });

  it('is structurally sound', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(resolvePointer(document, ref), ref).toBeDefined();
    }

    for (const name of Object.keys(document.components.schemas)) {
      expect(name).toMatch(/^[a-zA-Z0-9._-]+$/);
    }

    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(document.paths)) {
      expect(path).not.toContain(':');
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(item)) {
        expect(['get', 'put', 'post', 'patch', 'delete']).toContain(method);
        expect(operationIds.has(operation.operationId), operation.operationId).toBe(false);
        operationIds.add(operation.operationId);

        const inPath = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
        expect(inPath.map((parameter) => parameter.name).sort()).toEqual([...templated].sort());
        expect(inPath.every((parameter) => parameter.required)).toBe(true);

        const statuses = Object.keys(operation.responses);
        expect(statuses.some((status) => /^2\d\d$/.test(status))).toBe(true);
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(response.description.length).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('building the OpenAPI document', () => {
  it('refuses the same method and path declared twice', () => {
    expect(() => buildOpenApiDocument([voidSale, closeMonth, voidSale])).toThrow(/declared twice/);
  });

  it('names a component by side when a default makes its request form differ', () => {
    const line = z.object({ qty: z.number().int().default(1) }).meta({ id: 'DefaultedLine' });
    const echo = defineRoute({
      method: 'post',
      path: '/api/v1/echo',
      summary: 'Echo',
      tags: [],
      callers: ['anyone'],
      body: line,
      success: { status: 200, schema: line },
      problems: [],
    });
    const { components, paths } = buildOpenApiDocument([echo]);

    expect(components.schemas.DefaultedLine).toMatchObject({ required: ['qty'] });
    expect(components.schemas.DefaultedLineInput).not.toHaveProperty('required');
    expect(paths['/api/v1/echo']?.post?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/DefaultedLineInput',
    });
    expect(paths['/api/v1/echo']?.post?.security).toEqual([]);
  });
});
