import type { Kysely } from 'kysely';
import { z } from 'zod';
import { notRegistered } from '../../domain/problems/problem-catalogue.ts';
import { isMonthKey } from '../../domain/time/calendar.ts';
import {
  canteenNames,
  canteenNamesOf,
  elderIsListed,
  elderNameAndMaskedId,
  terminalsOverview,
} from '../../projections/directory/directory-queries.ts';
import { canteenDay } from '../../projections/sales/canteen-day.ts';
import { elderLedgerMonth } from '../../projections/sales/elder-ledger.ts';
import { businessDateSchema, idSchema } from '../http/common-schemas.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';
import { renderElderStatement } from '../statements/elder-statement.ts';

const monthSchema = z.string().refine(isMonthKey, 'expected a month YYYY-MM').describe('month YYYY-MM');
const fen = z.number().int().describe('integer fen');

const fundingLine = z.object({ source: z.string(), fen });
const subsidyLine = z.object({
  ruleId: z.string(),
  stackGroup: z.string().nullable(),
  fen,
  funding: z.array(fundingLine),
});

const ledgerSchema = z.object({
  elderId: z.string(),
  month: z.string(),
  meals: z.array(
    z.object({
      saleId: z.string(),
      canteenId: z.string(),
      terminalId: z.string(),
      businessDate: z.string(),
      period: z.string().nullable(),
      occurredAt: z.string(),
      items: z.array(z.object({ itemId: z.string(), name: z.string(), unitPriceFen: fen, qty: z.number() })),
      totalFen: fen,
      subsidyFen: fen,
      elderPaysFen: fen,
      lines: z.array(subsidyLine),
      excluded: z.array(z.object({ reason: z.string(), fen })),
      reasons: z.array(z.string()),
      offline: z.boolean(),
      voided: z.boolean(),
    }),
  ),
  totals: z.object({
    meals: z.number(),
    subsidisedMeals: z.number(),
    subsidyFen: fen,
    reimbursableFen: fen,
    elderPaidFen: fen,
  }),
  capsUsed: z.object({
    days: z.array(z.object({ date: z.string(), subsidisedMeals: z.number() })),
    month: z.number(),
  }),
});

const canteenDaySchema = z.object({
  canteenId: z.string(),
  date: z.string(),
  periods: z.array(
    z.object({
      period: z.string(),
      meals: z.number(),
      guestMeals: z.number(),
      subsidisedMeals: z.number(),
      offlineMeals: z.number(),
      totalFen: fen,
      subsidyFen: fen,
      reimbursableFen: fen,
      excludedFen: fen,
      elderPaysFen: fen,
      voids: z.number(),
      subsidies: z.array(z.object({ ruleId: z.string(), source: z.string(), fen })),
    }),
  ),
});

const terminalsSchema = z.object({
  terminals: z.array(
    z.object({
      terminalId: z.string(),
      canteenId: z.string(),
      registeredAt: z.string(),
      lastContactAt: z.string().nullable(),
      sales: z.number(),
      offlineSales: z.number(),
      refusedOfflineSales: z.number(),
      longestOfflineDelaySeconds: z.number(),
      queue: z
        .object({ queuedSales: z.number(), oldestQueuedAt: z.string().nullable(), reportedAt: z.string() })
        .nullable(),
    }),
  ),
});

/** What the bureau reads from the read models (projections), a moment behind the events. */
export function readModelRoutes(db: Kysely<unknown>, bureauName: string): ImplementedRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/elders/:elderId/ledger',
      summary: "An elder's meals and subsidies in a month (老人台账)",
      tags: ['read models'],
      callers: ['admin'],
      params: z.object({ elderId: idSchema }),
      query: z.object({ month: monthSchema }),
      success: { status: 200, schema: ledgerSchema },
      problems: ['not-found'],
    }).implement(async ({ params, query }) => {
      const ledger = await elderLedgerMonth(db, params.elderId, query.month);
      if (ledger.meals.length === 0 && !(await elderIsListed(db, params.elderId)))
        throw notRegistered('elder', params.elderId);
      return { status: 200, body: ledger as z.infer<typeof ledgerSchema> };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/elders/:elderId/statement.pdf',
      summary: "An elder's monthly statement for the elder or the family (PDF, Chinese, masked)",
      tags: ['read models'],
      callers: ['admin'],
      params: z.object({ elderId: idSchema }),
      query: z.object({ month: monthSchema }),
      success: { status: 200, schema: z.custom<Buffer>(), mediaType: 'application/pdf' },
      problems: ['not-found'],
    }).implement(async ({ params, query }) => {
      const elder = await elderNameAndMaskedId(db, params.elderId);
      if (!elder) throw notRegistered('elder', params.elderId);
      const ledger = await elderLedgerMonth(db, params.elderId, query.month);
      const pdf = await renderElderStatement(
        ledger,
        { name: elder.name, maskedIdNumber: elder.idNumberMasked },
        bureauName,
        await canteenNames(db),
      );
      return { status: 200, body: pdf };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/canteens/:canteenId/days/:date',
      summary:
        "A canteen's day by meal period (食堂日报): meals, guests, subsidies by rule and source, voids",
      tags: ['read models'],
      callers: ['admin'],
      params: z.object({ canteenId: idSchema, date: businessDateSchema }),
      success: { status: 200, schema: canteenDaySchema },
      problems: ['not-found'],
    }).implement(async ({ params }) => {
      if ((await canteenNamesOf(db, [params.canteenId])).size === 0)
        throw notRegistered('canteen', params.canteenId);
      return {
        status: 200,
        body: (await canteenDay(db, params.canteenId, params.date)) as z.infer<typeof canteenDaySchema>,
      };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/terminals',
      summary: 'Terminals with their last contact, the sales they still hold and the offline sales they sent',
      tags: ['read models'],
      callers: ['admin'],
      query: z.object({ canteenId: idSchema.optional() }),
      success: { status: 200, schema: terminalsSchema },
      problems: [],
    }).implement(async ({ query }) => ({
      status: 200,
      body: { terminals: [...(await terminalsOverview(db, query.canteenId))] },
    })),
  ];
}
