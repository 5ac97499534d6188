import path from 'node:path';
import type { OfflineCopy } from '../../domain/terminals/offline-copy.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { Outbox } from '../outbox/outbox.ts';
import type { ReceiptPrinter } from '../receipts/receipt-printer.ts';
import type { TerminalSettings } from '../settings.ts';
import type { ServiceClient } from '../sync/service-client.ts';
import { Syncer } from '../sync/syncer.ts';
import { CashierSignIn } from './cashier-sign-in.ts';
import { ConfirmedSales } from './confirmed-sales.ts';
import { CounterOfflineCopy } from './counter-offline-copy.ts';
import { CounterPrinting } from './counter-printing.ts';
import {
  type CounterState,
  type MealRequest,
  type QuoteView,
  type SaleView,
  saleViewOf,
} from './counter-views.ts';
import { dayReportOf } from './day-report.ts';
import { Quoting } from './quoting.ts';

export type { CounterState, QuoteView, Reason, SaleView } from './counter-views.ts';

/**
 * 收银台: the counter's work — sign in, quote on a tap, confirm, print, void, reprint, day-end —
 * online through the service, offline from its copy, every sale in the outbox before "done".
 */
export class Counter {
  readonly outbox: Outbox;
  readonly syncer: Syncer;
  private readonly copy: CounterOfflineCopy;
  private readonly till: CashierSignIn;
  private readonly quoting: Quoting;
  private readonly sales: ConfirmedSales;
  private readonly printing: CounterPrinting;
  private lastSaleId: string | null = null;
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
    this.till = new CashierSignIn(settings.cashiers, () => service.clock.monotonicNow());
    this.copy = new CounterOfflineCopy(settings.dataDir);
    for (const entry of this.outbox.all()) this.copy.count(entry);
    this.syncer = new Syncer(this.outbox, service, {
      intervalMs: settings.syncIntervalMs,
      copyRefreshMs: settings.copyRefreshMs,
      now,
      onCopy: (copy) => this.keepCopy(copy),
      onChange: () => this.changed(),
    });
    const changed = () => this.changed();
    this.quoting = new Quoting(service, this.syncer, this.outbox, this.copy, now, changed);
    this.sales = new ConfirmedSales(settings, this.outbox, service, this.syncer, this.copy, now);
    this.printing = new CounterPrinting(printer, settings, this.copy, now, changed);
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
    const copy = this.copy.current;
    return {
      terminalId: this.settings.terminalId,
      canteenName: copy?.canteen.name ?? null,
      online: this.syncer.online,
      lastContactAt: this.syncer.lastContactAt,
      queued,
      syncing: this.syncer.progress,
      syncBlocked: this.syncer.blocked,
      clock: this.service.clock.state(),
      copyAt: copy?.generatedAt ?? null,
      cashier: this.till.view(),
      printer: { status: printer.status, queued: printer.queued },
      reader: this.readerState,
      menu: copy?.canteen.menu ?? [],
      paymentMethods: this.settings.paymentMethods,
      quote: this.quoting.current,
      lastSale: this.lastSaleId ? saleViewOf(this.outbox.get(this.lastSaleId)) : null,
      refusedTapAt: this.quoting.refusedTapAt,
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
    return this.till.authenticate(pin);
  }

  /** The cashier at the till for what comes next (the browser session's, at the counter's server). */
  actAs(cashier: CounterState['cashier']): void {
    if (this.till.actAs(cashier)) this.changed();
  }

  signOut(): void {
    this.till.signOut();
    this.quoting.clear();
    this.changed();
  }

  /**
   * A tap (or a guest sale): prices the meal and decides its subsidy, through the service when it
   * answers in time, else from the offline copy. Nothing is recorded until `confirm`.
   */
  async quoteMeal(request: MealRequest): Promise<QuoteView> {
    this.till.signedIn();
    return this.quoting.quoteMeal(request);
  }

  cancelQuote(): void {
    this.quoting.clear();
    this.changed();
  }

  /**
   * The cashier confirms: the sale goes into the outbox (on disk) first, then to the service when
   * online, and the receipt prints. The elder pays what the screen showed, unless the service, asked
   * there and then, recorded otherwise.
   */
  async confirm(quoteId: string, paymentMethod: string): Promise<SaleView> {
    const cashier = this.till.signedIn();
    const quote = this.quoting.pending(quoteId);
    this.sales.requirePaymentMethod(paymentMethod);
    this.quoting.clear();
    const entry = this.sales.add(quote, paymentMethod, cashier);
    this.lastSaleId = entry.saleId;
    await this.sales.send(entry, quote);
    this.changed();
    await this.printing.receipt(entry, false);
    return saleViewOf(this.outbox.get(entry.saleId));
  }

  /** Voids a sale of this terminal with a manager's PIN; offline, the void waits in the outbox. */
  async voidSale(saleId: string, managerPin: string, reason: string): Promise<SaleView> {
    const manager = this.till.manager(managerPin);
    const entry = this.sales.voidable(saleId);
    if (!entry.void) {
      const voided = this.sales.addVoid(saleId, reason, manager);
      await this.printing.voidSlip(entry, { ...voided, voidedBy: manager.name });
    }
    await this.syncer.drainVoids();
    this.changed();
    return saleViewOf(this.outbox.get(saleId));
  }

  async reprint(saleId: string): Promise<SaleView> {
    this.till.signedIn();
    const entry = this.sales.find(saleId);
    await this.printing.receipt(entry, true);
    return saleViewOf(entry);
  }

  recentSales(limit = 20): SaleView[] {
    return this.outbox
      .all()
      .slice(-limit)
      .reverse()
      .map((entry) => saleViewOf(entry));
  }

  /** 日结: this terminal's day, from its own outbox (what it sold, whatever has synced). */
  dayReport(businessDate = businessDateOf(this.now())) {
    return dayReportOf(this.outbox.all(), businessDate);
  }

  async printDayReport(businessDate = businessDateOf(this.now())) {
    this.till.signedIn();
    return this.printing.dayReport(businessDate, this.dayReport(businessDate));
  }

  private keepCopy(copy: OfflineCopy): void {
    this.copy.keep(copy);
    this.changed();
  }
}
