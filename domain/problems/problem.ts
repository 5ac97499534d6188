/** The languages a problem is answered in: Chinese for the people who read it, English on request. */
export type ProblemLanguage = 'zh-CN' | 'en';

/** What a problem says in Chinese: its title, and its detail and extension members where they have words. */
export interface ProblemInChinese {
  readonly title?: string;
  readonly detail?: string;
  /** Members that replace the English ones, e.g. `errors` with Chinese messages. */
  readonly extra?: Record<string, unknown>;
}

/**
 * An error answered as `application/problem+json` (RFC 9457) with a stable machine `code`: the
 * settlement service's answers and the counter terminal's local API write it the same way. `title`
 * and `detail` are English; `zh` carries the Chinese words, used when the reader asks for Chinese.
 */
export class Problem extends Error {
  override readonly name = 'Problem';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly zh: ProblemInChinese = {},
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

/**
 * The body of a problem: `type`, `title`, `status`, `detail` when there is one, `code`, then its
 * extension members. In Chinese, the title and detail are the Chinese ones where the problem has them,
 * else the English; `type`, `status` and `code` never change with the language.
 */
export function problemBody(problem: Problem, language: ProblemLanguage = 'en'): Record<string, unknown> {
  const zh = language === 'zh-CN';
  const title = zh ? (problem.zh.title ?? problem.title) : problem.title;
  const detail = zh ? (problem.zh.detail ?? problem.detail) : problem.detail;
  return {
    type: `https://zhucan.invalid/problems/${problem.code}`,
    title,
    status: problem.status,
    ...(detail ? { detail } : {}),
    code: problem.code,
    ...problem.extra,
    ...(zh ? problem.zh.extra : {}),
  };
}

/**
 * The language an `Accept-Language` header (RFC 9110) asks for: English when the reader ranks an
 * English tag above every Chinese one, else Chinese (also when the header is absent or names neither).
 */
export function problemLanguage(acceptLanguage: string | undefined): ProblemLanguage {
  if (!acceptLanguage) return 'zh-CN';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().toLowerCase().split(';');
      const q = parameters.map((one) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(one)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && !Number.isNaN(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'zh-CN';
}

/** Answers with the problem. One that says when to try again says it in `Retry-After` too (RFC 9110). */
export function sendProblem(
  response: ProblemResponse,
  problem: Problem,
  language: ProblemLanguage = 'en',
): void {
  const { retryAfterSeconds } = problem.extra;
  if (typeof retryAfterSeconds === 'number') response.setHeader('Retry-After', String(retryAfterSeconds));
  response.statusCode = problem.status;
  response.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  response.setHeader('Content-Language', language);
  response.end(JSON.stringify(problemBody(problem, language)));
}
