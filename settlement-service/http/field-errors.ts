import { z } from 'zod';
import type { Problem } from '../../domain/problems/problem.ts';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import type { FieldError } from './problem-catalogue.ts';

/** Which part of the request failed its schema. */
export type RequestPart = 'params' | 'query' | 'body';

/*
 * A client that sends a thousand bad lines needs the first few to fix its code, not an answer as
 * large as its request.
 */
const MAX_FIELD_ERRORS = 20;

/** Renders a zod issue path the way people write field paths: `rules[0].funding`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text === '' ? String(key) : `${text}.${String(key)}`;
  }, '');
}

export type Language = 'en' | 'zh';

export function fieldErrorsOf(error: z.ZodError, language: Language = 'en'): FieldError[] {
  return error.issues.flatMap((issue) => fieldErrorsOfIssue(issue, language)).slice(0, MAX_FIELD_ERRORS);
}

function fieldErrorsOfIssue(issue: z.core.$ZodIssue, language: Language): FieldError[] {
  // Name each unknown field itself, so that the answer points at the misspelling.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: formatIssuePath([...issue.path, key]),
      message: language === 'zh' ? '未知字段' : 'unknown field',
    }));
  }
  return [
    { path: formatIssuePath(issue.path), message: language === 'zh' ? chineseMessage(issue) : issue.message },
  ];
}

/** The schemas' own messages (see common-schemas.ts and the routes' schemas) in Chinese. */
const OWN_MESSAGES_ZH: Record<string, string> = {
  'expected an ISO 8601 instant with its offset':
    '应为带时区偏移的 ISO 8601 时间，例如 2026-10-08T11:40:00+08:00',
  'expected a real date YYYY-MM-DD': '应为真实存在的日期 YYYY-MM-DD',
  'expected a date YYYY-MM-DD': '应为日期 YYYY-MM-DD',
  'expected a month YYYY-MM': '应为月份 YYYY-MM',
  'expected a time HH:MM': '应为时间 HH:MM',
  'expected HH:MM': '应为时间 HH:MM',
  'must be after from': '止日(to)须晚于起日(from)',
};

const ENGLISH = z.locales.en().localeError;
const CHINESE = z.locales.zhCN().localeError;

/** zod's words without what it was given (an answered issue no longer carries the input). */
function withoutReceived(message: string): string {
  return message.replace(/(, received|，实际接收) .*$/, '');
}

function localeMessage(map: z.core.$ZodErrorMap, issue: z.core.$ZodIssue): string | undefined {
  const said = map(issue as unknown as Parameters<typeof map>[0]);
  const text = typeof said === 'string' ? said : said?.message;
  return text === undefined ? undefined : withoutReceived(text);
}

/**
 * An issue's message in Chinese: zod's own words in its Chinese locale when the schema left zod's
 * English message, the schemas' own messages from the table above, else the English message.
 */
function chineseMessage(issue: z.core.$ZodIssue): string {
  const own = OWN_MESSAGES_ZH[issue.message];
  if (own !== undefined) return own;
  if (issue.code !== 'custom' && localeMessage(ENGLISH, issue) === withoutReceived(issue.message)) {
    return localeMessage(CHINESE, issue) ?? issue.message;
  }
  return issue.message;
}

function detailOf(part: RequestPart, errors: readonly FieldError[], refused: string): string {
  const first = errors[0];
  if (first === undefined) return refused;
  return first.path === '' ? `${part}: ${first.message}` : `${first.path}: ${first.message}`;
}

/** The 400 answer for a request part that failed its schema, naming the refused fields (in both languages). */
export function invalidInputProblem(part: RequestPart, error: z.ZodError): Problem {
  const errors = fieldErrorsOf(error);
  const errorsZh = fieldErrorsOf(error, 'zh');
  const partZh = { params: '地址参数', query: '查询参数', body: '请求内容' }[part];
  return problemFor(
    `invalid-${part}`,
    detailOf(part, errors, `the ${part} was refused`),
    { errors },
    { detail: detailOf(part, errorsZh, `${partZh}被拒绝`), extra: { errors: errorsZh } },
  );
}
