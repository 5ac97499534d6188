import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { DomainError, type DomainErrorKind } from '../../domain/domain-error.ts';
// A cycle, but both sides use each other only inside functions.
import { PROBLEM_CATALOGUE, type ProblemCode, problemFor } from './problem-catalogue.ts';

/** An error answered as `application/problem+json` with a stable machine `code`. */
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

export function sendProblem(response: Response, problem: Problem): void {
  response
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: `https://zhucan.invalid/problems/${problem.code}`,
      title: problem.title,
      status: problem.status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      code: problem.code,
      ...problem.extra,
    });
}

export const notFound: RequestHandler = (request, response) => {
  sendProblem(
    response,
    new Problem(404, 'not-found', 'Not found', `${request.method} ${request.path} is not a resource`),
  );
};

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  'not-allowed': 422,
};

/** A domain refusal as an answer: its code, its message, and the field it names. */
export function problemOfDomainError(error: DomainError): Problem {
  const catalogued = error.code in PROBLEM_CATALOGUE;
  const status = catalogued
    ? PROBLEM_CATALOGUE[error.code as ProblemCode].status
    : STATUS_OF_KIND[error.kind];
  const extra = error.field ? { errors: [{ path: error.field, message: error.message }] } : {};
  const detail = error.field ? `${error.field}: ${error.message}` : error.message;
  const title = catalogued ? PROBLEM_CATALOGUE[error.code as ProblemCode].title : error.code;
  return new Problem(status, error.code, title, detail, extra);
}

/** The one place where errors become HTTP answers. Unknown errors are logged and answered as 500. */
export function problemHandler(log: (line: string) => void): ErrorRequestHandler {
  return (error, _request, response, _next) => {
    if (error instanceof Problem) return sendProblem(response, error);
    if (error instanceof DomainError) return sendProblem(response, problemOfDomainError(error));
    // The router could not decode a path parameter (a stray `%`): the caller's mistake, not ours.
    if (error instanceof URIError) {
      return sendProblem(
        response,
        problemFor('invalid-params', 'a path parameter is not valid percent-encoded UTF-8'),
      );
    }
    if (isStoreUnavailable(error)) {
      return sendProblem(
        response,
        new Problem(503, 'unavailable', 'Service unavailable', 'the database is not reachable; try again'),
      );
    }
    log(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    sendProblem(response, new Problem(500, 'internal', 'Internal error', 'the error was logged'));
  };
}

/** The database is down, restarting or unreachable: the request can be repeated later. */
function isStoreUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    (/^(08|57P)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(code))
  );
}
