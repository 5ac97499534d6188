import type { ErrorRequestHandler, RequestHandler, Response } from 'express';

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

/** The one place where errors become HTTP answers. Unknown errors are logged and answered as 500. */
export function problemHandler(log: (line: string) => void): ErrorRequestHandler {
  return (error, _request, response, _next) => {
    if (error instanceof Problem) return sendProblem(response, error);
    const bodyError = error as { type?: string; status?: number };
    if (bodyError.type === 'entity.parse.failed') {
      return sendProblem(
        response,
        new Problem(400, 'invalid-body', 'Malformed JSON', 'the body is not valid JSON'),
      );
    }
    if (bodyError.type === 'entity.too.large') {
      return sendProblem(response, new Problem(413, 'body-too-large', 'Body too large'));
    }
    log(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    sendProblem(response, new Problem(500, 'internal', 'Internal error', 'the error was logged'));
  };
}
