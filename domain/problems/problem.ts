/**
 * An error answered as `application/problem+json` (RFC 9457) with a stable machine `code`: the
 * settlement service's answers and the counter terminal's local API write it the same way.
 */
export class Problem extends Error {
  override readonly name = 'Problem';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

/**
 * What writing a problem needs of a response. Node's `http.ServerResponse` has it, and so has every
 * framework's response built on it (express's among them): domain/ names no framework.
 */
export interface ProblemResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** The body of a problem: `type`, `title`, `status`, `detail` when there is one, `code`, then its extension members. */
export function problemBody(problem: Problem): Record<string, unknown> {
  return {
    type: `https://zhucan.invalid/problems/${problem.code}`,
    title: problem.title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    code: problem.code,
    ...problem.extra,
  };
}

/** Answers with the problem. One that says when to try again says it in `Retry-After` too (RFC 9110). */
export function sendProblem(response: ProblemResponse, problem: Problem): void {
  const { retryAfterSeconds } = problem.extra;
  if (typeof retryAfterSeconds === 'number') response.setHeader('Retry-After', String(retryAfterSeconds));
  response.statusCode = problem.status;
  response.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  response.end(JSON.stringify(problemBody(problem)));
}
