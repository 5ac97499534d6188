import type { Request } from 'express';
import { z } from 'zod';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import type { SettlementStep } from '../../domain/settlement/settlement.ts';
import type { CanteenSettlement } from '../../domain/settlement/settlement-types.ts';
import { isMonthKey } from '../../domain/time/calendar.ts';
import { formatShanghaiInstant } from '../../domain/time/shanghai-time.ts';
import { actingUser, principalOf } from '../auth/authenticate.ts';
import { idSchema } from '../http/common-schemas.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';
import { renderBureauSummary } from '../statements/bureau-summary.ts';
import { renderCanteenStatement } from '../statements/canteen-statement.ts';
import { paymentTable, settlementTable, toCsv, toXlsx } from '../statements/exports.ts';
import type { PrintedNames } from '../statements/printed-names.ts';
import { readStatement } from '../statements/statement-reader.ts';
import type { CanteenMonthClaim, SettlementService, SettlementView } from './settlement-service.ts';

const monthParams = z.object({
  month: z.string().refine(isMonthKey, 'expected a month YYYY-MM').describe('month YYYY-MM'),
});
const fen = z.number().int().describe('integer fen, signed for adjustments');
const printedName = z.string().nullable().describe('the registered name, printed for people; null if none');
const sourceAmount = z.object({ source: z.string(), fen, name: printedName.optional() });
const person = z.object({ userId: z.string(), name: z.string() });
const stepRecord = z.object({ by: person, at: z.string(), note: z.string().nullable() });
/** What the bureau user taking a step may note with it. */
const stepNote = z.strictObject({ note: z.string().max(500).optional() }).optional();

const canteenSummary = z.looseObject({
  canteenId: z.string(),
  name: printedName.optional().describe("the canteen's registered name"),
  mealsSold: z.number().int(),
  subsidisedMeals: z.number().int(),
  subsidyFen: fen,
  excludedFen: fen,
  bySource: z.array(sourceAmount),
  byRule: z.array(
    z.object({ ruleId: z.string(), fen, name: printedName.optional().describe("the rule's label") }),
  ),
  excluded: z.array(
    z.object({
      saleId: z.string(),
      reason: z.string().describe('offline-over-cap, offline-mismatch or alert-confirmed'),
      fen,
      alertId: z.string().optional().describe('the confirmed alert, for alert-confirmed'),
      note: z.string().optional().describe("the confirmed alert's reason"),
    }),
  ),
  voided: z.array(z.object({ saleId: z.string(), reason: z.string(), subsidyFen: fen })),
  adjustments: z.array(
    z.object({
      month: z.string(),
      saleId: z.string(),
      kind: z.enum(['late-sale', 'late-void', 'late-exclusion']),
      fen,
      alertId: z.string().optional(),
      note: z.string().optional(),
    }),
  ),
  adjustmentsFen: fen,
  operatingSubsidyFen: fen,
  operatingSubsidy: z.looseObject({
    policyId: z.string().nullable(),
    policyName: printedName.optional().describe("the policy's name"),
    lines: z.array(z.looseObject({})),
  }),
  reimbursementFen: fen,
  digest: z.string().describe('root of the hash tree over the events behind these figures'),
  eventCount: z.number().int(),
});

const settlementSchema = z
  .object({
    month: z.string(),
    status: z.enum(['open', 'closed', 'reviewed', 'approved', 'paid']),
    digest: z.string(),
    cutoff: z.object({ position: z.string(), at: z.string() }),
    closedBy: person.nullable(),
    closeNote: z.string().nullable().describe('what whoever closed the month noted'),
    steps: z.object({
      reviewed: stepRecord.optional(),
      approved: stepRecord.optional(),
      paid: stepRecord.optional(),
    }),
    canteens: z.array(canteenSummary),
    totals: z.looseObject({ reimbursementFen: fen, bySource: z.array(sourceAmount) }),
  })
  .meta({ id: 'Settlement' });

const verificationSchema = z.object({
  verifications: z.array(
    z.object({
      month: z.string(),
      canteenId: z.string(),
      matches: z.boolean(),
      claimedDigest: z.string(),
      recomputedDigest: z.string(),
      figuresMatch: z.boolean(),
      firstDifference: z
        .object({ index: z.number().int(), saleId: z.string().nullable(), eventId: z.string().nullable() })
        .nullable(),
    }),
  ),
});

/**
 * The month as the API answers it (docs/api.en.md): per-canteen figures without the daily and
 * per-elder tables, with the names registered for canteens, funding sources, rules and policies
 * beside their ids (null where none was given).
 */
function answerOf(view: SettlementView, names: PrintedNames): z.output<typeof settlementSchema> {
  const stepOf = (step: SettlementStep) => {
    const record = view.steps[step];
    return record ? { [step]: { ...record, at: formatShanghaiInstant(record.at) } } : {};
  };
  // The domain's figures are read-only; the schema describes the same shapes as plain JSON.
  return {
    month: view.month,
    status: view.status,
    digest: view.digest,
    cutoff: { position: view.cutoff.position, at: formatShanghaiInstant(view.cutoff.at) },
    closedBy: view.closedBy,
    closeNote: view.closeNote,
    steps: { ...stepOf('reviewed'), ...stepOf('approved'), ...stepOf('paid') },
    canteens: view.canteens.map(({ days: _days, elders: _elders, leafTrail: _trail, ...summary }) =>
      namedCanteen(summary, names),
    ),
    totals: { ...view.totals, bySource: view.totals.bySource.map((part) => namedSource(part, names)) },
  } as unknown as z.output<typeof settlementSchema>;
}

const namedSource = <Part extends { readonly source: string }>(part: Part, names: PrintedNames) => ({
  ...part,
  name: names.sources[part.source] ?? null,
});

/** A canteen's figures with the names of what they name: the figures themselves stay as settled. */
function namedCanteen<Summary extends Omit<CanteenSettlement, 'days' | 'elders' | 'leafTrail'>>(
  summary: Summary,
  names: PrintedNames,
) {
  const { policyId } = summary.operatingSubsidy;
  return {
    ...summary,
    name: names.canteens[summary.canteenId] ?? null,
    bySource: summary.bySource.map((part) => namedSource(part, names)),
    byRule: summary.byRule.map((rule) => ({ ...rule, name: names.rules[rule.ruleId] ?? null })),
    operatingSubsidy: {
      ...summary.operatingSubsidy,
      policyName: policyId === null ? null : (names.policies[policyId] ?? null),
    },
  };
}

const STEP_ROUTES: readonly { step: SettlementStep; verb: string; callers: string[]; summary: string }[] = [
  {
    step: 'reviewed',
    verb: 'review',
    callers: ['admin', 'reviewer'],
    summary: 'Record that a closed month was reviewed',
  },
  {
    step: 'approved',
    verb: 'approve',
    callers: ['admin', 'reviewer'],
    summary: 'Approve a reviewed month for payment (not by whoever closed it)',
  },
  { step: 'paid', verb: 'pay', callers: ['admin'], summary: 'Record that an approved month was paid' },
];

const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const attachment = (filename: string) => ({ 'content-disposition': `attachment; filename="${filename}"` });

/** A month and the names to print in it; the canteens' as registered now, even before the read model has them. */
async function namedView(service: SettlementService, printed: () => Promise<PrintedNames>, month: string) {
  const view = await service.view(month);
  return { view, names: await namesFor(service, printed, view) };
}

async function namesFor(
  service: SettlementService,
  printed: () => Promise<PrintedNames>,
  view: SettlementView,
): Promise<PrintedNames> {
  const [names, canteens] = await Promise.all([
    printed(),
    service.canteenNames(view.canteens.map((canteen) => canteen.canteenId)),
  ]);
  return { ...names, canteens: { ...names.canteens, ...Object.fromEntries(canteens) } };
}

/** A canteen manager reads its own canteen only. */
function requireOwnCanteen(request: Request, canteenId: string): void {
  const principal = principalOf(request);
  if (principal.role === 'canteen-manager' && principal.canteenId !== canteenId) {
    throw problemFor(
      'forbidden',
      'a canteen manager reads its own canteen only',
      {},
      { detail: '食堂管理员只能查看本食堂' },
    );
  }
}

/** 月结 endpoints: close a month, read it, take it through review, approval and payment, verify it. */
export function settlementRoutes(
  service: SettlementService,
  bureauName: string,
  printed: () => Promise<PrintedNames>,
): ImplementedRoute[] {
  const answer = async (view: SettlementView) => answerOf(view, await namesFor(service, printed, view));
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/settlements/:month/close',
      summary: 'Close an ended month at the event store’s head; closing again answers the first close',
      tags: ['settlements'],
      callers: ['admin'],
      params: monthParams,
      body: stepNote,
      success: { status: 200, schema: settlementSchema },
      problems: ['period-not-ended'],
    }).implement(async ({ params, body, request }) => {
      const { by, context } = actingUser(request);
      const closed = await service.close(params.month, by, body?.note ?? null, context);
      return { status: 200, body: await answer(closed) };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/settlements/:month',
      summary: 'A month’s settlement per canteen; provisional (status open) until it is closed',
      tags: ['settlements'],
      callers: ['admin', 'reviewer', 'auditor'],
      params: monthParams,
      success: { status: 200, schema: settlementSchema },
      problems: [],
    }).implement(async ({ params }) => ({
      status: 200,
      body: await answer(await service.view(params.month)),
    })),

    ...STEP_ROUTES.map(({ step, verb, callers, summary }) =>
      defineRoute({
        method: 'post',
        path: `/api/v1/settlements/:month/${verb}`,
        summary,
        tags: ['settlements'],
        callers,
        params: monthParams,
        body: stepNote,
        success: { status: 200, schema: settlementSchema },
        problems: ['settlement-step', 'four-eyes'],
      }).implement(async ({ params, body, request }) => {
        const { by, context } = actingUser(request);
        const view = await service.takeStep(params.month, step, by, body?.note ?? null, context);
        return { status: 200, body: await answer(view) };
      }),
    ),

    defineRoute({
      method: 'get',
      path: '/api/v1/settlements/:month/verify',
      summary: 'Recompute a closed month from the events and compare each canteen’s digest and figures',
      tags: ['settlements'],
      callers: ['admin', 'reviewer', 'auditor'],
      params: monthParams,
      query: z.object({ canteenId: idSchema.optional() }),
      success: { status: 200, schema: verificationSchema },
      problems: ['settlement-step', 'not-found'],
    }).implement(async ({ params, query }) => ({
      status: 200,
      body: { verifications: await service.verifyClosed(params.month, query.canteenId) },
    })),

    defineRoute({
      method: 'post',
      path: '/api/v1/statements/verify',
      summary:
        'Verify a canteen statement PDF as issued: its embedded figures recomputed from the events at its cut-off',
      tags: ['settlements'],
      callers: ['admin', 'reviewer', 'auditor'],
      body: z.custom<Buffer>((value) => Buffer.isBuffer(value), 'a statement PDF'),
      bodyMediaType: 'application/pdf',
      success: { status: 200, schema: verificationSchema },
      problems: [],
    }).implement(async ({ body }) => ({
      status: 200,
      body: { verifications: [await service.verifyStatement(await claimOfStatement(body))] },
    })),

    defineRoute({
      method: 'get',
      path: '/api/v1/settlements/:month/export.csv',
      summary:
        'The month for the finance system as CSV (UTF-8): per canteen (list=settlement) or the payment list',
      tags: ['settlements'],
      callers: ['admin', 'reviewer', 'auditor'],
      params: monthParams,
      query: z.object({ list: z.enum(['settlement', 'payments']).default('settlement') }),
      success: { status: 200, schema: z.custom<Buffer>(), mediaType: 'text/csv' },
      problems: [],
    }).implement(async ({ params, query }) => {
      const { view, names } = await namedView(service, printed, params.month);
      const table = query.list === 'payments' ? paymentTable(view, names) : settlementTable(view, names);
      return { status: 200, body: toCsv(table), headers: attachment(`${query.list}-${params.month}.csv`) };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/settlements/:month/export.xlsx',
      summary: 'The month for the finance system as a workbook: a settlement sheet and a payment-list sheet',
      tags: ['settlements'],
      callers: ['admin', 'reviewer', 'auditor'],
      params: monthParams,
      success: { status: 200, schema: z.custom<Buffer>(), mediaType: XLSX_MEDIA_TYPE },
      problems: [],
    }).implement(async ({ params }) => {
      const { view, names } = await namedView(service, printed, params.month);
      const workbook = await toXlsx([settlementTable(view, names), paymentTable(view, names)]);
      return { status: 200, body: workbook, headers: attachment(`settlement-${params.month}.xlsx`) };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/settlements/:month/statement.pdf',
      summary: 'The bureau’s summary of the month across all canteens (PDF, Chinese)',
      tags: ['settlements'],
      callers: ['admin', 'reviewer', 'auditor'],
      params: monthParams,
      success: { status: 200, schema: z.custom<Buffer>(), mediaType: 'application/pdf' },
      problems: [],
    }).implement(async ({ params }) => {
      const { view, names } = await namedView(service, printed, params.month);
      return {
        status: 200,
        body: await renderBureauSummary(view, bureauName, names),
        headers: { 'content-disposition': `inline; filename="summary-${params.month}.pdf"` },
      };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/settlements/:month/canteens/:canteenId/statement.pdf',
      summary: 'One canteen’s monthly statement (PDF, Chinese) with its figures embedded as settlement.json',
      tags: ['settlements'],
      callers: ['admin', 'reviewer', 'auditor', 'canteen-manager'],
      params: monthParams.extend({ canteenId: idSchema }),
      success: { status: 200, schema: z.custom<Buffer>(), mediaType: 'application/pdf' },
      problems: ['not-found'],
    }).implement(async ({ params, request }) => {
      requireOwnCanteen(request, params.canteenId);
      const input = await service.statementInput(params.month, params.canteenId, bureauName);
      const pdf = await renderCanteenStatement({ ...input, names: await printed() });
      return {
        status: 200,
        body: pdf,
        headers: {
          'content-disposition': `inline; filename="statement-${params.month}-${params.canteenId}.pdf"`,
        },
      };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/settlements/:month/canteens/:canteenId',
      summary: 'One canteen’s month in full: daily and per-elder tables besides the figures',
      tags: ['settlements'],
      callers: ['admin', 'reviewer', 'auditor', 'canteen-manager'],
      params: monthParams.extend({ canteenId: idSchema }),
      success: { status: 200, schema: z.looseObject({ canteenId: z.string() }) },
      problems: ['not-found'],
    }).implement(async ({ params, request }) => {
      requireOwnCanteen(request, params.canteenId);
      const { view, names } = await namedView(service, printed, params.month);
      const canteen = view.canteens.find((entry) => entry.canteenId === params.canteenId);
      if (!canteen)
        throw problemFor(
          'not-found',
          `no settlement for ${params.canteenId} in ${params.month}`,
          {},
          {
            detail: `${params.month} 的月结中没有食堂 ${params.canteenId}`,
          },
        );
      return {
        status: 200,
        body: { month: view.month, status: view.status, ...namedCanteen(canteen, names) },
      };
    }),
  ];
}

/** What a statement must carry to be verified; the canteen's figures are compared whole. */
const statementClaimSchema = z.object({
  month: z.string().refine(isMonthKey, 'YYYY-MM'),
  cutoff: z.looseObject({ position: z.string().regex(/^\d+\/\d+$/, 'a position such as 2361/830') }),
  canteen: z.looseObject({ canteenId: z.string(), digest: z.string() }),
});

/** The figures a statement PDF embeds (`settlement.json`), or 400 `invalid-body` saying what is wrong. */
async function claimOfStatement(pdf: Buffer): Promise<CanteenMonthClaim> {
  const read = await readStatement(pdf).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw problemFor(
      'invalid-body',
      `not a readable PDF: ${reason}`,
      {},
      { detail: `无法读取该 PDF：${reason}` },
    );
  });
  if (!read.figures)
    throw problemFor(
      'invalid-body',
      'the PDF carries no embedded settlement figures (settlement.json)',
      {},
      { detail: '该 PDF 中没有嵌入的月结数据(settlement.json)' },
    );
  const claim = statementClaimSchema.safeParse(read.figures);
  if (!claim.success)
    throw problemFor(
      'invalid-body',
      `the embedded settlement figures are not a statement's: ${claim.error.message}`,
      {},
      { detail: '该 PDF 中嵌入的数据不是月结单的数据' },
    );
  return read.figures as CanteenMonthClaim;
}
