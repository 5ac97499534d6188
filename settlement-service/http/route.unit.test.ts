import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssuePath } from './field-errors.ts';
import { openApiPath } from './openapi.ts';
import { defineRoute, pathParameterNames } from './route.ts';

const declaration = {
  method: 'post',
  summary: 'Void a sale',
  tags: ['sales'],
  callers: ['terminal'],
  success: { status: 200, schema: z.object({}) },
  problems: [],
} as const;

describe('declaring a route', () => {
  it('derives an operationId from the method and the path', () => {
    const voiding = defineRoute({
      ...declaration,
      path: '/api/v1/sales/:saleId/void',
      params: z.object({ saleId: z.uuid() }),
    });

    expect(voiding.operationId).toBe('postSalesSaleIdVoid');
    expect(voiding.success.statuses).toEqual([200]);
  });

  it('types the handler by the declared schemas and statuses', () => {
    const voiding = defineRoute({
      ...declaration,
      path: '/api/v1/sales/:saleId/void',
      params: z.object({ saleId: z.uuid() }),
      success: { status: [200, 202], schema: z.object({ saleId: z.string(), status: z.literal('voided') }) },
    });
    const answer = { status: 'voided' } as const;

    expect(
      voiding.implement(async ({ params }) => ({ status: 202, body: { ...answer, ...params } })),
    ).toBeDefined();
    // @ts-expect-error 201 is not a declared status
    voiding.implement(async ({ params }) => ({ status: 201, body: { ...answer, ...params } }));
    // @ts-expect-error the schema answers 'voided' only
    voiding.implement(async ({ params }) => ({ status: 200, body: { ...params, status: 'recorded' } }));
  });

  it('refuses a path whose parameters the params schema does not name exactly', () => {
    expect(() => defineRoute({ ...declaration, path: '/api/v1/sales/:saleId/void' })).toThrow(
      /parameters \[saleId\] but the params schema \[\]/,
    );
    expect(() =>
      defineRoute({
        ...declaration,
        path: '/api/v1/sales/:saleId/void',
        params: z.object({ saleId: z.uuid(), extra: z.string() }),
      }),
    ).toThrow(/params schema \[extra, saleId\]/);
  });

  it('refuses express path syntax that OpenAPI cannot say', () => {
    expect(() => defineRoute({ ...declaration, path: '/api/v1/files/*rest' })).toThrow(/segment "\*rest"/);
    expect(() => defineRoute({ ...declaration, path: '/api/v1/sales{/:saleId}' })).toThrow(/segment/);
    expect(() => defineRoute({ ...declaration, path: 'api/v1/sales' })).toThrow(/starts with \//);
  });
});

describe('paths', () => {
  it('turns express parameters into OpenAPI templates', () => {
    expect(openApiPath('/api/v1/settlements/:month/canteens/:canteenId/statement.pdf')).toBe(
      '/api/v1/settlements/{month}/canteens/{canteenId}/statement.pdf',
    );
    expect(pathParameterNames('/api/v1/settlements/:month/canteens/:canteenId/statement.pdf')).toEqual([
      'month',
      'canteenId',
    ]);
  });

  it('writes field paths dotted, with array indexes in brackets', () => {
    expect(formatIssuePath(['rules', 0, 'funding', 1, 'shareBp'])).toBe('rules[0].funding[1].shareBp');
    expect(formatIssuePath([0, 'qty'])).toBe('[0].qty');
    expect(formatIssuePath([])).toBe('');
  });
});
