import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError } from '../../domain/domain-error.ts';
import { Problem, sendProblem } from '../../domain/problems/problem.ts';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import { CutoffUnavailableError } from '../../event-store/errors.ts';

export const notFound: RequestHandler = (request, response) => {
  sendProblem(response, problemFor('not-found', `${request.method} ${request.path} is not a resource`));
};

/** A domain refusal as an answer: its code, its message, and the field it names. */
export function problemOfDomainError(error: DomainError): Problem {
  const extra = error.field ? { errors: [{ path: error.field, message: error.message }] } : {};
  const detail = error.field ? `${error.field}: ${error.message}` : error.message;
  return problemFor(error.code, detail, extra);
}

/** The one place where errors become HTTP answers. Unknown errors are logged and answered as 500. */
export function problemHandler(log: (line: string) => void): ErrorRequestHandler {
  return (error, _request, response, _next) => {
    if (error instanceof Problem) return sendProblem(response, error);
    if (error instanceof DomainError) return sendProblem(response, problemOfDomainError(error));
    // The router could not decode a path parameter (a stray `%`): the caller's mistake, not ours.
    if (error instanceof URIError) {
      const message = 'not valid percent-encoded UTF-8';
      return sendProblem(
        response,
        problemFor('invalid-params', `a path parameter is ${message}`, {
          errors: [{ path: 'params', message }],
        }),
      );
    }
    if (isStoreUnavailable(error)) return sendProblem(response, storeUnavailable());
    if (error instanceof CutoffUnavailableError)
      return sendProblem(
        response,
        problemFor('cut-off-unavailable', `${error.message}; nothing was recorded, try again`, {
          retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
        }),
      );
    log(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    sendProblem(response, problemFor('internal', 'the error was logged'));
  };
}

/** How long a client waits before sending again a request refused because the database is away. */
export const STORE_RETRY_AFTER_SECONDS = 2;

/** 503 `unavailable`: the database is down, restarting or unreachable; the same request may be sent again. */
export function storeUnavailable(detail = 'the database is not reachable; try again'): Problem {
  return problemFor('unavailable', detail, { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS });
}

/** Errors of a database connection that went away, none of them about the request itself. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** pg's own errors for a connection lost or never made; they carry no code. */
const CONNECTION_ERROR_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

/**
 * The database is down, restarting or unreachable: the request can be repeated later. SQLSTATE class
 * 08 (connection exception) and 57P (the server shutting down, crashed, starting up), the
 * socket errors, and pg's messages for a lost connection; also when they are the cause of another error.
 */
export function isStoreUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (/^(08|57P)/.test(code) || CONNECTION_ERROR_CODES.has(code))) return true;
  if (typeof message === 'string' && CONNECTION_ERROR_MESSAGES.test(message)) return true;
  if (Array.isArray(errors) && errors.some((one) => isStoreUnavailable(one, depth + 1))) return true;
  return isStoreUnavailable(cause, depth + 1);
}
