import type { z } from 'zod';
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

export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  return error.issues.flatMap(fieldErrorsOfIssue).slice(0, MAX_FIELD_ERRORS);
}

function fieldErrorsOfIssue(issue: z.core.$ZodIssue): FieldError[] {
  // Name each unknown field itself, so that the answer points at the misspelling.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: formatIssuePath([...issue.path, key]),
      message: 'unknown field',
    }));
  }
  return [{ path: formatIssuePath(issue.path), message: issue.message }];
}

/** The 400 answer for a request part that failed its schema, naming the refused fields. */
export function invalidInputProblem(part: RequestPart, error: z.ZodError): Problem {
  const errors = fieldErrorsOf(error);
  const first = errors[0];
  const detail =
    first === undefined
      ? `the ${part} was refused`
      : first.path === ''
        ? `${part}: ${first.message}`
        : `${first.path}: ${first.message}`;
  return problemFor(`invalid-${part}`, detail, { errors });
}
