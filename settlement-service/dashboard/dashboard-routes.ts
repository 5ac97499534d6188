import type { Kysely } from 'kysely';
import { z } from 'zod';
import { firstDayOfMonth, monthKeyOf } from '../../domain/time/calendar.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import type { EventStore } from '../../event-store/port.ts';
import { principalOf } from '../auth/authenticate.ts';
import { businessDateSchema } from '../http/common-schemas.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';
import {
  dailyTrend,
  dashboardCanteens,
  dashboardTerminals,
  periodFigures,
  recentSettlements,
} from './dashboard-queries.ts';
import { OFFLINE_AFTER_HOURS } from './terminal-status.ts';

/** Months of settlement status the dashboard lists, the date's month first. */
const SETTLEMENT_MONTHS = 6;

const fen = z.number().int().describe('integer fen');
const figures = {
  meals: z.number().int(),
  subsidisedMeals: z.number().int(),
  subsidyFen: fen,
  reimbursableFen: fen.describe('integer fen: the reimbursable subsidy less excludedByAlertsFen'),
  excludedByAlertsFen: fen.describe(
    'integer fen: 核实不予结算, the reimbursable subsidy of the sales (not voided) named by confirmed alerts',
  ),
  bySource: z.array(
    z.object({
      source: z.string(),
      fen,
      name: z.string().nullable().describe("the funding source's registered name; null if none"),
      nameEn: z.string().nullable(),
    }),
  ),
};
const periodSchema = z.object({
  from: z.string(),
  to: z.string(),
  ...figures,
  canteens: z.array(z.object({ canteenId: z.string(), name: z.string(), ...figures })),
});

const dashboardSchema = z
  .object({
    viewer: z
      .object({ userId: z.string(), name: z.string(), role: z.enum(['admin', 'reviewer', 'auditor']) })
      .describe('who is signed in: the page offers decisions on alerts to admins and reviewers only'),
    date: z.string().describe('the business date shown as 今日'),
    month: z.string(),
    today: periodSchema,
    thisMonth: periodSchema.describe("the date's month from its first day up to the date"),
    trend: z.array(
      z.object({
        date: z.string(),
        meals: z.number().int(),
        subsidisedMeals: z.number().int(),
        subsidyFen: fen,
      }),
    ),
    canteens: z.array(
      z.object({
        canteenId: z.string(),
        name: z.string(),
        district: z.string(),
        town: z.string(),
        location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
      }),
    ),
    offlineAfterHours: z.number().int(),
    terminals: z.array(
      z.object({
        terminalId: z.string(),
        canteenId: z.string(),
        lastSaleRecordedAt: z.string().nullable(),
        queueReportedAt: z.string().nullable(),
        queuedSales: z.number().int(),
        lastContactAt: z.string().nullable(),
        hoursSinceContact: z.number().int().nullable(),
        status: z.enum(['ok', 'offline', 'queued', 'never-seen']),
      }),
    ),
    settlements: z.array(
      z.object({
        month: z.string(),
        status: z.enum(['open', 'closed', 'reviewed', 'approved', 'paid']),
        closedAt: z.string().nullable(),
        statementPath: z.string(),
        canteenStatements: z.array(z.object({ canteenId: z.string(), path: z.string() })),
      }),
    ),
  })
  .meta({ id: 'Dashboard' });

/** 监管看板: the bureau's figures of a day and its month, canteens, terminals and settlements at a glance. */
export function dashboardRoutes(
  store: EventStore,
  db: Kysely<unknown>,
  now: () => number,
): ImplementedRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/dashboard',
      summary:
        'The bureau dashboard (监管看板): a day and its month to date, the daily trend, canteens, terminals and recent settlements',
      description:
        'From the read models, a moment behind the events. `date` defaults to today in Asia/Shanghai.',
      tags: ['read models'],
      callers: ['admin', 'reviewer', 'auditor'],
      query: z.object({ date: businessDateSchema.optional() }),
      success: { status: 200, schema: dashboardSchema },
      problems: [],
    }).implement(async ({ query, request }) => {
      const principal = principalOf(request);
      if (principal.role !== 'admin' && principal.role !== 'reviewer' && principal.role !== 'auditor')
        throw new Error('the route guard admits bureau users only');
      const at = now();
      const date = query.date ?? businessDateOf(at);
      const month = monthKeyOf(date);
      const monthStart = firstDayOfMonth(month);
      return {
        status: 200,
        body: {
          viewer: { userId: principal.userId, name: principal.name, role: principal.role },
          date,
          month,
          today: await periodFigures(db, date, date),
          thisMonth: await periodFigures(db, monthStart, date),
          trend: await dailyTrend(db, monthStart, date),
          canteens: await dashboardCanteens(db),
          offlineAfterHours: OFFLINE_AFTER_HOURS,
          terminals: await dashboardTerminals(db, at),
          settlements: await recentSettlements(store, db, month, SETTLEMENT_MONTHS),
        } as z.output<typeof dashboardSchema>,
      };
    }),
  ];
}
