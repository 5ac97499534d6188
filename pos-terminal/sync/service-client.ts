import { z } from 'zod';
import {
  batchAnswerSchema,
  type QuoteAnswer,
  quoteAnswerSchema,
  type SaleAnswer,
  saleAnswerSchema,
} from '../../domain/sales/sale-answer.ts';
import type { OfflineCopy } from '../../domain/terminals/offline-copy.ts';
import type { Refusal, SaleRequestBody } from '../outbox/outbox.ts';
import { TerminalClock } from './terminal-clock.ts';

/**
 * The service could not be reached. `delivered: false` when the request certainly never arrived (no
 * connection was made), so the sale may be sent in another form; `'unknown'` when it may have.
 */
export class ServiceUnreachable extends Error {
  override readonly name = 'ServiceUnreachable';
  constructor(
    readonly delivered: false | 'unknown',
    cause: unknown,
  ) {
    super(
      `the service is unreachable: ${cause instanceof Error ? (cause.cause ?? cause).toString() : String(cause)}`,
    );
  }
}

/** The service answered with a problem (docs/api.en.md): the request was refused. */
export class ServiceRefusal extends Error implements Refusal {
  override readonly name = 'ServiceRefusal';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail?: string,
  ) {
    super(`${status} ${code}${detail ? `: ${detail}` : ''}`);
  }
}

const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function neverConnected(error: unknown): boolean {
  for (
    let cause = error as { code?: unknown; cause?: unknown } | undefined;
    cause;
    cause = cause.cause as typeof cause
  ) {
    if (typeof cause.code === 'string' && NOT_CONNECTED.has(cause.code)) return true;
  }
  return false;
}

/** The service answered, but not as its API declares (`domain/sales/sale-answer.ts`). */
export class ServiceAnswerInvalid extends Error {
  override readonly name = 'ServiceAnswerInvalid';
  constructor(what: string, detail: string) {
    super(`the service's answer to ${what} is not as declared: ${detail}`);
  }
}

/** Reads an answer by the schema the service answers it by. */
function answerAs<Schema extends z.ZodType>(schema: Schema, what: string, answer: unknown): z.output<Schema> {
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw new ServiceAnswerInvalid(what, z.prettifyError(parsed.error));
  return parsed.data;
}

export type BatchResult =
  | { readonly saleId: string; readonly status: number; readonly sale: SaleAnswer }
  | { readonly saleId: string; readonly status: number; readonly problem: Refusal };

/** A sale to send, and whether it was timed by the PC's clock before that clock was checked. */
export interface OutgoingSale {
  readonly body: SaleRequestBody;
  readonly clockUnchecked?: boolean;
}

/** The settlement service as a terminal sees it, over HTTP with its own token. */
export class ServiceClient {
  /** The terminal's time, set by the service's clock from every answer (`Date` header). */
  readonly clock: TerminalClock;

  constructor(
    private readonly options: {
      readonly url: string;
      readonly token: string;
      readonly terminalId: string;
      readonly timeoutMs: number;
      readonly clock?: TerminalClock;
    },
  ) {
    this.clock = options.clock ?? new TerminalClock();
  }

  async quote(body: SaleRequestBody): Promise<QuoteAnswer> {
    const answer = await this.call('POST', '/api/v1/sales/quote', this.sent({ body }));
    return answerAs(quoteAnswerSchema, 'a quote', answer);
  }

  async sell(sale: OutgoingSale): Promise<SaleAnswer> {
    return answerAs(saleAnswerSchema, 'a sale', await this.call('POST', '/api/v1/sales', this.sent(sale)));
  }

  /** Each sale's result, in the order sent: its answer, or the problem that refused it. */
  async sellBatch(sales: readonly OutgoingSale[]): Promise<BatchResult[]> {
    const answer = answerAs(
      batchAnswerSchema,
      'a batch',
      await this.call(
        'POST',
        '/api/v1/sales/batch',
        { sales: sales.map((sale) => this.sent(sale)) },
        this.options.timeoutMs * 10,
      ),
    );
    // Every sale sent carries its id, so every result names its sale.
    return answer.results.map(({ saleId, status, sale, problem }, index) => {
      if (saleId !== null && sale) return { saleId, status, sale };
      if (saleId !== null && problem) return { saleId, status, problem };
      throw new ServiceAnswerInvalid('a batch', `result ${index} names no sale or has no answer`);
    });
  }

  /** `occurredAt`: when the void was made at the counter (the service records its own time without it). */
  async voidSale(saleId: string, reason: string, occurredAt?: number): Promise<SaleAnswer> {
    const body = {
      reason,
      ...(occurredAt === undefined ? {} : { occurredAt: new Date(occurredAt).toISOString() }),
    };
    return answerAs(
      saleAnswerSchema,
      'a void',
      await this.call('POST', `/api/v1/sales/${saleId}/void`, body),
    );
  }

  /** Whether the service answers and can record (its database is up): throws ServiceUnreachable if not. */
  async ping(): Promise<void> {
    await this.call('GET', '/health/live');
  }

  offlineCopy(): Promise<OfflineCopy> {
    return this.call('GET', `/api/v1/terminals/${encodeURIComponent(this.options.terminalId)}/offline-copy`);
  }

  async reportQueue(queuedSales: number, oldestQueuedAt: number | null): Promise<void> {
    await this.call('PUT', `/api/v1/terminals/${encodeURIComponent(this.options.terminalId)}/queue`, {
      queuedSales,
      ...(oldestQueuedAt === null ? {} : { oldestQueuedAt: new Date(oldestQueuedAt).toISOString() }),
    });
  }

  /**
   * `sentAt` is the clock that timed the sale, read at sending, so that the service refuses a sale
   * timed by a clock that is off: the terminal's time for a sale it timed after checking its clock,
   * the PC's own clock for one timed before (it cannot know whether that sale's time is right).
   */
  private sent({ body, clockUnchecked }: OutgoingSale) {
    const sentAt = clockUnchecked ? this.clock.local() : this.clock.now();
    return { ...body, sentAt: new Date(sentAt).toISOString() };
  }

  private async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = this.options.timeoutMs,
  ): Promise<T> {
    let response: Response;
    const sentAt = this.clock.monotonicNow();
    try {
      response = await fetch(`${this.options.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          // Refusals in Chinese, the cashier's language: the counter shows their detail as it is.
          'accept-language': 'zh-CN',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ServiceUnreachable(neverConnected(error) ? false : 'unknown', error);
    }
    this.clock.observeAnswer(response.headers.get('date'), sentAt);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new ServiceUnreachable('unknown', error);
    }
    // 5xx: the service is there but cannot record now (database down, restarting): try again later.
    if (response.status >= 500)
      throw new ServiceUnreachable('unknown', new Error(`${response.status} ${text}`));
    const parsed = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ServiceRefusal(response.status, parsed?.code ?? 'unknown', parsed?.detail);
    return parsed as T;
  }
}
