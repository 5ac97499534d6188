import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DomainError } from '../../domain/domain-error.ts';
import { reasonForTheElder } from '../../domain/policy/reasons.ts';
import {
  type CountedMeal,
  countedMealOfAnswer,
  decideOffline,
  type OfflineCopy,
} from '../../domain/terminals/offline-copy.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { writeFileDurably } from '../durable-file.ts';
import type { OutboxEntry, SaleRequestBody, ShownSale } from '../outbox/outbox.ts';
import { Outbox } from '../outbox/outbox.ts';
import { dayReport, saleReceipt, voidSlip } from '../receipts/receipt-model.ts';
import type { ReceiptPrinter } from '../receipts/receipt-printer.ts';
import type { TerminalSettings } from '../settings.ts';
import { type ServiceClient, ServiceRefusal, ServiceUnreachable } from '../sync/service-client.ts';
import { Syncer } from '../sync/syncer.ts';
import {
  CounterError,
  type CounterState,
  type MealRequest,
  NOT_IN_COPY,
  PAYMENT_LABELS,
  type QuoteView,
  reasonOf,
  refusalAtCounter,
  refusalView,
  type SaleView,
} from './counter-views.ts';
import { dayReportOf } from './day-report.ts';
import { PinCheck } from './pin-check.ts';

export type { CounterState, QuoteView, Reason, SaleView } from './counter-views.ts';
export { CounterError, PAYMENT_LABELS } from './counter-views.ts';

type PendingQuote = QuoteView & {
  readonly occurredAt: number;
  /** Timed before the terminal had heard the service's clock (a start without network). */
  readonly clockUnchecked: boolean;
  readonly period: string | null;
  readonly counted: CountedMeal | null;
};

/**
 * 收银台: the counter's work — sign in, quote on a tap, confirm, print, void, reprint, day-end —
 * online through the service, offline from its copy, every sale in the outbox before "done".
 */
export class Counter {
  readonly outbox: Outbox;
  readonly syncer: Syncer;
  private copy: OfflineCopy | null = null;
  private readonly copyFile: string;
  private cashier: TerminalSettings['cashiers'][number] | null = null;
  private quote: PendingQuote | null = null;
  private lastSaleId: string | null = null;
  /** When the latest tap was refused (an unknown card …): the display then shows nobody's amounts. */
  private refusedTapAt: number | null = null;
  private readonly laterMeals = new Map<string, CountedMeal[]>();
  private quoteTurn = 0;
  private readonly pins: PinCheck;
  private readonly listeners = new Set<(state: CounterState) => void>();
  private readerState = { kind: 'keyboard', status: 'connected' };

  constructor(
    private readonly settings: TerminalSettings,
    private readonly service: ServiceClient,
    private readonly printer: ReceiptPrinter,
    /** The terminal's time: the PC's clock, or the service's when the PC's is off (`TerminalClock`). */
    private readonly now: () => number = () => service.clock.now(),
  ) {
    this.outbox = Outbox.open(path.join(settings.dataDir, 'outbox.jsonl'), now());
    this.pins = new PinCheck(settings.cashiers, () => service.clock.monotonicNow());
    this.copyFile = path.join(settings.dataDir, 'offline-copy.json');
    if (existsSync(this.copyFile)) this.copy = JSON.parse(readFileSync(this.copyFile, 'utf8'));
    for (const entry of this.outbox.all()) this.countLocally(entry);
    this.syncer = new Syncer(this.outbox, service, {
      intervalMs: settings.syncIntervalMs,
      copyRefreshMs: settings.copyRefreshMs,
      now,
      onCopy: (copy) => this.keepCopy(copy),
      onChange: () => this.changed(),
    });
  }

  start(): void {
    this.syncer.start();
  }

  async stop(): Promise<void> {
    await this.syncer.stop();
    this.outbox.close();
  }

  onChange(listener: (state: CounterState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setReaderState(kind: string, status: string): void {
    this.readerState = { kind, status };
    this.changed();
  }

  changed(): void {
    const state = this.state();
    for (const listener of this.listeners) listener(state);
  }

  state(): CounterState {
    const queued = this.outbox.unsent().length + this.outbox.unsentVoids().length;
    const printer = this.printer.state();
    return {
      terminalId: this.settings.terminalId,
      canteenName: this.copy?.canteen.name ?? null,
      online: this.syncer.online,
      lastContactAt: this.syncer.lastContactAt,
      queued,
      syncing: this.syncer.progress,
      syncBlocked: this.syncer.blocked,
      clock: this.service.clock.state(),
      copyAt: this.copy?.generatedAt ?? null,
      cashier: this.cashier
        ? { cashierId: this.cashier.cashierId, name: this.cashier.name, role: this.cashier.role }
        : null,
      printer: { status: printer.status, queued: printer.queued },
      reader: this.readerState,
      menu: this.copy?.canteen.menu ?? [],
      paymentMethods: this.settings.paymentMethods,
      quote: this.quote,
      lastSale: this.lastSaleId ? this.saleView(this.outbox.get(this.lastSaleId)) : null,
      refusedTapAt: this.refusedTapAt,
      demoCards: this.settings.demoCards,
      lang: this.settings.lang,
    };
  }

  signIn(pin: string): CounterState['cashier'] {
    const found = this.authenticate(pin);
    this.actAs(found);
    return found;
  }

  /** The cashier whose PIN this is (five wrong PINs in a row lock the counter for a minute). */
  authenticate(pin: string): NonNullable<CounterState['cashier']> {
    const found = this.pins.check(pin);
    return { cashierId: found.cashierId, name: found.name, role: found.role };
  }

  /** The cashier at the till for what comes next (the browser session's, at the counter's server). */
  actAs(cashier: CounterState['cashier']): void {
    const known = cashier && this.settings.cashiers.find((entry) => entry.cashierId === cashier.cashierId);
    if (this.cashier === (known ?? null)) return;
    this.cashier = known ?? null;
    this.changed();
  }

  signOut(): void {
    this.cashier = null;
    this.quote = null;
    this.changed();
  }

  /**
   * A tap (or a guest sale): prices the meal and decides its subsidy, through the service when it
   * answers in time, else from the offline copy. Nothing is recorded until `confirm`.
   */
  async quoteMeal(request: MealRequest): Promise<QuoteView> {
    this.signedIn();
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
        this.refusedTapAt = null;
      }
      return quote;
    } catch (error) {
      // A failed tap never leaves the previous elder's amounts to be confirmed, nor on the display.
      if (turn === this.quoteTurn) {
        this.quote = null;
        this.refusedTapAt = this.now();
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
        if (this.copyMenuDiffers(answer.items)) this.syncer.refreshCopySoon();
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
          counted: this.copy ? countedMealOfAnswer(this.copy, saleId, answer.businessDate, answer) : null,
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
        if (error instanceof ServiceRefusal) throw refusalAtCounter(error.code, error.status, error.detail);
        if (!(error instanceof ServiceUnreachable)) throw error;
        this.syncer.lost();
      }
    }
    const local = this.decideLocally(saleId, occurredAt, request.cardUid, request.items, channel);
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

  private copyMenuDiffers(
    items: readonly { readonly itemId: string; readonly unitPriceFen: number }[],
  ): boolean {
    const menu = this.copy?.canteen.menu ?? [];
    return items.some(
      (item) => menu.find((entry) => entry.itemId === item.itemId)?.priceFen !== item.unitPriceFen,
    );
  }

  cancelQuote(): void {
    this.quote = null;
    this.changed();
  }

  /**
   * The cashier confirms: the sale goes into the outbox (on disk) first, then to the service when
   * online, and the receipt prints. The elder pays what the screen showed, unless the service, asked
   * there and then, recorded otherwise.
   */
  async confirm(quoteId: string, paymentMethod: string): Promise<SaleView> {
    const cashier = this.signedIn();
    const quote = this.quote;
    if (!quote || quote.quoteId !== quoteId)
      throw new CounterError(
        'quote-unknown',
        409,
        '请重新刷卡或选择餐品',
        'Tap the card or choose the meal again',
      );
    if (!this.settings.paymentMethods.includes(paymentMethod as never))
      throw new CounterError('payment-unknown', 400, '不支持的付款方式', 'Unknown payment method');
    this.quote = null;
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
      elderId: this.elderOfCard(quote.cardUid),
      businessDate: businessDateOf(quote.occurredAt),
      period: quote.period,
      cashierName: cashier.name,
      // A guest pays the menu price: nothing to explain on the receipt.
      ...(quote.cardUid && quote.reasonForTheElder ? { reasonForTheElder: quote.reasonForTheElder } : {}),
      ...(quote.clockUnchecked ? { clockUnchecked: true as const } : {}),
    };
    const entry = this.outbox.addSale(body, shown, this.now());
    this.lastSaleId = entry.saleId;
    if (quote.mode === 'online') await this.sendNow(entry, quote.subsidyFen);
    // Another canteen may have used the elder's allowance since the tap: the elder pays what was recorded.
    const answer = entry.answer;
    if (answer && (answer.subsidyFen !== shown.subsidyFen || answer.elderPaysFen !== shown.elderPaysFen)) {
      this.outbox.charged(entry.saleId, answer);
    }
    this.countLocally(entry, quote.counted);
    this.changed();
    await this.print(entry, false);
    return this.saleView(this.outbox.get(entry.saleId));
  }

  /** Voids a sale of this terminal with a manager's PIN; offline, the void waits in the outbox. */
  async voidSale(saleId: string, managerPin: string, reason: string): Promise<SaleView> {
    const manager = this.pins.check(managerPin);
    if (manager.role !== 'manager')
      throw new CounterError('not-manager', 403, '需要店长密码', 'A manager PIN is needed');
    const entry = this.outbox.find(saleId);
    if (!entry)
      throw new CounterError('sale-unknown', 404, '找不到这笔销售', 'No such sale on this terminal');
    if (entry.refusal)
      throw new CounterError('sale-refused', 409, '这笔销售未被记录', 'This sale was not recorded');
    if (!entry.void) {
      const voidedAt = this.now();
      const why = reason.trim() || '作废';
      this.outbox.addVoid(saleId, why, manager.cashierId, voidedAt);
      await this.printer.print(
        `void-${saleId}`,
        voidSlip({
          canteenName: this.copy?.canteen.name ?? this.settings.terminalId,
          terminalId: this.settings.terminalId,
          saleNumber: entry.seq,
          saleId,
          occurredAt: Date.parse(entry.body.occurredAt),
          voidedAt,
          voidedBy: manager.name,
          reason: why,
          totalFen: entry.shown.totalFen,
          subsidyFen: entry.shown.subsidyFen,
          elderPaysFen: entry.shown.elderPaysFen,
          lang: this.settings.lang,
        }),
      );
    }
    await this.syncer.drainVoids();
    this.changed();
    return this.saleView(this.outbox.get(saleId));
  }

  async reprint(saleId: string): Promise<SaleView> {
    this.signedIn();
    const entry = this.outbox.find(saleId);
    if (!entry)
      throw new CounterError('sale-unknown', 404, '找不到这笔销售', 'No such sale on this terminal');
    await this.print(entry, true);
    return this.saleView(entry);
  }

  recentSales(limit = 20): SaleView[] {
    return this.outbox
      .all()
      .slice(-limit)
      .reverse()
      .map((entry) => this.saleView(entry));
  }

  /** 日结: this terminal's day, from its own outbox (what it sold, whatever has synced). */
  dayReport(businessDate = businessDateOf(this.now())) {
    return dayReportOf(this.outbox.all(), businessDate);
  }

  async printDayReport(businessDate = businessDateOf(this.now())) {
    this.signedIn();
    const { periods, totals } = this.dayReport(businessDate);
    const model = dayReport({
      canteenName: this.copy?.canteen.name ?? this.settings.terminalId,
      terminalId: this.settings.terminalId,
      businessDate,
      printedAt: this.now(),
      periods,
      totals,
      lang: this.settings.lang,
    });
    return this.printer.print(`day-${businessDate}-${this.now()}`, model);
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
          `Not recorded: ${error.detail ?? error.code}`,
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

  private async print(entry: OutboxEntry, reprint: boolean) {
    const lang = this.settings.lang;
    const model = saleReceipt({
      canteenName: this.copy?.canteen.name ?? this.settings.terminalId,
      terminalId: this.settings.terminalId,
      saleNumber: entry.seq,
      saleId: entry.saleId,
      occurredAt: Date.parse(entry.body.occurredAt),
      cashierName: entry.shown.cashierName,
      items: entry.shown.items.map((item) => ({ ...item, lineFen: item.unitPriceFen * item.qty })),
      totalFen: entry.shown.totalFen,
      subsidyFen: entry.shown.subsidyFen,
      elderPaysFen: entry.shown.elderPaysFen,
      subsidyNote: entry.shown.reasonForTheElder?.[lang === 'en' ? 'en' : 'zh'] ?? null,
      maskedName: entry.shown.maskedName,
      paymentMethod: entry.body.payment
        ? (PAYMENT_LABELS[entry.body.payment.method]?.[lang === 'en' ? 'en' : 'zh'] ?? null)
        : null,
      offline: entry.body.offline === true,
      reprint,
      lang,
    });
    const outcome = await (reprint
      ? this.printer.reprint(entry.saleId, model)
      : this.printer.print(entry.saleId, model));
    this.changed();
    return outcome;
  }

  private decideLocally(
    saleId: string,
    occurredAt: number,
    cardUid: string | null,
    items: readonly { readonly itemId: string; readonly qty: number }[],
    channel: 'dine-in' | 'delivery',
  ) {
    if (!this.copy)
      throw new CounterError(
        'no-offline-copy',
        503,
        '尚未同步资料，请联网后再试',
        'No data synced yet: connect once first',
      );
    try {
      return decideOffline(this.copy, { saleId, occurredAt, channel, cardUid, items }, this.laterMeals);
    } catch (error) {
      if (error instanceof DomainError) throw refusalAtCounter(error.code, 422, error.message);
      throw error;
    }
  }

  /** Caps offline also count what this terminal sold since its copy was made. */
  private countLocally(entry: OutboxEntry, counted?: CountedMeal | null): void {
    const elderId = entry.shown.elderId ?? this.elderOfCard(entry.body.cardUid ?? null);
    if (!elderId || entry.refusal || entry.void) return;
    const meal =
      entry.answer && this.copy
        ? countedMealOfAnswer(this.copy, entry.saleId, entry.shown.businessDate, entry.answer)
        : counted;
    if (!meal) return;
    const list = this.laterMeals.get(elderId) ?? [];
    if (!list.some((known) => known.saleId === meal.saleId)) list.push(meal);
    this.laterMeals.set(elderId, list);
  }

  private elderOfCard(cardUid: string | null): string | null {
    if (!cardUid || !this.copy) return null;
    return this.copy.cards.find((card) => card.cardUid === cardUid)?.elderId ?? null;
  }

  private keepCopy(copy: OfflineCopy): void {
    this.copy = copy;
    writeFileDurably(this.copyFile, JSON.stringify(copy));
    // Meals in the new copy are counted there; the terminal's own later ones stay until they are.
    const inCopy = new Set(copy.elders.flatMap((elder) => elder.meals.map((meal) => meal.saleId)));
    for (const [elderId, meals] of this.laterMeals) {
      this.laterMeals.set(
        elderId,
        meals.filter((meal) => !inCopy.has(meal.saleId)),
      );
    }
    this.changed();
  }

  private saleView(entry: OutboxEntry): SaleView {
    const state = entry.refusal
      ? 'refused'
      : entry.void?.recorded
        ? 'voided'
        : entry.void && !entry.void.refusal
          ? 'void-waiting'
          : entry.answer
            ? 'recorded'
            : 'waiting';
    return {
      saleId: entry.saleId,
      seq: entry.seq,
      at: entry.at,
      occurredAt: Date.parse(entry.body.occurredAt),
      offline: entry.body.offline === true,
      state,
      shown: entry.shown,
      subsidyRefused: entry.answer?.excluded ?? [],
      refusal: refusalView(entry.refusal ?? entry.void?.refusal ?? null),
    };
  }

  private signedIn() {
    if (!this.cashier)
      throw new CounterError('not-signed-in', 401, '请先输入收银员密码登录', 'Sign in with your PIN first');
    return this.cashier;
  }
}
