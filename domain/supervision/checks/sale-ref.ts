import { type Fen, formatMoney, formatYuan } from '../../money.ts';
import type { BusinessDate } from '../../time/calendar.ts';
import type { EpochMs } from '../../time/shanghai-time.ts';
import type { AlertSeverity } from '../alert.ts';
import type { SupervisedSale } from '../facts.ts';

/** What a check remembers of a sale it may have to raise later. */
export interface SaleRef {
  readonly saleId: string;
  readonly eventId: string;
  readonly canteenId: string;
  readonly at: EpochMs;
  readonly businessDate: BusinessDate;
  readonly appliedSubsidyFen: Fen;
  readonly reimbursableFen: Fen;
}

export function saleRefOf(sale: SupervisedSale): SaleRef {
  return {
    saleId: sale.saleId,
    eventId: sale.eventId,
    canteenId: sale.canteenId,
    at: sale.occurredAt,
    businessDate: sale.businessDate,
    appliedSubsidyFen: sale.appliedSubsidyFen,
    reimbursableFen: sale.reimbursableFen,
  };
}

/** A subsidy the bureau would pay is high; one deducted but not reimbursed medium; none low. */
export function severityBySubsidy(
  sale: Pick<SaleRef, 'appliedSubsidyFen' | 'reimbursableFen'>,
): AlertSeverity {
  if (sale.reimbursableFen > 0) return 'high';
  return sale.appliedSubsidyFen > 0 ? 'medium' : 'low';
}

/** What every finding about one sale says: keyed by the sale, graded by its subsidy, with its event. */
export function oneSaleFinding(sale: Omit<SaleRef, 'at'>) {
  return {
    key: [sale.saleId],
    severity: severityBySubsidy(sale),
    canteenId: sale.canteenId,
    businessDate: sale.businessDate,
    saleIds: [sale.saleId],
    eventIds: [sale.eventId],
  };
}

export function subsidyText(sale: Pick<SaleRef, 'appliedSubsidyFen' | 'reimbursableFen'>): {
  zh: string;
  en: string;
} {
  return {
    zh: `补贴 ${formatYuan(sale.appliedSubsidyFen)} 元，可结算 ${formatYuan(sale.reimbursableFen)} 元`,
    en: `subsidy ${formatMoney(sale.appliedSubsidyFen)}, reimbursable ${formatMoney(sale.reimbursableFen)}`,
  };
}
