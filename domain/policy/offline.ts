import { type Fen, max, min, subtract, ZERO } from '../money.ts';
import type { MealSubsidyDecision } from './decide-subsidy.ts';
import type { ExclusionReason } from './reasons.ts';
import { cutLinesTo, type SubsidyLine, totalOf } from './subsidy-lines.ts';

/** 不予结算: part of an offline subsidy the canteen advanced that is not reimbursed, and why. */
export interface ExcludedSubsidy {
  readonly reason: ExclusionReason;
  readonly fen: Fen;
}

/** 脱机对账: how an offline sale's applied subsidy is settled. */
export interface OfflineReconciliation {
  /** What the terminal deducted; the elder paid the price less this. */
  readonly appliedSubsidyFen: Fen;
  readonly elderPaysFen: Fen;
  /** The smaller of the applied and the decided subsidy. */
  readonly reimbursableFen: Fen;
  /** The decided lines cut down to the reimbursable subsidy. */
  readonly lines: readonly SubsidyLine[];
  /** Applied subsidy that is not reimbursed, one entry per cause, zero entries left out. */
  readonly excluded: readonly ExcludedSubsidy[];
}

/**
 * Settles an offline sale (docs/policy-language.en.md, "Offline sales") against its decision. A decided subsidy above the
 * applied one is not paid out, because the elder was charged what the terminal said. Of the applied
 * subsidy beyond what is reimbursed, the part above the uncapped subsidy was never due
 * (`offline-mismatch`); the rest was due but for the caps (`offline-over-cap`).
 */
export function reconcileOfflineSale(
  decision: Pick<MealSubsidyDecision, 'priceFen' | 'lines' | 'subsidyFen' | 'uncappedSubsidyFen'>,
  appliedSubsidyFen: Fen,
): OfflineReconciliation {
  if (appliedSubsidyFen < 0 || appliedSubsidyFen > decision.priceFen) {
    throw new RangeError(`applied subsidy must lie between 0 and the price, got ${appliedSubsidyFen}`);
  }
  const reimbursableFen = min(appliedSubsidyFen, decision.subsidyFen);
  const lines = cutLinesTo(decision.lines, reimbursableFen);
  const mismatch = nonNegativeDifference(appliedSubsidyFen, decision.uncappedSubsidyFen);
  const overCap = subtract(subtract(appliedSubsidyFen, reimbursableFen), mismatch);
  const excluded: ExcludedSubsidy[] = [];
  if (mismatch > 0) excluded.push({ reason: 'offline-mismatch', fen: mismatch });
  if (overCap > 0) excluded.push({ reason: 'offline-over-cap', fen: overCap });
  return {
    appliedSubsidyFen,
    elderPaysFen: subtract(decision.priceFen, appliedSubsidyFen),
    reimbursableFen: totalOf(lines),
    lines,
    excluded,
  };
}

function nonNegativeDifference(a: Fen, b: Fen): Fen {
  return max(subtract(a, b), ZERO);
}
