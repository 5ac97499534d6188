import type { Request } from 'express';
import { z } from 'zod';
import { DomainError } from '../../domain/domain-error.ts';
import { categoryProblems } from '../../domain/elders/elder.ts';
import { fen } from '../../domain/money.ts';
import { parsePolicyDocument, policyDocumentSchema } from '../../domain/policy/policy-document.ts';
import { actorOf, principalOf } from '../auth/authenticate.ts';
import type { EventContext } from '../event-sourcing/aggregate-repository.ts';
import { businessDateSchema, fenSchema, idSchema, instantSchema } from '../http/common-schemas.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';
import type { RegistrationService } from './registration-service.ts';

const hoursSchema = z.strictObject({
  from: z.string().regex(/^\d\d:\d\d$/, 'expected HH:MM'),
  to: z.string().regex(/^\d\d:\d\d$/, 'expected HH:MM'),
});

const canteenBody = z
  .strictObject({
    name: z.string().min(1).max(100),
    district: z.string().min(1).max(50),
    town: z.string().min(1).max(50),
    location: z
      .strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
      .optional(),
    periods: z.strictObject({
      breakfast: hoursSchema.optional(),
      lunch: hoursSchema.optional(),
      dinner: hoursSchema.optional(),
    }),
    menu: z
      .array(z.strictObject({ itemId: idSchema, name: z.string().min(1).max(100), priceFen: fenSchema }))
      .max(500),
    closedDays: z
      .strictObject({
        weekdays: z
          .array(z.number().int().min(1).max(7))
          .max(7)
          .describe('ISO weekdays: 1 Monday … 7 Sunday'),
        dates: z.array(businessDateSchema).max(400),
      })
      .optional()
      .describe('休息日: the days the canteen does not open (default: open every day)'),
    from: instantSchema.optional().describe('when this change takes effect (default: now)'),
  })
  .meta({ id: 'CanteenRegistration' });

/** 补贴类别 with their dates, all of them: the list replaces the elder's. */
const categoriesSchema = z
  .array(
    z.strictObject({
      category: z.string().min(1).max(50),
      from: businessDateSchema.describe('first day held'),
      to: businessDateSchema.optional().describe('first day no longer held (absent: open-ended)'),
    }),
  )
  .max(50)
  .superRefine((categories, context) => {
    // The domain's own check (elder.ts), refused here with the other field errors.
    for (const problem of categoryProblems(categories.map((held) => ({ ...held, to: held.to ?? null })))) {
      context.addIssue({
        code: 'custom',
        path: [problem.index, problem.field],
        message: problem.message,
        params: { zh: problem.messageZh },
      });
    }
  });

const holdingsOf = (categories: z.output<typeof categoriesSchema>) =>
  categories.map((holding) => ({ ...holding, to: holding.to ?? null }));

const elderBody = z
  .strictObject({
    name: z.string().min(1).max(50),
    idNumber: z.string().min(1).max(20).describe('身份证号, 18 characters; stored encrypted, never answered'),
    district: z.string().min(1).max(50),
    town: z.string().min(1).max(50),
    homeCanteenId: idSchema.optional(),
    categories: categoriesSchema.default([]),
    from: instantSchema.optional().describe('when this change takes effect (default: now)'),
  })
  .meta({ id: 'ElderRegistration' });

const categoriesBody = z
  .strictObject({
    categories: categoriesSchema,
    from: instantSchema.optional().describe('when this change takes effect (default: now)'),
  })
  .meta({ id: 'ElderCategories' });

const categoriesAnswer = z.object({
  elderId: z.string(),
  categories: z.array(z.object({ category: z.string(), from: z.string(), to: z.string().nullable() })),
  changed: z.boolean().describe('false when the elder held these categories already'),
});

const okSchema = z.object({ status: z.literal('ok') });

/** The bureau's registration endpoints (docs/api.en.md): policies, canteens, elders, cards, deaths, terminals. */
export function registrationRoutes(service: RegistrationService): ImplementedRoute[] {
  // Every route here is for the admin only; the route guard has checked the token.
  const asAdmin = async (request: Request): Promise<EventContext> => ({
    actor: actorOf(principalOf(request)),
    correlationId: request.get('x-request-id') ?? crypto.randomUUID(),
  });

  return [
    defineRoute({
      method: 'put',
      path: '/api/v1/policies/:policyId',
      summary: 'Store a subsidy policy (docs/policy-language.en.md); the same document again is accepted',
      tags: ['policies'],
      callers: ['admin'],
      params: z.object({ policyId: idSchema }),
      body: policyDocumentSchema,
      success: { status: [201, 200], schema: z.object({ policyId: z.string(), created: z.boolean() }) },
      problems: ['policy-overlap', 'policy-immutable', 'policy-unknown'],
    }).implement(async ({ params, body, request }) => {
      const context = await asAdmin(request);
      // Validated already; parsing again fills the defaults the engine relies on.
      const parsed = parsePolicyDocument(body);
      if (!parsed.ok) throw new Error('a validated policy document failed to parse');
      if (parsed.policy.policyId !== params.policyId) {
        throw new DomainError(
          'invalid',
          'invalid-body',
          { en: 'must equal the policy id in the path', zh: '须与地址中的政策编号一致' },
          'policyId',
        );
      }
      const { created } = await service.registerPolicy(parsed.policy, context);
      return { status: created ? 201 : 200, body: { policyId: params.policyId, created } };
    }),

    defineRoute({
      method: 'put',
      path: '/api/v1/canteens/:canteenId',
      summary: 'Register a canteen or change its details, periods and menu',
      tags: ['canteens'],
      callers: ['admin'],
      params: z.object({ canteenId: idSchema }),
      body: canteenBody,
      success: { status: 200, schema: okSchema },
      problems: [],
    }).implement(async ({ params, body, request }) => {
      const context = await asAdmin(request);
      await service.registerCanteen(
        params.canteenId,
        {
          name: body.name,
          district: body.district,
          town: body.town,
          location: body.location ?? null,
          periods: body.periods,
          menu: body.menu.map((item) => ({ ...item, priceFen: fen(item.priceFen) })),
          ...(body.closedDays
            ? {
                closedDays: {
                  weekdays: [...new Set(body.closedDays.weekdays)].sort(),
                  dates: [...new Set(body.closedDays.dates)].sort(),
                },
              }
            : {}),
        },
        body.from ?? null,
        context,
      );
      return { status: 200, body: { status: 'ok' } };
    }),

    defineRoute({
      method: 'put',
      path: '/api/v1/elders/:elderId',
      summary: 'Register an elder or change their details; the birth date comes from the ID number',
      tags: ['elders'],
      callers: ['admin'],
      params: z.object({ elderId: idSchema }),
      body: elderBody,
      success: { status: 200, schema: okSchema },
      problems: ['invalid-id-number', 'id-number-taken'],
    }).implement(async ({ params, body, request }) => {
      const context = await asAdmin(request);
      await service.registerElder(
        params.elderId,
        {
          name: body.name,
          idNumber: body.idNumber,
          district: body.district,
          town: body.town,
          homeCanteenId: body.homeCanteenId ?? null,
          categories: holdingsOf(body.categories),
        },
        body.from ?? null,
        context,
      );
      return { status: 200, body: { status: 'ok' } };
    }),

    defineRoute({
      method: 'put',
      path: '/api/v1/elders/:elderId/categories',
      summary: "Change an elder's subsidy categories alone: no name or ID number needed",
      description:
        'The list replaces the categories the elder holds; the rest of the record stays as registered. The same list again changes nothing (`changed: false`). Allowed after death, to correct the record.',
      tags: ['elders'],
      callers: ['admin'],
      params: z.object({ elderId: idSchema }),
      body: categoriesBody,
      success: { status: 200, schema: categoriesAnswer },
      problems: ['not-found'],
    }).implement(async ({ params, body, request }) => {
      const context = await asAdmin(request);
      const categories = holdingsOf(body.categories);
      const { changed } = await service.changeCategories(
        params.elderId,
        categories,
        body.from ?? null,
        context,
      );
      return { status: 200, body: { elderId: params.elderId, categories, changed } };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/elders/:elderId/cards',
      summary: "Bind a card to an elder; the elder's previous card stops working at once",
      tags: ['elders'],
      callers: ['admin'],
      params: z.object({ elderId: idSchema }),
      body: z.strictObject({
        cardUid: z.string().regex(/^[A-Za-z0-9:-]{1,64}$/, 'letters, digits, : and - only'),
        from: instantSchema.optional().describe('when a replacement card takes effect (default: now)'),
      }),
      success: { status: 201, schema: z.object({ elderId: z.string(), cardUid: z.string() }) },
      problems: ['not-found', 'card-taken'],
    }).implement(async ({ params, body, request }) => {
      const context = await asAdmin(request);
      await service.bindCard(params.elderId, body.cardUid, body.from ?? null, context);
      return { status: 201, body: { elderId: params.elderId, cardUid: body.cardUid } };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/elders/:elderId/death',
      summary: "Record an elder's death: no subsidy for meals after that date",
      tags: ['elders'],
      callers: ['admin'],
      params: z.object({ elderId: idSchema }),
      body: z.strictObject({ date: businessDateSchema }),
      success: { status: 200, schema: okSchema },
      problems: ['not-found'],
    }).implement(async ({ params, body, request }) => {
      const context = await asAdmin(request);
      await service.recordDeath(params.elderId, body.date, context);
      return { status: 200, body: { status: 'ok' } };
    }),

    defineRoute({
      method: 'put',
      path: '/api/v1/terminals/:terminalId',
      summary: 'Register a counter terminal for a canteen and issue its token',
      tags: ['terminals'],
      callers: ['admin'],
      params: z.object({ terminalId: idSchema }),
      body: z.strictObject({ canteenId: idSchema }),
      success: { status: 201, schema: z.object({ terminalId: z.string(), token: z.string() }) },
      problems: ['canteen-unknown'],
    }).implement(async ({ params, body, request }) => {
      const context = await asAdmin(request);
      const { token } = await service.registerTerminal(params.terminalId, body.canteenId, context);
      return { status: 201, body: { terminalId: params.terminalId, token } };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/terminals/:terminalId/token',
      summary: 'Issue a terminal a new token (令牌轮换): the old token is refused from now on',
      description:
        'Each call issues another token. `PUT /api/v1/terminals/{terminalId}` for the same canteen then answers the new one.',
      tags: ['terminals'],
      callers: ['admin'],
      params: z.object({ terminalId: idSchema }),
      success: {
        status: 201,
        schema: z.object({ terminalId: z.string(), canteenId: z.string(), token: z.string() }),
      },
      problems: ['not-found'],
    }).implement(async ({ params, request }) => {
      const context = await asAdmin(request);
      const { canteenId, token } = await service.rotateTerminalToken(params.terminalId, context);
      return { status: 201, body: { terminalId: params.terminalId, canteenId, token } };
    }),
  ];
}
