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

/**
 * A refusal's words, in Chinese for the people who read the answer (the default) and in English for
 * those who ask for it: a refusal without its Chinese does not compile.
 */
export type RefusalMessage = { readonly en: string; readonly zh: string };

/** A refusal by the domain, with a stable machine code (e.g. `policy-overlap`, `card-taken`). */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  /** The message in Chinese. */
  readonly messageZh: string;
  constructor(
    readonly kind: DomainErrorKind,
    /** A code of the catalogue (problems/problem-catalogue.ts), which gives its status and title. */
    readonly code: ProblemCode,
    message: RefusalMessage,
    /** The offending field, e.g. `periods.lunch` or `items[1].itemId`. */
    readonly field?: string,
  ) {
    super(message.en);
    this.messageZh = message.zh;
  }
}
