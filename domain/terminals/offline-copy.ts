import type { CanteenDetails } from '../canteens/canteen.ts';
import { DomainError } from '../domain-error.ts';
import type { Fen } from '../money.ts';
import { type CapHistoryEntry, capHistoryEntryOf } from '../policy/caps.ts';
import { decideMealSubsidy, mealPriceOf } from '../policy/decide-subsidy.ts';
import type { ElderFacts } from '../policy/meal-facts.ts';
import type { Channel, MealPeriod, PolicyDocument } from '../policy/policy-types.ts';
import { policyInForceOn } from '../policy/policy-validity.ts';
import type { SubsidyReasonCode } from '../policy/reasons.ts';
import type { SubsidyLine } from '../policy/subsidy-lines.ts';
import { priceItems } from '../sales/sale.ts';
import type { SoldItem } from '../sales/sale-events.ts';
import type { BusinessDate } from '../time/calendar.ts';
import { businessDateOf, type EpochMs } from '../time/shanghai-time.ts';

/** A decided meal as the counter keeps it for caps: which sale, and how it counts. */
export interface CountedMeal extends CapHistoryEntry {
  readonly saleId: string;
}

/** 脱机资料: an elder as a terminal needs to decide offline; the ID number is never in it. */
export interface OfflineElder extends Omit<ElderFacts, 'cardRetiredBeforeSale'> {
  /** 张*明 */
  readonly maskedName: string;
  /** The elder's decided, non-voided meals in the current week and month, at every canteen. */
  readonly meals: readonly CountedMeal[];
}

export interface OfflineCard {
  readonly cardUid: string;
  readonly elderId: string;
  readonly status: 'active' | 'retired';
}

/**
 * 脱机资料: what a counter terminal keeps while online so that it can go on deciding subsidies when
 * the network is down: its canteen, the policies, and the cards and elders of its area.
 */
export interface OfflineCopy {
  readonly terminalId: string;
  readonly canteenId: string;
  /** When the service made it (epoch ms). */
  readonly generatedAt: EpochMs;
  readonly canteen: CanteenDetails;
  readonly policies: readonly PolicyDocument[];
  readonly cards: readonly OfflineCard[];
  readonly elders: readonly OfflineElder[];
}

/** A meal at the counter, before anything is recorded. */
export interface CounterMeal {
  readonly occurredAt: EpochMs;
  readonly channel: Channel;
  readonly cardUid: string | null;
  readonly items: readonly { readonly itemId: string; readonly qty: number }[];
}

/** What the counter shows for a meal: price, subsidy, what the elder pays, and why (no category). */
export interface CounterDecision {
  readonly items: readonly SoldItem[];
  readonly totalFen: Fen;
  readonly subsidyFen: Fen;
  readonly elderPaysFen: Fen;
  readonly lines: readonly SubsidyLine[];
  readonly reasons: readonly SubsidyReasonCode[];
  readonly businessDate: BusinessDate;
  readonly period: MealPeriod | null;
  /** The cardholder, when the card is known. */
  readonly elder: { readonly elderId: string; readonly maskedName: string } | null;
  /** The entry this meal adds to its elder's cap history once sold. */
  readonly counted: CountedMeal | null;
}

/**
 * Decides a meal from the offline copy, by the same steps the service takes (docs/policy-language.en.md). Caps count
 * the meals in the copy and those this terminal sold since (`laterMeals`, by sale id, so a meal that
 * is in both counts once). An unknown card is sold at full price: offline, a sale is never refused.
 */
export function decideOffline(
  copy: OfflineCopy,
  meal: CounterMeal & { readonly saleId: string },
  laterMeals: ReadonlyMap<string, readonly CountedMeal[]>,
): CounterDecision {
  if (meal.items.length === 0)
    throw new DomainError(
      'invalid',
      'invalid-body',
      { en: 'a sale needs an item', zh: '至少要选一样餐品' },
      'items',
    );
  const items = priceItems(meal.items, copy.canteen);
  const priceFen = mealPriceOf(items);
  const card =
    meal.cardUid === null ? null : copy.cards.find((candidate) => candidate.cardUid === meal.cardUid);
  const holder = card ? copy.elders.find((elder) => elder.elderId === card.elderId) : undefined;
  const businessDate = businessDateOf(meal.occurredAt);
  const decision = decideMealSubsidy({
    policy: policyInForceOn(copy.policies, businessDate),
    sale: {
      occurredAt: meal.occurredAt,
      channel: meal.channel,
      priceFen,
      canteen: {
        canteenId: copy.canteenId,
        district: copy.canteen.district,
        town: copy.canteen.town,
        periods: copy.canteen.periods,
      },
    },
    elder: holder ? { ...holder, cardRetiredBeforeSale: card?.status === 'retired' } : null,
    capHistory: holder ? countedMeals(holder, laterMeals.get(holder.elderId) ?? []) : [],
  });
  const unknownCard = meal.cardUid !== null && !holder;
  return {
    items,
    totalFen: decision.priceFen,
    subsidyFen: decision.subsidyFen,
    elderPaysFen: decision.elderPaysFen,
    lines: decision.lines,
    reasons: unknownCard ? ['card-unknown'] : decision.reasons,
    businessDate: decision.businessDate,
    period: decision.period,
    elder: holder ? { elderId: holder.elderId, maskedName: holder.maskedName } : null,
    counted: holder ? { saleId: meal.saleId, ...capHistoryEntryOf(decision) } : null,
  };
}

function countedMeals(elder: OfflineElder, later: readonly CountedMeal[]): CountedMeal[] {
  const known = new Set(elder.meals.map((entry) => entry.saleId));
  return [...elder.meals, ...later.filter((entry) => !known.has(entry.saleId))];
}

/**
 * How a sale the service recorded counts for caps, from its answer: the stack group of each paying
 * line is that of its rule in the policy in force on the day.
 */
export function countedMealOfAnswer(
  copy: OfflineCopy,
  saleId: string,
  businessDate: BusinessDate,
  answer: {
    readonly period: string | null;
    readonly lines: readonly { readonly ruleId: string; readonly fen: number }[];
  },
): CountedMeal {
  const rules = policyInForceOn(copy.policies, businessDate)?.rules ?? [];
  return {
    saleId,
    ...capHistoryEntryOf({
      businessDate,
      period: answer.period as MealPeriod | null,
      lines: answer.lines.map((line) => ({
        ruleId: line.ruleId,
        fen: line.fen as Fen,
        stackGroup: rules.find((rule) => rule.ruleId === line.ruleId)?.stackGroup ?? null,
        funding: [],
      })),
    }),
  };
}
