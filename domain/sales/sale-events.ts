import type { Fen } from '../money.ts';
import type { ExcludedSubsidy } from '../policy/offline.ts';
import type { Channel, MealPeriod } from '../policy/policy-types.ts';
import type { SubsidyReasonCode } from '../policy/reasons.ts';
import type { SubsidyLine } from '../policy/subsidy-lines.ts';
import type { BusinessDate } from '../time/calendar.ts';
import type { EpochMs } from '../time/shanghai-time.ts';

export interface SoldItem {
  readonly itemId: string;
  readonly name: string;
  readonly unitPriceFen: Fen;
  readonly qty: number;
}

/** 售餐记录: a sale as recorded; settlement, statements and audits read this. */
export interface MealSoldData {
  readonly saleId: string;
  readonly terminalId: string;
  readonly terminalSeq: number;
  readonly cashierId: string | null;
  readonly canteenId: string;
  readonly occurredAt: EpochMs;
  readonly businessDate: BusinessDate;
  readonly period: MealPeriod | null;
  readonly channel: Channel;
  readonly items: readonly SoldItem[];
  readonly totalFen: Fen;
  readonly cardUid: string | null;
  readonly elderId: string | null;
  readonly policyId: string | null;
  /** The subsidy deducted at the till (for an offline sale: what the terminal applied). */
  readonly subsidyFen: Fen;
  readonly elderPaysFen: Fen;
  /** The reimbursable subsidy by rule and funding source. */
  readonly lines: readonly SubsidyLine[];
  /** Subsidy deducted at the till that will not be reimbursed, and why. */
  readonly excluded: readonly ExcludedSubsidy[];
  /** Why the subsidy is missing or smaller, for the cashier. */
  readonly reasons: readonly SubsidyReasonCode[];
  readonly offline: boolean;
  readonly payment: { readonly method: string } | null;
  readonly fingerprint: string;
  /** Shown with this sale: offline subsidy the elder owes canteens (`offlineExcess: elder-owes`). */
  readonly notice: { readonly owedFen: Fen } | null;
}

/** 作废记录: a void as recorded. */
export interface SaleVoidedData {
  readonly saleId: string;
  readonly reason: string;
  /** When the service recorded the void (its clock). */
  readonly voidedAt: EpochMs;
  /**
   * When the void was made, by the caller's clock (a counter syncing late, a bureau replaying its
   * history); only when the caller said. Never later than the service's clock allows, never before
   * the sale. Voids recorded before this existed have none: an optional member, so no new version.
   */
  readonly occurredAt?: EpochMs;
}

export type SaleEvent =
  | { readonly type: 'MealSold'; readonly data: MealSoldData }
  | { readonly type: 'SaleVoided'; readonly data: SaleVoidedData };

export type SaleState =
  | { readonly status: 'none' }
  | { readonly status: 'sold'; readonly sale: MealSoldData }
  | {
      readonly status: 'voided';
      readonly sale: MealSoldData;
      readonly reason: string;
      readonly voidedAt: EpochMs;
    };
