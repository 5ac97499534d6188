import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError } from '../../domain/domain-error.ts';
import { Problem, problemLanguage, sendProblem } from '../../domain/problems/problem.ts';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import { CutoffUnavailableError } from '../../event-store/errors.ts';

export const notFound: RequestHandler = (request, response) => {
  sendProblem(
    response,
    problemFor(
      'not-found',
      `${request.method} ${request.path} is not a resource`,
      {},
      {
        detail: `没有这个地址：${request.method} ${request.path}`,
      },
    ),
    problemLanguage(request.headers['accept-language']),
  );
};

/** A domain refusal as an answer: its code, its message (and its Chinese one), and the field it names. */
export function problemOfDomainError(error: DomainError): Problem {
  const field = (message: string) => ({
    detail: error.field ? `${error.field}: ${message}` : message,
    extra: error.field ? { errors: [{ path: error.field, message }] } : {},
  });
  const en = field(error.message);
  const zh = field(error.messageZh);
  return problemFor(error.code, en.detail, en.extra, zh);
}

/**
 * The one place where errors become HTTP answers, in the language the request asks for (Chinese
 * unless it prefers English). Unknown errors are logged and answered as 500.
 */
export function problemHandler(log: (line: string) => void): ErrorRequestHandler {
  return (error, request, response, _next) => {
    const language = problemLanguage(request.headers?.['accept-language']);
    const send = (problem: Problem) => sendProblem(response, problem, language);
    if (error instanceof Problem) return send(error);
    if (error instanceof DomainError) return send(problemOfDomainError(error));
    // The router could not decode a path parameter (a stray `%`): the caller's mistake, not ours.
    if (error instanceof URIError) {
      const message = 'not valid percent-encoded UTF-8';
      const messageZh = '不是有效的百分号编码 UTF-8';
      return send(
        problemFor(
          'invalid-params',
          `a path parameter is ${message}`,
          { errors: [{ path: 'params', message }] },
          { detail: `地址参数${messageZh}`, extra: { errors: [{ path: 'params', message: messageZh }] } },
        ),
      );
    }
    if (isStoreUnavailable(error)) return send(storeUnavailable());
    if (isReadModelNotBuilt(error))
      return send(
        storeUnavailable('the read models are being built; try again', '读取数据正在建立，请稍后重试'),
      );
    if (error instanceof CutoffUnavailableError)
      return send(
        problemFor(
          'cut-off-unavailable',
          `${error.message}; nothing was recorded, try again`,
          { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
          { detail: `截止点尚未就绪，未记录任何内容，请 ${STORE_RETRY_AFTER_SECONDS} 秒后重试` },
        ),
      );
    log(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    send(problemFor('internal', 'the error was logged', {}, { detail: '错误已记入日志' }));
  };
}

/** How long a client waits before sending again a request refused because the database is away. */
export const STORE_RETRY_AFTER_SECONDS = 2;

/** 503 `unavailable`: the database is down, restarting or unreachable; the same request may be sent again. */
export function storeUnavailable(
  detail = 'the database is not reachable; try again',
  detailZh = '暂时连不上数据库，未记录任何内容，请稍后重试',
): Problem {
  return problemFor(
    'unavailable',
    detail,
    { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
    { detail: detailZh },
  );
}

/**
 * A read model's first generation is not active yet (a new database, the service just started): its
 * view does not exist until the projection has built it, which takes moments, not a fix.
 */
export function isReadModelNotBuilt(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '42P01' && typeof message === 'string' && /"read_models\./.test(message);
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
