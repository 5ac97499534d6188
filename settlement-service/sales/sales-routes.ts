import type { Request } from 'express';
import { z } from 'zod';
import { DomainError } from '../../domain/domain-error.ts';
import {
  Problem,
  type ProblemLanguage,
  problemBody,
  problemLanguage,
} from '../../domain/problems/problem.ts';
import {
  type BatchResult,
  batchAnswerSchema,
  type ProblemAnswer,
  quoteAnswerSchema,
  saleAnswerSchema,
} from '../../domain/sales/sale-answer.ts';
import { actorOf, principalOf } from '../auth/authenticate.ts';
import { invalidInputProblem } from '../http/field-errors.ts';
import { problemOfDomainError } from '../http/problem.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';
import {
  assertClockWithinAllowance,
  type SaleBody,
  saleBodySchema,
  toSellMeal,
  voidBodySchema,
} from './sale-request.ts';
import type { SaleOutcome, SalesService, SaleToRecord } from './sales-service.ts';

/** A terminal sends at most this many sales in one batch. */
export const MAX_SALES_PER_BATCH = 500;

function terminalOf(request: Request) {
  const principal = principalOf(request);
  if (principal.role !== 'terminal') throw new Error('the route guard admits terminals only');
  return principal;
}

/** A refused sale in a batch, answered as the single request's problem would be, in the batch's language. */
function problemAnswerOf(error: unknown, language: ProblemLanguage): ProblemAnswer {
  const problem = error instanceof DomainError ? problemOfDomainError(error) : error;
  if (!(problem instanceof Problem) || problem.status >= 500) throw error;
  return problemBody(problem, language) as ProblemAnswer;
}

/** Selling and voiding meals (docs/api.en.md). */
export function salesRoutes(service: SalesService, now: () => number): ImplementedRoute[] {
  /** A sale from this terminal as the service records it; refused when its clock is off. */
  const toSaleToRecord = (body: SaleBody, principal: ReturnType<typeof terminalOf>): SaleToRecord => {
    assertClockWithinAllowance(body, now());
    return {
      command: toSellMeal(body, principal.terminalId),
      cashierId: body.cashierId ?? null,
      context: {
        actor: {
          type: 'terminal',
          terminalId: principal.terminalId,
          ...(body.cashierId ? { cashierId: body.cashierId } : {}),
        },
        correlationId: body.saleId,
      },
    };
  };

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
      const principal = terminalOf(request);
      const { command, cashierId, context } = toSaleToRecord(body, principal);
      const { created, answer } = await service.sell(
        command,
        { terminalId: principal.terminalId, canteenId: principal.canteenId },
        cashierId,
        context,
      );
      return { status: created ? 201 : 200, body: answer };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/sales/quote',
      summary:
        'What a sale would get if it were recorded now (price, subsidy, what the elder pays); records nothing',
      description:
        'The counter asks when a card is tapped, before the cashier confirms. The recorded sale is decided ' +
        'again when it arrives, so a meal sold elsewhere in between can change its subsidy.',
      tags: ['sales'],
      callers: ['terminal'],
      body: saleBodySchema,
      success: { status: 200, schema: quoteAnswerSchema },
      problems: ['card-unknown', 'item-unknown', 'clock-skew', 'canteen-unknown'],
    }).implement(async ({ body, request }) => {
      const principal = terminalOf(request);
      assertClockWithinAllowance(body, now());
      const answer = await service.quote(toSellMeal(body, principal.terminalId), {
        terminalId: principal.terminalId,
        canteenId: principal.canteenId,
      });
      return { status: 200, body: { ...answer, status: 'quoted' as const } };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/sales/batch',
      summary:
        'Record sales in the order given, each as POST /api/v1/sales would (a terminal syncing its queue)',
      description:
        'Each sale is decided in turn, so caps count them in the order sent. A refused sale does not stop ' +
        'the others; its result carries the problem the single request would have answered, whole and in ' +
        'the language the batch asks for (Accept-Language; Chinese by default, Content-Language says which). ' +
        'Repeating a batch answers every sale as the first time.',
      tags: ['sales'],
      callers: ['terminal'],
      body: z.strictObject({ sales: z.array(z.unknown()).min(1).max(MAX_SALES_PER_BATCH) }),
      success: { status: 200, schema: batchAnswerSchema },
      problems: [],
    }).implement(async ({ body, request }) => {
      const principal = terminalOf(request);
      const language = problemLanguage(request.headers['accept-language']);
      const results: BatchResult[] = new Array(body.sales.length);
      const valid: { index: number; sale: SaleToRecord }[] = [];
      body.sales.forEach((raw, index) => {
        const saleId = (raw as { saleId?: unknown } | null)?.saleId;
        const parsed = saleBodySchema.safeParse(raw);
        try {
          if (!parsed.success) throw invalidInputProblem('body', parsed.error);
          valid.push({ index, sale: toSaleToRecord(parsed.data, principal) });
        } catch (error) {
          const problem = problemAnswerOf(error, language);
          results[index] = {
            saleId: typeof saleId === 'string' ? saleId : null,
            status: problem.status,
            problem,
          };
        }
      });
      // Each elder's sales are decided one after another in the order sent (caps count in arrival
      // order); different elders' sales do not touch each other's allowance and are decided side by side.
      const outcomes = await service.sellInOrder(
        valid.map(({ sale }) => sale),
        { terminalId: principal.terminalId, canteenId: principal.canteenId },
      );
      valid.forEach(({ index, sale }, at) => {
        const outcome = outcomes[at] as SaleOutcome;
        const { saleId } = sale.command;
        if ('refused' in outcome) {
          const problem = problemAnswerOf(outcome.refused, language);
          results[index] = { saleId, status: problem.status, problem };
        } else results[index] = { saleId, status: outcome.created ? 201 : 200, sale: outcome.answer };
      });
      return { status: 200, body: { results }, headers: { 'content-language': language } };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/sales/:saleId/void',
      summary: 'Void a sale: its meal and subsidy leave the figures; voiding again answers the same',
      description:
        "`occurredAt` is when the void was made by the caller's clock (a counter syncing its queue, a " +
        'bureau replaying its history); without it the void is made when the service records it. It may ' +
        'not lie more than 5 minutes in the future (`clock-skew`) nor before the sale (`void-before-sale`). ' +
        'Voiding again answers the same whatever time it gives.',
      tags: ['sales'],
      callers: ['terminal', 'admin'],
      params: z.object({ saleId: z.uuid() }),
      body: voidBodySchema,
      success: { status: 200, schema: saleAnswerSchema },
      problems: ['not-found', 'clock-skew', 'void-before-sale'],
    }).implement(async ({ params, body, request }) => {
      const principal = principalOf(request);
      const byCanteen = principal.role === 'terminal' ? principal.canteenId : null;
      const actor = actorOf(principal);
      const answer = await service.void(
        { saleId: params.saleId, reason: body.reason, at: now(), occurredAt: body.occurredAt },
        byCanteen,
        { actor, correlationId: params.saleId },
      );
      return { status: 200, body: answer };
    }),
  ];
}
