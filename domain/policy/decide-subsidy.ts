import { add, basisPointsOf, type Fen, min, multiply, nonNegative, subtract, ZERO } from '../money.ts';
import { type BusinessDate, isAfter } from '../time/calendar.ts';
import { businessDateOf, localTimeOfDay } from '../time/shanghai-time.ts';
import { type CapHistoryEntry, type CapMeal, isCapFull } from './caps.ts';
import { isEligible } from './eligibility.ts';
import { type HomeLocality, keepLocalParts, splitFunding } from './funding.ts';
import type { CanteenFacts, ElderFacts, MealSale, PricedItem } from './meal-facts.ts';
import { mealPeriodAt } from './meal-periods.ts';
import type {
  Benefit,
  MealPeriod,
  PolicyDocument,
  PolicyScope,
  SubsidyCap,
  SubsidyRule,
} from './policy-types.ts';
import { isInForce } from './policy-validity.ts';
import type { SubsidyReasonCode } from './reasons.ts';
import { cutLinesTo, type SubsidyLine, totalOf } from './subsidy-lines.ts';

/** Everything needed to decide one meal's subsidy; time and facts come in, nothing is looked up. */
export interface MealSubsidyInput {
  /** The policy in force on the sale's business date, or null when there is none. */
  readonly policy: PolicyDocument | null;
  readonly sale: MealSale;
  /** The cardholder at the sale's time; null for a sale without a card (a guest). */
  readonly elder: ElderFacts | null;
  /** The elder's earlier decided, non-voided sales (empty for a guest). */
  readonly capHistory: readonly CapHistoryEntry[];
}

/** 补贴决定: the recorded outcome of deciding one meal. */
export interface MealSubsidyDecision {
  /** The policy that decided the meal; null when none was in force. */
  readonly policyId: string | null;
  readonly businessDate: BusinessDate;
  /** The canteen period containing the sale's time; null outside every period. */
  readonly period: MealPeriod | null;
  readonly priceFen: Fen;
  /** One line per paying stack group, in group order. */
  readonly lines: readonly SubsidyLine[];
  readonly subsidyFen: Fen;
  readonly elderPaysFen: Fen;
  /** What the meal would get if no cap were full; the ceiling offline reconciliation checks against. */
  readonly uncappedSubsidyFen: Fen;
  /** Why there is no subsidy, or why part of it is missing; empty for a meal subsidised in full. */
  readonly reasons: readonly SubsidyReasonCode[];
}

/** A meal's price: the sum of item price × quantity; quantities are positive whole numbers. */
export function mealPriceOf(items: readonly PricedItem[]): Fen {
  for (const item of items) {
    if (!Number.isSafeInteger(item.qty) || item.qty <= 0) {
      throw new RangeError(`quantity must be a positive whole number, got ${item.qty}`);
    }
    if (item.unitPriceFen < 0) throw new RangeError(`price must not be negative, got ${item.unitPriceFen}`);
  }
  return add(...items.map((item) => multiply(item.unitPriceFen, item.qty)));
}

/** Decides the subsidy of one meal (docs/policy-language.en.md, "How one meal is decided" and "How caps count"). */
export function decideMealSubsidy(input: MealSubsidyInput): MealSubsidyDecision {
  const { policy, sale, elder, capHistory } = input;
  if (sale.priceFen < 0) throw new RangeError(`a meal's price must not be negative, got ${sale.priceFen}`);
  const businessDate = businessDateOf(sale.occurredAt);
  const period = mealPeriodAt(sale.canteen.periods, localTimeOfDay(sale.occurredAt));
  const inForce = policy !== null && isInForce(policy, businessDate) ? policy : null;
  const decided = (lines: readonly SubsidyLine[], uncapped: Fen, reasons: readonly SubsidyReasonCode[]) => {
    const subsidyFen = totalOf(lines);
    return {
      policyId: inForce?.policyId ?? null,
      businessDate,
      period,
      priceFen: sale.priceFen,
      lines,
      subsidyFen,
      elderPaysFen: subtract(sale.priceFen, subsidyFen),
      uncappedSubsidyFen: uncapped,
      reasons,
    };
  };
  const noSubsidy = (reason: SubsidyReasonCode) => decided([], ZERO, [reason]);

  // Step 1: conditions under which nothing at all is given, in the order of docs/policy-language.en.md, "Reason codes".
  if (elder === null) return noSubsidy('no-card');
  if (inForce === null) return noSubsidy('no-policy');
  if (period === null) return noSubsidy('outside-periods');
  if (elder.deathDate !== null && isAfter(businessDate, elder.deathDate)) return noSubsidy('elder-deceased');
  if (!isWithinScope(inForce.scope, elder, sale.canteen)) return noSubsidy('out-of-scope');
  if (elder.cardRetiredBeforeSale) return noSubsidy('card-retired');

  // Steps 2 and 3: each rule's subsidy after locality, then each group's winner.
  const limit = nonNegative(subtract(sale.priceFen, inForce.elderMinPayFen));
  const context: RuleContext = {
    elder,
    businessDate,
    period,
    channel: sale.channel,
    priceFen: sale.priceFen,
    limit,
    home: homeLocalityOf(elder, sale.canteen),
  };
  const evaluations = inForce.rules.map((rule) => evaluateRule(rule, context));
  const groups = stackGroupsOf(inForce.rules).map((ruleIndexes) => bestOfGroup(ruleIndexes, evaluations));
  const winners = groups.flatMap((group) => (group.winner === null ? [] : [group.winner]));
  const localityReasons: SubsidyReasonCode[] = groups.some((group) => group.lostToLocality)
    ? ['outside-locality']
    : [];
  if (winners.length === 0) {
    return noSubsidy(localityReasons[0] ?? reasonNothingApplied(evaluations));
  }
  const uncapped = totalOf(cutLinesTo(winners, limit));

  // Step 4: a full whole-meal cap stops the meal; a full group cap stops only its group. Cap reasons
  // come first: they are what the cashier has to explain.
  const meal: CapMeal = { businessDate, period };
  const fullMealCaps = inForce.caps.filter(
    (cap) => cap.stackGroup === null && isCapFull(cap, meal, capHistory),
  );
  if (fullMealCaps.length > 0) {
    return decided([], uncapped, [...new Set(fullMealCaps.map(capReasonOf)), ...localityReasons]);
  }
  const cappedGroups = new Set(
    inForce.caps.flatMap((cap) =>
      cap.stackGroup !== null && isCapFull(cap, meal, capHistory) ? [cap.stackGroup] : [],
    ),
  );
  const allowed = winners.filter((line) => line.stackGroup === null || !cappedGroups.has(line.stackGroup));
  const capReasons: SubsidyReasonCode[] = allowed.length < winners.length ? ['cap-group'] : [];

  // Steps 5 and 6: the groups add up, cut back to what the elder need not pay.
  return decided(cutLinesTo(allowed, limit), uncapped, [...capReasons, ...localityReasons]);
}

function isWithinScope(scope: PolicyScope, elder: ElderFacts, canteen: CanteenFacts): boolean {
  switch (scope) {
    case 'citywide':
      return true;
    case 'home-district':
      return canteen.district === elder.district;
    case 'home-canteen':
      return elder.homeCanteenId !== null && elder.homeCanteenId === canteen.canteenId;
    default: {
      const _exhaustive: never = scope;
      return _exhaustive;
    }
  }
}

function homeLocalityOf(elder: ElderFacts, canteen: CanteenFacts): HomeLocality {
  const sameDistrict = canteen.district === elder.district;
  return { sameDistrict, sameTown: sameDistrict && canteen.town === elder.town };
}

interface RuleContext {
  readonly elder: ElderFacts;
  readonly businessDate: BusinessDate;
  readonly period: MealPeriod;
  readonly channel: MealSale['channel'];
  readonly priceFen: Fen;
  /** price − elderMinPayFen, never below zero. */
  readonly limit: Fen;
  readonly home: HomeLocality;
}

/** Why a rule did not apply, in the order its conditions are checked. */
type RuleMiss = 'not-eligible' | 'period-not-subsidised' | 'channel-not-subsidised' | 'below-min-spend';

type RuleEvaluation =
  | { readonly status: 'missed'; readonly because: RuleMiss }
  | {
      readonly status: 'applies';
      /** The rule's amount before locality drops. */
      readonly grossFen: Fen;
      /** The rule's subsidy after locality drops. */
      readonly line: SubsidyLine;
    };

function evaluateRule(rule: SubsidyRule, context: RuleContext): RuleEvaluation {
  if (!isEligible(rule.eligible, context.elder, context.businessDate)) {
    return { status: 'missed', because: 'not-eligible' };
  }
  if (!rule.periods.includes(context.period)) return { status: 'missed', because: 'period-not-subsidised' };
  if (!rule.channels.includes(context.channel))
    return { status: 'missed', because: 'channel-not-subsidised' };
  if (context.priceFen < rule.minSpendFen) return { status: 'missed', because: 'below-min-spend' };
  const grossFen = min(benefitOf(rule.benefit, context.priceFen), context.limit);
  const funding = keepLocalParts(splitFunding(grossFen, rule.funding), context.home);
  return {
    status: 'applies',
    grossFen,
    line: {
      ruleId: rule.ruleId,
      stackGroup: rule.stackGroup,
      fen: add(...funding.map((part) => part.fen)),
      funding,
    },
  };
}

/** 补贴标准 applied to a price, before the elder's minimum payment. */
export function benefitOf(benefit: Benefit, priceFen: Fen): Fen {
  switch (benefit.kind) {
    case 'fixed':
      return benefit.fen;
    case 'percentOff': {
      const off = basisPointsOf(priceFen, benefit.bp);
      return benefit.maxFen === null ? off : min(off, benefit.maxFen);
    }
    case 'payAtMost':
      return nonNegative(subtract(priceFen, benefit.fen));
    default: {
      const _exhaustive: never = benefit;
      return _exhaustive;
    }
  }
}

/** Rule indexes per stack group, groups ordered by their first rule; an ungrouped rule stands alone. */
function stackGroupsOf(rules: readonly SubsidyRule[]): number[][] {
  const groups: number[][] = [];
  const byName = new Map<string, number[]>();
  rules.forEach((rule, index) => {
    if (rule.stackGroup === null) {
      groups.push([index]);
      return;
    }
    const existing = byName.get(rule.stackGroup);
    if (existing) {
      existing.push(index);
      return;
    }
    const group = [index];
    byName.set(rule.stackGroup, group);
    groups.push(group);
  });
  return groups;
}

interface GroupOutcome {
  readonly winner: SubsidyLine | null;
  /** Locality cost the group something: without it, its best rule would have given more. */
  readonly lostToLocality: boolean;
}

function bestOfGroup(ruleIndexes: readonly number[], evaluations: readonly RuleEvaluation[]): GroupOutcome {
  let winner: SubsidyLine | null = null;
  let bestGross = ZERO;
  for (const index of ruleIndexes) {
    const evaluation = evaluations[index];
    if (evaluation?.status !== 'applies') continue;
    // Strictly larger only, so ties stay with the rule listed first.
    if (evaluation.line.fen > (winner?.fen ?? ZERO)) winner = evaluation.line;
    if (evaluation.grossFen > bestGross) bestGross = evaluation.grossFen;
  }
  return { winner, lostToLocality: bestGross > (winner?.fen ?? ZERO) };
}

const MISS_RANK: Readonly<Record<RuleMiss, number>> = {
  'not-eligible': 0,
  'period-not-subsidised': 1,
  'channel-not-subsidised': 2,
  'below-min-spend': 3,
};

/** The most telling reason when no rule gives anything: the one that got furthest through its conditions. */
function reasonNothingApplied(evaluations: readonly RuleEvaluation[]): SubsidyReasonCode {
  let reason: SubsidyReasonCode = 'not-eligible';
  let rank = -1;
  for (const evaluation of evaluations) {
    if (evaluation.status === 'applies') return 'nothing-to-subsidise';
    if (MISS_RANK[evaluation.because] > rank) {
      rank = MISS_RANK[evaluation.because];
      reason = evaluation.because;
    }
  }
  return reason;
}

function capReasonOf(cap: SubsidyCap): SubsidyReasonCode {
  if (cap.stackGroup !== null) return 'cap-group';
  if (cap.period !== null) return 'cap-period';
  switch (cap.per) {
    case 'day':
      return 'cap-day';
    case 'week':
      return 'cap-week';
    case 'month':
      return 'cap-month';
    default: {
      const _exhaustive: never = cap.per;
      return _exhaustive;
    }
  }
}
