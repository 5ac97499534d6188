import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { PolicyDocument } from '../../domain/policy/policy-types.ts';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import { parseProposal } from '../../domain/simulation/proposal.ts';
import { isMonthKey, type MonthKey } from '../../domain/time/calendar.ts';
import type { EventStore } from '../../event-store/port.ts';
import { canteenNamesOf } from '../../projections/directory/directory-queries.ts';
import { printedNames } from '../../projections/names/names-queries.ts';
import { namedSimulation, ruleNamesOf } from '../../projections/simulation/named-simulation.ts';
import { simulateMonth, simulateProposals } from '../../projections/simulation/simulate-month.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';
import { toXlsx } from '../statements/exports.ts';
import { simulationTables } from './simulation-export.ts';

/** How long a simulation waits for the read models to reach the store's head. */
const CATCH_UP_TIMEOUT_MS = 30_000;

const fen = z.number().int().describe('integer fen');
const figures = z
  .object({
    mealsSold: z.number().int(),
    subsidisedMeals: z.number().int(),
    subsidyFen: fen,
    operatingSubsidyFen: fen,
    reimbursementFen: fen.describe('subsidy reimbursed plus operating subsidy; adjustments left out'),
    bySource: z.array(z.object({ source: z.string(), fen })),
  })
  .meta({ id: 'SimulationFigures' });

const simulationSchema = z
  .object({
    month: z.string(),
    baseline: figures.describe('the month as recorded'),
    proposed: figures.describe('the month decided again under the proposal'),
    canteens: z.array(
      z.object({
        canteenId: z.string(),
        name: z.string().describe('the canteen’s registered name'),
        baseline: figures,
        proposed: figures,
      }),
    ),
    byRule: z.array(
      z.object({
        ruleId: z.string(),
        name: z.string().nullable().describe("the rule's label: the proposal's, else the recorded policies'"),
        baselineFen: fen,
        proposedFen: fen,
      }),
    ),
    elders: z.object({
      affected: z.number().int().describe('elders served whose subsidy would change'),
      gaining: z.number().int(),
      losing: z.number().int(),
      unchanged: z.number().int(),
    }),
  })
  .meta({ id: 'Simulation' });

const monthSchema = z.string().refine(isMonthKey, 'expected a month YYYY-MM').describe('month YYYY-MM');
const proposalSchema = z
  .looseObject({})
  .describe(
    'a proposed policy document in the policy language; its policyId and dates are ignored and may be left out',
  );
const simulationBody = z.strictObject({ month: monthSchema, policy: proposalSchema });
const exportBody = z.strictObject({
  month: monthSchema,
  proposals: z
    .array(z.strictObject({ label: z.string().trim().min(1).max(40).optional(), policy: proposalSchema }))
    .min(1)
    .max(3)
    .describe('up to three proposals, compared side by side with the month as recorded'),
});
const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The proposal as `PUT /api/v1/policies` validates it, its ignored fields filled when left out; a
 * refusal names the field under `field`.
 */
export function proposalOf(
  month: MonthKey,
  document: Record<string, unknown>,
  field = 'policy',
): PolicyDocument {
  const parsed = parseProposal(month, document);
  if (parsed.ok) return parsed.policy;
  const paths = parsed.issues.map((issue) => (issue.path === '' ? field : `${field}.${issue.path}`));
  const errors = parsed.issues.map((issue, index) => ({
    path: paths[index] ?? field,
    message: issue.message,
  }));
  const errorsZh = parsed.issues.map((issue, index) => ({
    path: paths[index] ?? field,
    message: issue.messageZh,
  }));
  const detail = (first: { path: string; message: string } | undefined, refused: string) =>
    first ? `${first.path}: ${first.message}` : refused;
  throw problemFor(
    'invalid-body',
    detail(errors[0], `${field} was refused`),
    { errors },
    { detail: detail(errorsZh[0], `${field} 被拒绝`), extra: { errors: errorsZh } },
  );
}

/** 政策测算: what a proposed policy would have paid for a month's real meals; records nothing. */
export function simulationRoutes(store: EventStore, db: Kysely<unknown>): ImplementedRoute[] {
  const canteenNames = (canteenIds: readonly string[]) => canteenNamesOf(db, canteenIds);
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/simulations',
      summary:
        'Decide a month’s recorded sales again under a proposed policy and compare with the month as recorded',
      tags: ['simulations'],
      callers: ['admin', 'reviewer', 'auditor'],
      body: simulationBody,
      success: { status: 200, schema: simulationSchema },
      problems: ['cut-off-unavailable'],
    }).implement(async ({ body }) => {
      const proposal = proposalOf(body.month, body.policy);
      const result = await simulateMonth(store, db, body.month, proposal, { timeoutMs: CATCH_UP_TIMEOUT_MS });
      return {
        status: 200,
        body: (await namedSimulation(db, result, proposal)) as z.output<typeof simulationSchema>,
      };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/simulations/export.xlsx',
      summary: 'Up to three proposals over one month side by side with the month as recorded, as a workbook',
      tags: ['simulations'],
      callers: ['admin', 'reviewer', 'auditor'],
      body: exportBody,
      success: { status: 200, schema: z.custom<Buffer>(), mediaType: XLSX_MEDIA_TYPE },
      problems: ['cut-off-unavailable'],
    }).implement(async ({ body }) => {
      const proposals = body.proposals.map((proposal, index) =>
        proposalOf(body.month, proposal.policy, `proposals[${index}].policy`),
      );
      const results = await simulateProposals(store, db, body.month, proposals, {
        timeoutMs: CATCH_UP_TIMEOUT_MS,
      });
      const labelled = results.map((result, index) => ({
        label: body.proposals[index]?.label ?? `方案${index + 1}`,
        result,
      }));
      const names = await canteenNames(results[0]?.canteens.map((canteen) => canteen.canteenId) ?? []);
      const printed = await printedNames(db);
      const ruleNames = ruleNamesOf(proposals, printed.rules);
      return {
        status: 200,
        body: await toXlsx(simulationTables(body.month, labelled, names, printed.sources, ruleNames)),
        headers: { 'content-disposition': `attachment; filename="simulation-${body.month}.xlsx"` },
      };
    }),
  ];
}
