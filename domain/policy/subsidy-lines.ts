import { add, type Fen, fen, min, subtract, ZERO } from '../money.ts';
import type { FundingLine } from './funding.ts';

/** 补贴明细: what one stack group gives for a meal, through its winning rule, and who pays it. */
export interface SubsidyLine {
  readonly ruleId: string;
  readonly stackGroup: string | null;
  readonly fen: Fen;
  /** Non-zero parts in the rule's listed funding order. */
  readonly funding: readonly FundingLine[];
}

export function totalOf(lines: readonly SubsidyLine[]): Fen {
  return add(...lines.map((line) => line.fen));
}

/**
 * Cuts lines down to at most `limit` in total: the excess comes off the last line first, and within a
 * line off its last funding part first. Lines and parts cut to zero disappear.
 */
export function cutLinesTo(lines: readonly SubsidyLine[], limit: Fen): SubsidyLine[] {
  let excess = fen(Math.max(0, totalOf(lines) - Math.max(0, limit)));
  const kept: SubsidyLine[] = [];
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index];
    if (line === undefined) continue;
    if (excess === ZERO) {
      kept.unshift(line);
      continue;
    }
    const funding: FundingLine[] = [];
    for (let partIndex = line.funding.length - 1; partIndex >= 0; partIndex -= 1) {
      const part = line.funding[partIndex];
      if (part === undefined) continue;
      const cut = min(part.fen, excess);
      excess = subtract(excess, cut);
      if (part.fen > cut) funding.unshift({ source: part.source, fen: subtract(part.fen, cut) });
    }
    const remaining = add(...funding.map((part) => part.fen));
    if (remaining > 0) kept.unshift({ ...line, fen: remaining, funding });
  }
  return kept;
}
