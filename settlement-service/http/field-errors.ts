import type { z } from 'zod';
import { fieldWordsOf } from '../../domain/problems/issue-words.ts';
import type { Problem } from '../../domain/problems/problem.ts';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import type { FieldError } from './problem-catalogue.ts';

export { formatIssuePath } from '../../domain/problems/issue-words.ts';

/** Which part of the request failed its schema. */
export type RequestPart = 'params' | 'query' | 'body';

/*
 * A client that sends a thousand bad lines needs the first few to fix its code, not an answer as
 * large as its request.
 */
const MAX_FIELD_ERRORS = 20;

export type Language = 'en' | 'zh';

/** The refused fields in one language, each field named once (domain/problems/issue-words.ts). */
export function fieldErrorsOf(error: z.ZodError, language: Language = 'en'): FieldError[] {
  return fieldWordsOf(error.issues)
    .slice(0, MAX_FIELD_ERRORS)
    .map(({ path, message, messageZh }) => ({ path, message: language === 'zh' ? messageZh : message }));
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
