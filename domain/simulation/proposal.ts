import { type PolicyParseResult, parsePolicyDocument } from '../policy/policy-document.ts';
import { firstDayOfMonth, type MonthKey } from '../time/calendar.ts';

/**
 * A proposed policy, checked as a policy to register is checked. Its id and dates are ignored (the
 * proposal is in force for the whole simulated month), so they may be left out.
 */
export function parseProposal(month: MonthKey, document: unknown): PolicyParseResult {
  const filled =
    typeof document === 'object' && document !== null && !Array.isArray(document)
      ? { policyId: 'proposal', effectiveFrom: firstDayOfMonth(month), ...document }
      : document;
  return parsePolicyDocument(filled);
}
