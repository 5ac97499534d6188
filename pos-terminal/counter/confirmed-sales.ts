import { problemTitles } from '../../domain/problems/problem-catalogue.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import type { Outbox, OutboxEntry, SaleRequestBody, ShownSale } from '../outbox/outbox.ts';
import type { TerminalSettings } from '../settings.ts';
import { type ServiceClient, ServiceRefusal, ServiceUnreachable } from '../sync/service-client.ts';
import type { Syncer } from '../sync/syncer.ts';
import type { CounterOfflineCopy } from './counter-offline-copy.ts';
import { CounterError } from './counter-views.ts';
import type { PendingQuote } from './quoting.ts';

type Cashier = TerminalSettings['cashiers'][number];

/**
 * Confirmed sales and their voids: each goes into the outbox (on disk) first, then to the service
 * when online; offline, it waits there for the syncer.
 */
export class ConfirmedSales {
  constructor(
    private readonly settings: TerminalSettings,
    private readonly outbox: Outbox,
    private readonly service: ServiceClient,
    private readonly syncer: Syncer,
    private readonly copy: CounterOfflineCopy,
    private readonly now: () => number,
  ) {}

  requirePaymentMethod(paymentMethod: string): void {
    if (!this.settings.paymentMethods.includes(paymentMethod as never))
      throw new CounterError('payment-unknown', 400, '不支持的付款方式', 'Unknown payment method');
  }

  /** The sale into the outbox as the screen showed it. */
  add(quote: PendingQuote, paymentMethod: string, cashier: Cashier): OutboxEntry {
    const body: SaleRequestBody = {
      saleId: quote.quoteId,
      terminalSeq: this.outbox.nextSeq(),
      occurredAt: new Date(quote.occurredAt).toISOString(),
      channel: quote.channel,
      ...(quote.cardUid ? { cardUid: quote.cardUid } : {}),
      items: quote.items.map(({ itemId, qty }) => ({ itemId, qty })),
      payment: { method: paymentMethod },
      cashierId: cashier.cashierId,
      ...(quote.mode === 'offline' ? { offline: true as const, appliedSubsidyFen: quote.subsidyFen } : {}),
    };
    const shown: ShownSale = {
      items: quote.items,
      totalFen: quote.totalFen,
      subsidyFen: quote.subsidyFen,
      elderPaysFen: quote.elderPaysFen,
      maskedName: quote.elder?.maskedName ?? null,
      elderId: this.copy.elderOfCard(quote.cardUid),
      businessDate: businessDateOf(quote.occurredAt),
      period: quote.period,
      cashierName: cashier.name,
      // A guest pays the menu price: nothing to explain on the receipt.
      ...(quote.cardUid && quote.reasonForTheElder ? { reasonForTheElder: quote.reasonForTheElder } : {}),
      ...(quote.clockUnchecked ? { clockUnchecked: true as const } : {}),
    };
    return this.outbox.addSale(body, shown, this.now());
  }

  /**
   * A sale quoted online goes to the service there and then. The elder pays what the screen showed,
   * unless the service recorded otherwise; caps offline count the sale from here on.
   */
  async send(entry: OutboxEntry, quote: PendingQuote): Promise<void> {
    const shown = entry.shown;
    if (quote.mode === 'online') await this.sendNow(entry, quote.subsidyFen);
    // Another canteen may have used the elder's allowance since the tap: the elder pays what was recorded.
    const answer = entry.answer;
    if (answer && (answer.subsidyFen !== shown.subsidyFen || answer.elderPaysFen !== shown.elderPaysFen)) {
      this.outbox.charged(entry.saleId, answer);
    }
    this.copy.count(entry, quote.counted);
  }

  /** A sale of this terminal. */
  find(saleId: string): OutboxEntry {
    const entry = this.outbox.find(saleId);
    if (!entry)
      throw new CounterError('sale-unknown', 404, '找不到这笔销售', 'No such sale on this terminal');
    return entry;
  }

  /** A sale of this terminal that the service did not refuse. */
  voidable(saleId: string): OutboxEntry {
    const entry = this.find(saleId);
    if (entry.refusal)
      throw new CounterError('sale-refused', 409, '这笔销售未被记录', 'This sale was not recorded');
    return entry;
  }

  /** The void into the outbox, for the syncer to send. */
  addVoid(saleId: string, reason: string, manager: Cashier): { voidedAt: number; reason: string } {
    const voidedAt = this.now();
    const why = reason.trim() || '作废';
    this.outbox.addVoid(saleId, why, manager.cashierId, voidedAt);
    return { voidedAt, reason: why };
  }

  private async sendNow(entry: OutboxEntry, shownSubsidyFen: number): Promise<void> {
    this.outbox.sending.add(entry.saleId);
    try {
      const answer = await this.service.sell({
        body: entry.body,
        clockUnchecked: entry.shown.clockUnchecked === true,
      });
      this.syncer.contact();
      this.outbox.recorded([{ saleId: entry.saleId, answer }]);
    } catch (error) {
      if (error instanceof ServiceRefusal) {
        this.outbox.refused(entry.saleId, error);
        throw new CounterError(
          error.code,
          error.status,
          `销售未记录：${error.detail ?? error.code}`,
          `Not recorded: ${problemTitles(error.code).en}`,
        );
      }
      if (!(error instanceof ServiceUnreachable)) throw error;
      this.syncer.lost();
      // Certainly never delivered: it goes as what it now is, a sale made offline at the shown subsidy.
      // Perhaps delivered: only the very same request may follow, so the service answers it once.
      if (error.delivered === false) {
        this.outbox.resendAs(entry.saleId, {
          ...entry.body,
          offline: true,
          appliedSubsidyFen: shownSubsidyFen,
        });
      }
    } finally {
      this.outbox.sending.delete(entry.saleId);
    }
  }
}
