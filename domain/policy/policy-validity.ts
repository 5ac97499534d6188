import { type BusinessDate, isBefore, isWithin } from '../time/calendar.ts';
import type { PolicyDocument } from './policy-types.ts';

/** The dates a policy covers: `[from, to)`, `to` null for open-ended. */
export interface EffectiveRange {
  readonly from: BusinessDate;
  readonly to: BusinessDate | null;
}

type Dated = Pick<PolicyDocument, 'effectiveFrom' | 'effectiveTo'>;

/** Whether the document's own dates cover `businessDate` (supersession aside; see {@link policyInForceOn}). */
export function isInForce(policy: Dated, businessDate: BusinessDate): boolean {
  return isWithin(businessDate, policy.effectiveFrom, policy.effectiveTo);
}

function rangesOverlap(a: EffectiveRange, b: EffectiveRange): boolean {
  const aStartsBeforeBEnds = b.to === null || isBefore(a.from, b.to);
  const bStartsBeforeAEnds = a.to === null || isBefore(b.from, a.to);
  return aStartsBeforeBEnds && bStartsBeforeAEnds && !isEmpty(a) && !isEmpty(b);
}

function isEmpty(range: EffectiveRange): boolean {
  return range.to !== null && !isBefore(range.from, range.to);
}

/** Whether two documents' own dates share at least one business date. */
export function policiesOverlap(a: Dated, b: Dated): boolean {
  return rangesOverlap(
    { from: a.effectiveFrom, to: a.effectiveTo },
    { from: b.effectiveFrom, to: b.effectiveTo },
  );
}

/**
 * The dates a stored policy actually governs: its own dates, ended where a policy that supersedes it
 * starts (possibly before it even began, which leaves it nothing).
 */
export function effectiveRangeOf(
  policy: PolicyDocument,
  stored: readonly Pick<PolicyDocument, 'policyId' | 'effectiveFrom' | 'supersedes'>[],
): EffectiveRange {
  let to = policy.effectiveTo;
  for (const successor of stored) {
    if (successor.supersedes !== policy.policyId || successor.policyId === policy.policyId) continue;
    if (to === null || isBefore(successor.effectiveFrom, to)) to = successor.effectiveFrom;
  }
  return { from: policy.effectiveFrom, to };
}

/** The policy in force on a business date among the stored ones, supersession applied; null when none. */
export function policyInForceOn(
  stored: readonly PolicyDocument[],
  businessDate: BusinessDate,
): PolicyDocument | null {
  for (const policy of stored) {
    const range = effectiveRangeOf(policy, stored);
    if (isWithin(businessDate, range.from, range.to)) return policy;
  }
  return null;
}

/**
 * The stored policy a candidate would overlap, or null when it may be stored. Overlapping the policy
 * it names in `supersedes` is allowed: that one ends where the candidate starts. Ranges already cut
 * by earlier supersessions are the ones compared.
 */
export function overlappingPolicy(
  stored: readonly PolicyDocument[],
  candidate: PolicyDocument,
): PolicyDocument | null {
  const candidateRange: EffectiveRange = { from: candidate.effectiveFrom, to: candidate.effectiveTo };
  for (const policy of stored) {
    if (policy.policyId === candidate.policyId || policy.policyId === candidate.supersedes) continue;
    if (rangesOverlap(effectiveRangeOf(policy, stored), candidateRange)) return policy;
  }
  return null;
}
