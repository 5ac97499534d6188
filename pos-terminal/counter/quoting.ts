import { randomUUID } from 'node:crypto';
import { reasonForTheElder } from '../../domain/policy/reasons.ts';
import type { CountedMeal } from '../../domain/terminals/offline-copy.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { type ServiceClient, ServiceRefusal, ServiceUnreachable } from '../sync/service-client.ts';
import type { Syncer } from '../sync/syncer.ts';
import type { CounterOfflineCopy } from './counter-offline-copy.ts';
import {
  CounterError,
  type MealRequest,
  NOT_IN_COPY,
  type QuoteView,
  reasonOf,
  refusalAtCounter,
} from './counter-views.ts';

/** A quote on screen, with what confirming it needs to record the sale. */
export type PendingQuote = QuoteView & {
  readonly occurredAt: number;
  /** Timed before the terminal had heard the service's clock (a start without network). */
  readonly clockUnchecked: boolean;
  readonly period: string | null;
  readonly counted: CountedMeal | null;
};

/**
 * Quoting a tap (or a guest sale): prices the meal and decides its subsidy, through the service when
 * it answers in time, else from the offline copy. The latest quote waits for the cashier to confirm.
 */
export class Quoting {
  private quote: PendingQuote | null = null;
  /** When the latest tap was refused (an unknown card …): the display then shows nobody's amounts. */
  private refusedAt: number | null = null;
  private quoteTurn = 0;

  constructor(
    private readonly service: ServiceClient,
    private readonly syncer: Syncer,
    private readonly outbox: Outbox,
    private readonly copy: CounterOfflineCopy,
    private readonly now: () => number,
    private readonly changed: () => void,
  ) {}

  /** The quote on screen, if any. */
  get current(): PendingQuote | null {
    return this.quote;
  }

  get refusedTapAt(): number | null {
    return this.refusedAt;
  }

  /** The quote on screen, if it is the one the cashier confirms. */
  pending(quoteId: string): PendingQuote {
    const quote = this.quote;
    if (!quote || quote.quoteId !== quoteId)
      throw new CounterError(
        'quote-unknown',
        409,
        '请重新刷卡或选择餐品',
        'Tap the card or choose the meal again',
      );
    return quote;
  }

  /** Nothing on screen to confirm any more. */
  clear(): void {
    this.quote = null;
  }

  /** Nothing is recorded until the cashier confirms. */
  async quoteMeal(request: MealRequest): Promise<QuoteView> {
    if (request.items.length === 0)
      throw new CounterError('no-items', 400, '请先选择餐品', 'Choose a meal first');
    // Taps and changes can overlap: the screen shows the answer to the latest, whatever arrives last.
    const turn = ++this.quoteTurn;
    try {
      const decided = await this.decideQuote(request);
      const reason = decided.reason;
      const quote = { ...decided, reasonForTheElder: reason ? reasonForTheElder(reason.code) : null };
      if (turn === this.quoteTurn) {
        this.quote = quote;
        this.refusedAt = null;
      }
      return quote;
    } catch (error) {
      // A failed tap never leaves the previous elder's amounts to be confirmed, nor on the display.
      if (turn === this.quoteTurn) {
        this.quote = null;
        this.refusedAt = this.now();
      }
      throw error;
    } finally {
      this.changed();
    }
  }

  private async decideQuote(request: MealRequest): Promise<Omit<PendingQuote, 'reasonForTheElder'>> {
    const saleId = randomUUID();
    const clockUnchecked = !this.service.clock.state().checked;
    const occurredAt = this.now();
    const channel = request.channel ?? 'dine-in';
    const base = { quoteId: saleId, cardUid: request.cardUid, channel, occurredAt, clockUnchecked };
    if (this.syncer.online) {
      try {
        const answer = await this.service.quote({
          saleId,
          terminalSeq: this.outbox.nextSeq(),
          occurredAt: new Date(occurredAt).toISOString(),
          channel,
          ...(request.cardUid ? { cardUid: request.cardUid } : {}),
          items: request.items,
        });
        this.syncer.contact();
        if (this.copy.menuDiffers(answer.items)) this.syncer.refreshCopySoon();
        return {
          ...base,
          // The service accepted the time: it is within its allowance.
          clockUnchecked: false,
          mode: 'online',
          items: answer.items,
          period: answer.period,
          elder: answer.elder ?? null,
          totalFen: answer.totalFen,
          subsidyFen: answer.subsidyFen,
          elderPaysFen: answer.elderPaysFen,
          reason: answer.reason ?? null,
          notice: answer.notice ?? null,
          // Counted for caps should the sale end up sold offline after all.
          counted: this.copy.countedOfAnswer(saleId, answer.businessDate, answer),
        };
      } catch (error) {
        // The refusal carried the service's clock: the terminal now keeps time by it; ask again.
        if (
          error instanceof ServiceRefusal &&
          error.code === 'clock-skew' &&
          clockUnchecked &&
          this.service.clock.state().checked
        )
          return this.decideQuote(request);
        // The service's detail is in Chinese (see service-client.ts): the English words are the code's.
        if (error instanceof ServiceRefusal) throw refusalAtCounter(error.code, error.status);
        if (!(error instanceof ServiceUnreachable)) throw error;
        this.syncer.lost();
      }
    }
    const local = this.copy.decide(saleId, occurredAt, request.cardUid, request.items, channel);
    const [firstReason] = local.reasons;
    return {
      ...base,
      mode: 'offline',
      items: local.items,
      period: local.period,
      elder: local.elder ? { maskedName: local.elder.maskedName } : null,
      totalFen: local.totalFen,
      subsidyFen: local.subsidyFen,
      elderPaysFen: local.elderPaysFen,
      // Offline, a card missing from the copy may well be registered: say what is known.
      reason: firstReason === 'card-unknown' ? NOT_IN_COPY : firstReason ? reasonOf(firstReason) : null,
      notice: null,
      counted: local.counted,
    };
  }
}
