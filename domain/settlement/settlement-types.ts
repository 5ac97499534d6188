import type { ExcludedSubsidy } from '../policy/offline.ts';
import type { OperatingSubsidyStatement } from '../policy/operating-subsidy.ts';
import type { PolicyDocument } from '../policy/policy-types.ts';
import type { SubsidyLine } from '../policy/subsidy-lines.ts';
import type { BusinessDate, MonthKey } from '../time/calendar.ts';

/** A sale as settlement needs it, taken from its `MealSold` event. */
export interface SettledSale {
  readonly saleId: string;
  readonly canteenId: string;
  readonly businessDate: BusinessDate;
  readonly elderId: string | null;
  /** The subsidy deducted at the till. */
  readonly subsidyFen: number;
  /** The reimbursable subsidy by rule and funding source. */
  readonly lines: readonly SubsidyLine[];
  /** What of the subsidy is not reimbursed, and why. */
  readonly excluded: readonly ExcludedSubsidy[];
}

/** The event behind a change: its id and its digest leaf. */
export interface ChangeEvent {
  readonly eventId: string;
  readonly leaf: string;
}

/** A recorded change to the month's figures. */
export type SettlementChange =
  | { readonly kind: 'sold'; readonly sale: SettledSale; readonly event: ChangeEvent }
  | {
      readonly kind: 'voided';
      readonly saleId: string;
      readonly reason: string;
      readonly event: ChangeEvent;
    }
  /**
   * 核实不予结算: a supervision alert confirmed by the bureau; the reimbursable subsidy of its sales
   * is excluded, with the alert's reason on the statement.
   */
  | {
      readonly kind: 'confirmed';
      readonly alertId: string;
      readonly saleIds: readonly string[];
      readonly reason: string;
      readonly event: ChangeEvent;
    };

/** A change's event with its place in the recorded order. */
export interface EventMark extends ChangeEvent {
  readonly order: number;
}

/** What settlement knows of an elder as of the cut-off (masked: statements are handed around). */
export interface SettlementElder {
  readonly elderId: string;
  readonly birthDate: BusinessDate;
  readonly diedOn: BusinessDate | null;
  readonly maskedName: string;
  readonly maskedIdNumber: string;
}

export interface Adjustment {
  /** The closed month the sale belongs to. */
  readonly month: MonthKey;
  readonly saleId: string;
  /** `late-exclusion`: an alert confirmed after the month closed (its first sale at the canteen). */
  readonly kind: 'late-sale' | 'late-void' | 'late-exclusion';
  /** The change in that month's reimbursement, operating subsidy included (signed). */
  readonly fen: number;
  /** For a `late-exclusion`: the confirmed alert and its reason, as the statement prints it. */
  readonly alertId?: string;
  readonly note?: string;
}

/** 不予报销: subsidy of a counted sale that is not reimbursed, and why. */
export interface ExcludedEntry {
  readonly saleId: string;
  /** `offline-over-cap`, `offline-mismatch`, or `alert-confirmed` (with `alertId` and `note`). */
  readonly reason: string;
  readonly fen: number;
  readonly alertId?: string;
  /** The confirmed alert's reason, as the statement prints it. */
  readonly note?: string;
}

export interface SourceAmount {
  readonly source: string;
  readonly fen: number;
}

/** 食堂月结算: one canteen's month, as the bureau pays it. */
export interface CanteenSettlement {
  readonly canteenId: string;
  readonly mealsSold: number;
  readonly subsidisedMeals: number;
  readonly subsidyFen: number;
  readonly excludedFen: number;
  readonly bySource: readonly SourceAmount[];
  readonly byRule: readonly { readonly ruleId: string; readonly fen: number }[];
  readonly excluded: readonly ExcludedEntry[];
  /** Sales voided within the month: in none of the figures, listed for the record. */
  readonly voided: readonly {
    readonly saleId: string;
    readonly reason: string;
    readonly subsidyFen: number;
  }[];
  readonly adjustments: readonly Adjustment[];
  readonly adjustmentsFen: number;
  readonly operatingSubsidyFen: number;
  readonly operatingSubsidy: OperatingSubsidyStatement;
  readonly reimbursementFen: number;
  readonly days: readonly {
    readonly date: BusinessDate;
    readonly meals: number;
    readonly subsidisedMeals: number;
    readonly subsidyFen: number;
    readonly reimbursableFen: number;
    readonly elderDays: number;
  }[];
  readonly elders: readonly {
    readonly elderId: string;
    readonly maskedName: string;
    readonly maskedIdNumber: string;
    readonly meals: number;
    readonly subsidisedMeals: number;
    readonly subsidyFen: number;
    readonly reimbursableFen: number;
  }[];
  /** Root of the hash tree over every event that went into these figures, in recorded order. */
  readonly digest: string;
  readonly eventCount: number;
  /** The leaves' prefixes, to point at the first event a recomputation disagrees with. */
  readonly leafTrail: string;
}

export interface SettlementTotals {
  readonly canteens: number;
  readonly mealsSold: number;
  readonly subsidisedMeals: number;
  readonly subsidyFen: number;
  readonly excludedFen: number;
  readonly bySource: readonly SourceAmount[];
  readonly operatingSubsidyFen: number;
  readonly adjustmentsFen: number;
  readonly reimbursementFen: number;
}

/** 月结算: every canteen's month, with the digest over the canteens' digests. */
export interface MonthSettlement {
  readonly month: MonthKey;
  readonly digest: string;
  readonly canteens: readonly CanteenSettlement[];
  readonly totals: SettlementTotals;
}

/** The events behind one canteen-month, in the digest's order: what a verification compares. */
export interface CanteenEvidence {
  readonly canteenId: string;
  readonly events: readonly { readonly saleId: string; readonly eventId: string; readonly leaf: string }[];
}

export interface SaleRecord {
  readonly sale: SettledSale;
  readonly month: MonthKey;
  readonly sold: EventMark;
  voided: (EventMark & { readonly reason: string }) | null;
  /** The confirmed alert that excluded the sale's subsidy. */
  excludedBy: (EventMark & { readonly alertId: string; readonly reason: string }) | null;
}

export interface SettlementFacts {
  /** Every stored policy as of the cut-off. */
  readonly policies: readonly PolicyDocument[];
  readonly elders: ReadonlyMap<string, SettlementElder>;
}
