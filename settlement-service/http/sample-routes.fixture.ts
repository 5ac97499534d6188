import express, { type Express, Router } from 'express';
import { z } from 'zod';
import { policyDocumentSchema } from '../../domain/policy/policy-document.ts';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import { createJsonBodyParser, type JsonBodyOptions } from './json-body.ts';
import { OPENAPI_DOCUMENT_PATH, openApiDocumentHandler } from './openapi.ts';
import { notFound, problemHandler } from './problem.ts';
import { defineRoute, type ImplementedRoute, mountRoutes, type RouteInput } from './route.ts';

/*
 * Routes shaped like the core API, for exercising the HTTP layer without a database: each handler
 * records what it received and answers from it.
 */

const saleLineSchema = z
  .strictObject({
    itemId: z.string().min(1),
    qty: z.number().int().positive().default(1).describe('portions; a positive whole number'),
  })
  .meta({ id: 'SaleLine' });

const saleRequestSchema = z
  .strictObject({
    saleId: z.uuid(),
    terminalSeq: z.number().int().min(0),
    occurredAt: z.iso.datetime({ offset: true }),
    channel: z.enum(['dine-in', 'delivery']),
    cardUid: z.string().min(1).optional(),
    items: z.array(saleLineSchema).min(1),
    payment: z.strictObject({ method: z.string().min(1) }).optional(),
    offline: z.boolean().default(false),
  })
  .meta({ id: 'SaleRequest' });

const saleAnswerSchema = z
  .object({
    saleId: z.uuid(),
    status: z.enum(['recorded', 'voided']),
    lines: z.array(saleLineSchema),
  })
  .meta({ id: 'SaleAnswer' });

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month YYYY-MM');

export const recordSale = defineRoute({
  method: 'post',
  path: '/api/v1/sales',
  summary: 'Record a sale',
  tags: ['sales'],
  callers: ['terminal'],
  body: saleRequestSchema,
  success: { status: 201, schema: saleAnswerSchema },
  problems: ['card-unknown', 'item-unknown', 'sale-conflict', 'clock-skew'],
});

export const voidSale = defineRoute({
  method: 'post',
  path: '/api/v1/sales/:saleId/void',
  summary: 'Void a sale',
  tags: ['sales'],
  callers: ['terminal', 'admin'],
  params: z.object({ saleId: z.uuid().describe('the sale to void') }),
  body: z.strictObject({ reason: z.string().min(1) }),
  success: { status: 200, schema: saleAnswerSchema },
  problems: ['not-found'],
});

export const elderLedger = defineRoute({
  method: 'get',
  path: '/api/v1/elders/:elderId/ledger',
  summary: "An elder's meals and subsidies in a month",
  tags: ['elders'],
  callers: ['admin'],
  params: z.object({ elderId: z.string().min(1) }),
  query: z.object({
    month: monthSchema,
    limit: z.coerce.number().int().positive().max(500).default(50),
  }),
  success: {
    status: 200,
    schema: z.object({ elderId: z.string(), month: monthSchema, limit: z.number().int() }),
  },
  problems: ['not-found'],
});

export const publishPolicy = defineRoute({
  method: 'put',
  path: '/api/v1/policies/:policyId',
  summary: 'Publish a subsidy policy',
  tags: ['policies'],
  callers: ['admin'],
  params: z.object({ policyId: z.string().min(1) }),
  body: policyDocumentSchema,
  success: {
    status: [201, 200],
    schema: z.object({ policyId: z.string(), rules: z.number().int() }),
    description: '201 for a new policy, 200 for the same document again',
  },
  problems: ['policy-overlap', 'policy-immutable'],
});

export const closeMonth = defineRoute({
  method: 'post',
  path: '/api/v1/settlements/:month/close',
  summary: 'Close a month',
  tags: ['settlements'],
  callers: ['admin'],
  params: z.object({ month: monthSchema }),
  success: { status: 200, schema: z.object({ month: monthSchema, status: z.literal('closed') }) },
  problems: ['period-not-ended'],
});

export type ReceivedInput = Omit<RouteInput<unknown, unknown, unknown>, 'request'>;

export function sampleRoutes(received: ReceivedInput[]): ImplementedRoute[] {
  const record = ({ params, query, body }: RouteInput<unknown, unknown, unknown>) => {
    received.push({ params, query, body });
  };
  return [
    recordSale.implement(async (input) => {
      record(input);
      if (input.body.cardUid === 'CARD-UNKNOWN') {
        throw problemFor(
          'card-unknown',
          `card ${input.body.cardUid} is not bound to an elder`,
          {},
          { detail: `卡 ${input.body.cardUid} 未绑定老人` },
        );
      }
      return {
        status: 201,
        body: { saleId: input.body.saleId, status: 'recorded', lines: input.body.items },
      };
    }),
    voidSale.implement(async (input) => {
      record(input);
      return { status: 200, body: { saleId: input.params.saleId, status: 'voided', lines: [] } };
    }),
    elderLedger.implement(async (input) => {
      record(input);
      return { status: 200, body: { elderId: input.params.elderId, ...input.query } };
    }),
    publishPolicy.implement(async (input) => {
      record(input);
      return { status: 201, body: { policyId: input.body.policyId, rules: input.body.rules.length } };
    }),
    closeMonth.implement(async (input) => {
      record(input);
      return { status: 200, body: { month: input.params.month, status: 'closed' } };
    }),
  ];
}

/** The sample routes wired the way the service wires its own: body parser, routes, document, problems. */
export function sampleApp(options: JsonBodyOptions = {}): { app: Express; received: ReceivedInput[] } {
  const received: ReceivedInput[] = [];
  const routes = sampleRoutes(received);
  const app = express();
  app.disable('x-powered-by');
  app.use(createJsonBodyParser(options));
  app.get(OPENAPI_DOCUMENT_PATH, openApiDocumentHandler(routes));
  app.use(mountRoutes(Router(), routes));
  app.use(notFound);
  app.use(problemHandler(() => {}));
  return { app, received };
}
