import type { Kysely } from 'kysely';
import { z } from 'zod';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import { ALERT_KINDS } from '../../domain/supervision/alert.ts';
import {
  SUPERVISION_SETTINGS_STREAM,
  supervisionSettingsRegister,
} from '../../domain/supervision/settings-register.ts';
import { isMonthKey } from '../../domain/time/calendar.ts';
import { type AlertView, alertById, listAlerts } from '../../projections/supervision/alert-queries.ts';
import { actingUser } from '../auth/authenticate.ts';
import type { AggregateRepository } from '../event-sourcing/aggregate-repository.ts';
import { retryOnConflict } from '../event-sourcing/retry.ts';
import { idSchema } from '../http/common-schemas.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';
import { type AlertDecision, AlertService } from './alert-service.ts';

const STATUSES = ['open', 'confirmed', 'dismissed'] as const;

const alertSchema = z
  .object({
    alertId: z.string(),
    kind: z.enum(ALERT_KINDS),
    severity: z.enum(['high', 'medium', 'low']),
    status: z.enum(STATUSES),
    canteenId: z.string(),
    elderId: z.string().optional().describe('the elder all of its sales were for, when there is one'),
    businessDate: z.string(),
    month: z.string(),
    saleIds: z.array(z.string()).describe('the sales a confirmation excludes from reimbursement'),
    eventIds: z.array(z.string()).describe('every event the finding rests on'),
    detail: z.string().describe('the finding with its figures, in Chinese'),
    explanation: z.object({ zh: z.string(), en: z.string() }),
    figures: z.record(z.string(), z.number()),
    raisedAt: z.string(),
    decision: z
      .object({
        by: z.object({ userId: z.string(), name: z.string() }),
        reason: z.string(),
        at: z.string(),
      })
      .nullable(),
  })
  .meta({ id: 'Alert' });

const alertParams = z.object({ alertId: idSchema });

function answerOf(view: AlertView): z.input<typeof alertSchema> {
  const { elderId, ...rest } = view;
  return {
    ...rest,
    saleIds: [...view.saleIds],
    eventIds: [...view.eventIds],
    ...(elderId === null ? {} : { elderId }),
    detail: view.explanation.zh,
  };
}

/** 监管预警 endpoints: the alerts to work through, their decisions, and the checks' thresholds. */
export function alertRoutes(
  repository: AggregateRepository,
  db: Kysely<unknown>,
  now: () => number,
): ImplementedRoute[] {
  const service = new AlertService(repository, db, now);
  const decisionRoute = (decision: AlertDecision) =>
    defineRoute({
      method: 'post',
      path: `/api/v1/alerts/:alertId/${decision}`,
      summary:
        decision === 'confirm'
          ? 'Confirm an alert: the subsidy of its sales is excluded from reimbursement, with the reason on the statement'
          : 'Dismiss an alert as a false alarm, with the reason',
      tags: ['alerts'],
      callers: ['admin', 'reviewer'],
      params: alertParams,
      body: z
        .strictObject({
          reason: z
            .string()
            .max(500)
            .default('')
            .describe(decision === 'confirm' ? 'optional: printed on the statement' : 'required'),
        })
        .optional(),
      success: { status: 200, schema: alertSchema },
      problems: ['not-found', 'alert-decided', 'reason-required'],
    }).implement(async ({ params, body, request }) => {
      const { by, context } = actingUser(request);
      const view = await service.decide(params.alertId, decision, by, body?.reason ?? '', context);
      return { status: 200, body: answerOf(view) };
    });

  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/alerts',
      summary: 'Alerts of the fraud checks, open ones first, each with its evidence',
      tags: ['alerts'],
      callers: ['admin', 'reviewer', 'auditor'],
      query: z.object({
        month: z
          .string()
          .regex(/^\d{4}-\d{2}$/)
          .refine(isMonthKey, 'expected a month YYYY-MM')
          .optional()
          .describe('month YYYY-MM; every month when left out'),
        status: z.enum(STATUSES).optional(),
        canteenId: idSchema.optional(),
        kind: z.enum(ALERT_KINDS).optional(),
      }),
      success: { status: 200, schema: z.object({ alerts: z.array(alertSchema) }) },
      problems: [],
    }).implement(async ({ query }) => ({
      status: 200,
      body: { alerts: (await listAlerts(db, query)).map(answerOf) },
    })),

    defineRoute({
      method: 'get',
      path: '/api/v1/alerts/:alertId',
      summary: 'One alert with its evidence and decision',
      tags: ['alerts'],
      callers: ['admin', 'reviewer', 'auditor'],
      params: alertParams,
      success: { status: 200, schema: alertSchema },
      problems: ['not-found'],
    }).implement(async ({ params }) => {
      const view = await alertById(db, params.alertId);
      if (view === null)
        throw problemFor(
          'not-found',
          `no alert ${params.alertId}`,
          {},
          { detail: `没有预警 ${params.alertId}` },
        );
      return { status: 200, body: answerOf(view) };
    }),

    decisionRoute('confirm'),
    decisionRoute('dismiss'),

    defineRoute({
      method: 'get',
      path: '/api/v1/supervision/settings',
      summary: 'The thresholds of the fraud checks in force, every default filled in',
      tags: ['alerts'],
      callers: ['admin', 'reviewer', 'auditor'],
      success: { status: 200, schema: z.object({ settings: z.record(z.string(), z.unknown()) }) },
      problems: [],
    }).implement(async () => {
      const { state } = await repository.load(SUPERVISION_SETTINGS_STREAM, supervisionSettingsRegister);
      return { status: 200, body: { settings: state } };
    }),

    defineRoute({
      method: 'put',
      path: '/api/v1/supervision/settings',
      summary:
        'Change the thresholds of the fraud checks from now on; fields left out keep their values, a check set to null returns to its defaults',
      tags: ['alerts'],
      callers: ['admin'],
      body: z
        .record(z.string(), z.unknown())
        .describe('per check, its thresholds, e.g. { "impossibleTravel": { "maxSpeedKmh": 80 } }'),
      success: { status: 200, schema: z.object({ settings: z.record(z.string(), z.unknown()) }) },
      problems: [],
    }).implement(async ({ body, request }) => {
      const { by, context } = actingUser(request);
      const settings = await retryOnConflict(async () => {
        const { state, expectedRevision } = await repository.load(
          SUPERVISION_SETTINGS_STREAM,
          supervisionSettingsRegister,
        );
        const events = supervisionSettingsRegister.decide({ settings: body, by, at: now() }, state);
        if (events.length > 0)
          await repository.append(SUPERVISION_SETTINGS_STREAM, events, expectedRevision, context);
        return events.reduce(supervisionSettingsRegister.evolve, state);
      });
      return { status: 200, body: { settings } };
    }),
  ];
}
