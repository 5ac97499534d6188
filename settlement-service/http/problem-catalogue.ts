import { z } from 'zod';
import { Problem } from './problem.ts';

interface ProblemKind {
  readonly status: number;
  readonly title: string;
}

/*
 * Every machine code the API answers with, its status and its title. The title belongs to the code
 * (RFC 9457: it does not change from occurrence to occurrence); what happened goes into `detail`.
 * Route declarations name codes from here, so the OpenAPI document and the answers cannot drift apart.
 */
export const PROBLEM_CATALOGUE = {
  'invalid-body': { status: 400, title: 'Invalid body' },
  'invalid-params': { status: 400, title: 'Invalid path parameter' },
  'invalid-query': { status: 400, title: 'Invalid query parameter' },
  unauthenticated: { status: 401, title: 'Unauthenticated' },
  forbidden: { status: 403, title: 'Forbidden' },
  'four-eyes': { status: 403, title: 'Closer cannot approve' },
  'not-found': { status: 404, title: 'Not found' },
  'reason-required': { status: 400, title: 'Reason required' },
  'alert-decided': { status: 409, title: 'Alert already decided' },
  'invalid-id-number': { status: 400, title: 'Invalid ID number' },
  'card-taken': { status: 409, title: 'Card bound to another elder' },
  'id-number-taken': { status: 409, title: 'ID number registered for another elder' },
  'period-not-ended': { status: 409, title: 'Month has not ended' },
  'policy-immutable': { status: 409, title: 'Policy cannot be changed' },
  'policy-overlap': { status: 409, title: 'Policy overlaps another' },
  'sale-conflict': { status: 409, title: 'Sale conflicts with an earlier one' },
  'settlement-step': { status: 409, title: 'Settlement is not at that step' },
  'body-timeout': { status: 408, title: 'Body too slow' },
  'body-too-large': { status: 413, title: 'Body too large' },
  'too-many-attempts': { status: 429, title: 'Too many failed sign-ins' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'canteen-unknown': { status: 422, title: 'Unknown canteen' },
  'card-unknown': { status: 422, title: 'Unknown card' },
  'clock-skew': { status: 422, title: 'Clock off' },
  'item-unknown': { status: 422, title: 'Unknown menu item' },
  'policy-unknown': { status: 422, title: 'Unknown policy' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
  'cut-off-unavailable': { status: 503, title: 'Cut-off not reachable yet' },
} as const satisfies Record<string, ProblemKind>;

export type ProblemCode = keyof typeof PROBLEM_CATALOGUE;

/** A `Problem` with the status and title its code has in the catalogue. */
export function problemFor(code: ProblemCode, detail?: string, extra: Record<string, unknown> = {}): Problem {
  const { status, title } = PROBLEM_CATALOGUE[code];
  return new Problem(status, code, title, detail, extra);
}

/** One refused input field: `path` like `items[0].qty` (empty for the input as a whole). */
export const fieldErrorSchema = z.object({
  path: z.string(),
  message: z.string(),
});

export type FieldError = z.infer<typeof fieldErrorSchema>;

/** The problem+json body `sendProblem` writes; loose because a problem may carry extension members. */
export const problemSchema = z
  .looseObject({
    type: z.string().describe('URI naming the problem type'),
    title: z.string().describe('short summary, the same for every occurrence of the code'),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional().describe('what happened this time; names the first refused field'),
    code: z.string().describe('stable machine code, e.g. sale-conflict'),
    errors: z
      .array(fieldErrorSchema)
      .optional()
      .describe('the refused fields, for invalid-body, invalid-params and invalid-query'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
