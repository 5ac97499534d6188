import type { BusinessDate } from '../../domain/time/calendar.ts';
import type { OutboxEntry } from '../outbox/outbox.ts';
import { dayReport, saleReceipt, voidSlip } from '../receipts/receipt-model.ts';
import type { ReceiptPrinter } from '../receipts/receipt-printer.ts';
import type { TerminalSettings } from '../settings.ts';
import type { CounterOfflineCopy } from './counter-offline-copy.ts';
import { PAYMENT_LABELS } from './counter-views.ts';
import type { dayReportOf } from './day-report.ts';

/** What the counter prints: receipts (and their reprints), void slips and the day report. */
export class CounterPrinting {
  constructor(
    private readonly printer: ReceiptPrinter,
    private readonly settings: TerminalSettings,
    private readonly copy: CounterOfflineCopy,
    private readonly now: () => number,
    private readonly changed: () => void,
  ) {}

  async receipt(entry: OutboxEntry, reprint: boolean) {
    const lang = this.settings.lang;
    const model = saleReceipt({
      canteenName: this.canteenName(),
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

  voidSlip(
    entry: OutboxEntry,
    voided: { readonly voidedAt: number; readonly voidedBy: string; readonly reason: string },
  ) {
    return this.printer.print(
      `void-${entry.saleId}`,
      voidSlip({
        canteenName: this.canteenName(),
        terminalId: this.settings.terminalId,
        saleNumber: entry.seq,
        saleId: entry.saleId,
        occurredAt: Date.parse(entry.body.occurredAt),
        voidedAt: voided.voidedAt,
        voidedBy: voided.voidedBy,
        reason: voided.reason,
        totalFen: entry.shown.totalFen,
        subsidyFen: entry.shown.subsidyFen,
        elderPaysFen: entry.shown.elderPaysFen,
        lang: this.settings.lang,
      }),
    );
  }

  dayReport(businessDate: BusinessDate, { periods, totals }: ReturnType<typeof dayReportOf>) {
    const model = dayReport({
      canteenName: this.canteenName(),
      terminalId: this.settings.terminalId,
      businessDate,
      printedAt: this.now(),
      periods,
      totals,
      lang: this.settings.lang,
    });
    return this.printer.print(`day-${businessDate}-${this.now()}`, model);
  }

  private canteenName(): string {
    return this.copy.current?.canteen.name ?? this.settings.terminalId;
  }
}
