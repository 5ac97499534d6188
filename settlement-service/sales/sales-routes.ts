import { z } from 'zod';
import { actorOf, principalOf } from '../auth/authenticate.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';
import { saleAnswerSchema } from './sale-answer.ts';
import { assertClockWithinAllowance, saleBodySchema, toSellMeal } from './sale-request.ts';
import type { SalesService } from './sales-service.ts';

/** Selling and voiding meals (API.md). */
export function salesRoutes(service: SalesService, now: () => number): ImplementedRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/sales',
      summary: 'Record a sale and decide its subsidy; the same sale again gets the first answer',
      tags: ['sales'],
      callers: ['terminal'],
      body: saleBodySchema,
      success: { status: [201, 200], schema: saleAnswerSchema },
      problems: ['card-unknown', 'item-unknown', 'clock-skew', 'sale-conflict', 'canteen-unknown'],
    }).implement(async ({ body, request }) => {
      const principal = principalOf(request);
      if (principal.role !== 'terminal') throw new Error('the route guard admits terminals only');
      assertClockWithinAllowance(body, now());
      const { created, answer } = await service.sell(
        toSellMeal(body, principal.terminalId),
        { terminalId: principal.terminalId, canteenId: principal.canteenId },
        body.cashierId ?? null,
        {
          actor: {
            type: 'terminal',
            terminalId: principal.terminalId,
            ...(body.cashierId ? { cashierId: body.cashierId } : {}),
          },
          correlationId: body.saleId,
        },
      );
      return { status: created ? 201 : 200, body: answer };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/sales/:saleId/void',
      summary: 'Void a sale: its meal and subsidy leave the figures; voiding again answers the same',
      tags: ['sales'],
      callers: ['terminal', 'admin'],
      params: z.object({ saleId: z.uuid() }),
      body: z.strictObject({ reason: z.string().min(1).max(200) }),
      success: { status: 200, schema: saleAnswerSchema },
      problems: ['not-found'],
    }).implement(async ({ params, body, request }) => {
      const principal = principalOf(request);
      const byCanteen = principal.role === 'terminal' ? principal.canteenId : null;
      const actor = actorOf(principal);
      const answer = await service.void(
        params.saleId,
        body.reason,
        byCanteen,
        { actor, correlationId: params.saleId },
        now(),
      );
      return { status: 200, body: answer };
    }),
  ];
}
