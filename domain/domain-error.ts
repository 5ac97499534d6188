import type { ProblemCode } from './problems/problem-catalogue.ts';

/** How a domain refusal reads to a caller; its HTTP status is its code's, from the problem catalogue. */
export type DomainErrorKind =
  /** 400: the input itself is wrong. */
  | 'invalid'
  /** 404: the thing named does not exist. */
  | 'not-found'
  /** 409: it clashes with what is already recorded. */
  | 'conflict'
  /** 422: well-formed, but not allowed in the current state. */
  | 'not-allowed';

/** A refusal's words: English alone, or English and Chinese (for the people reading the answer). */
export type RefusalMessage = string | { readonly en: string; readonly zh: string };

/** A refusal by the domain, with a stable machine code (e.g. `policy-overlap`, `card-taken`). */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  /** The message in Chinese, when the refusal was given one. */
  readonly messageZh: string | undefined;
  constructor(
    readonly kind: DomainErrorKind,
    /** A code of the catalogue (problems/problem-catalogue.ts), which gives its status and title. */
    readonly code: ProblemCode,
    message: RefusalMessage,
    /** The offending field, e.g. `periods.lunch` or `items[1].itemId`. */
    readonly field?: string,
  ) {
    super(typeof message === 'string' ? message : message.en);
    this.messageZh = typeof message === 'string' ? undefined : message.zh;
  }
}
