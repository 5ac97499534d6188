import type { CanteenDetails } from '../canteens/canteen.ts';
import type { CardAtTime } from '../cards/card.ts';
import type { Decider } from '../decider.ts';
import { DomainError } from '../domain-error.ts';
import { capHistoryOf } from '../elders/allowance.ts';
import { type ElderEvent, elderFactsAt, owedNotShownFen, type RegisteredElder } from '../elders/elder.ts';
import { add, type Fen, subtract, ZERO } from '../money.ts';
import { decideMealSubsidy, mealPriceOf } from '../policy/decide-subsidy.ts';
import { type ExcludedSubsidy, reconcileOfflineSale } from '../policy/offline.ts';
import type { Channel, PolicyDocument } from '../policy/policy-types.ts';
import { businessDateOf, type EpochMs, formatShanghaiInstant } from '../time/shanghai-time.ts';
import type { MealSoldData, SaleEvent, SaleState, SoldItem } from './sale-events.ts';

export const saleStream = (saleId: string) => `sale-${saleId}`;

/** 售餐请求: a sale as a terminal sends it, validated and normalised at the edge. */
export interface SellMeal {
  readonly saleId: string;
  readonly terminalSeq: number;
  readonly occurredAt: EpochMs;
  readonly channel: Channel;
  readonly cardUid: string | null;
  readonly items: readonly { readonly itemId: string; readonly qty: number }[];
  readonly payment: { readonly method: string } | null;
  /** Sold while the terminal could not reach the service, with the subsidy it applied then. */
  readonly offline: { readonly appliedSubsidyFen: Fen } | null;
  /** Identifies the request's content: the same sale id with another fingerprint is a conflict. */
  readonly fingerprint: string;
}

/** Everything the decision needs, loaded by the caller as it stood when the sale arrived. */
export interface SaleContext {
  readonly terminalId: string;
  readonly cashierId: string | null;
  readonly canteenId: string;
  /** The canteen's details in force at the sale's time. */
  readonly canteen: CanteenDetails;
  /** What the card meant at the sale's time; null for a sale without a card. */
  readonly card: CardAtTime | null;
  /** The card's elder, with the allowance used so far (at least the months its caps count). */
  readonly elder: RegisteredElder | null;
  /** The policy in force on the sale's business date, if any. */
  readonly policy: PolicyDocument | null;
}

export interface SaleDecision {
  readonly sold: Extract<SaleEvent, { type: 'MealSold' }>;
  /** What the elder's allowance records; null for a guest sale. */
  readonly allowance: Extract<ElderEvent, { type: 'MealSubsidyDecided' }> | null;
}

/**
 * 售餐决定: prices the meal from the canteen's menu at the sale's time and decides its subsidy by the
 * policy in force (docs/policy-language.en.md). An offline sale is decided the same way and reconciled with what the
 * terminal applied; it is never refused for its card's or elder's state.
 */
export function decideSale(command: SellMeal, context: SaleContext): SaleDecision {
  const items = priceItems(command.items, context.canteen);
  const totalFen = mealPriceOf(items);
  if (command.offline && command.offline.appliedSubsidyFen > totalFen) {
    throw new DomainError(
      'invalid',
      'invalid-body',
      { en: 'the applied subsidy exceeds the price', zh: '已给的补贴超过了餐价' },
      'appliedSubsidyFen',
    );
  }
  const unknownCard = command.cardUid !== null && context.card?.status === 'unknown';
  // An offline sale was served already: it is recorded and decided at zero, never refused.
  if (unknownCard && !command.offline) {
    throw new DomainError(
      'not-allowed',
      'card-unknown',
      { en: `card ${command.cardUid} is not registered`, zh: `卡 ${command.cardUid} 未登记` },
      'cardUid',
    );
  }
  const elder = context.card === null ? null : context.elder;
  const decision = decideMealSubsidy({
    policy: context.policy,
    sale: {
      occurredAt: command.occurredAt,
      channel: command.channel,
      priceFen: totalFen,
      canteen: {
        canteenId: context.canteenId,
        district: context.canteen.district,
        town: context.canteen.town,
        periods: context.canteen.periods,
      },
    },
    elder: elder ? elderFactsAt(elder, command.occurredAt, context.card?.status === 'retired') : null,
    capHistory: elder ? capHistoryOf(elder.allowance, businessDateOf(command.occurredAt)) : [],
  });

  let subsidyFen = decision.subsidyFen;
  let lines = decision.lines;
  let excluded: readonly ExcludedSubsidy[] = [];
  if (command.offline) {
    const reconciled = reconcileOfflineSale(decision, command.offline.appliedSubsidyFen);
    subsidyFen = reconciled.appliedSubsidyFen;
    lines = reconciled.lines;
    excluded = reconciled.excluded;
  }
  const sold: MealSoldData = {
    saleId: command.saleId,
    terminalId: context.terminalId,
    terminalSeq: command.terminalSeq,
    cashierId: context.cashierId,
    canteenId: context.canteenId,
    occurredAt: command.occurredAt,
    businessDate: decision.businessDate,
    period: decision.period,
    channel: command.channel,
    items,
    totalFen,
    cardUid: command.cardUid,
    elderId: elder?.elderId ?? null,
    policyId: decision.policyId,
    subsidyFen,
    elderPaysFen: subtract(totalFen, subsidyFen),
    lines,
    excluded,
    reasons: unknownCard ? ['card-unknown'] : decision.reasons,
    offline: command.offline !== null,
    payment: command.payment,
    fingerprint: command.fingerprint,
    notice: elder && owedNotShownFen(elder) > 0 ? { owedFen: owedNotShownFen(elder) } : null,
  };
  const owedFen =
    context.policy?.offlineExcess === 'elder-owes' ? add(...excluded.map((entry) => entry.fen)) : ZERO;
  return {
    sold: { type: 'MealSold', data: sold },
    allowance: elder
      ? {
          type: 'MealSubsidyDecided',
          data: {
            elderId: elder.elderId,
            saleId: command.saleId,
            businessDate: decision.businessDate,
            period: decision.period,
            lines,
            owedFen,
            sale: sold,
          },
        }
      : null,
  };
}

export function priceItems(requested: SellMeal['items'], canteen: CanteenDetails): SoldItem[] {
  return requested.map((line, index) => {
    const item = canteen.menu.find((candidate) => candidate.itemId === line.itemId);
    if (!item) {
      throw new DomainError(
        'not-allowed',
        'item-unknown',
        { en: `item ${line.itemId} is not on the menu`, zh: `菜单中没有餐品 ${line.itemId}` },
        `items[${index}].itemId`,
      );
    }
    return { itemId: item.itemId, name: item.name, unitPriceFen: item.priceFen, qty: line.qty };
  });
}

/** How far ahead of the service's clock a time the caller gives (a sale's, a void's) may be. */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60_000;

export interface VoidSale {
  readonly saleId: string;
  readonly reason: string;
  /** The service's clock: when the void is recorded. */
  readonly at: EpochMs;
  /** When the void was made by the caller's clock, if the caller says (an offline counter, a migration). */
  readonly occurredAt?: EpochMs;
}

/**
 * 作废: a voided sale leaves every figure; voiding it again changes nothing, whatever time it gives.
 * A void's own time may not lie ahead of the service's clock beyond the allowance (`clock-skew`)
 * nor before the sale it voids (`void-before-sale`).
 */
export const sale: Decider<VoidSale, SaleEvent, SaleState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    switch (state.status) {
      case 'none':
        throw new DomainError('not-found', 'not-found', {
          en: `sale ${command.saleId} is not recorded`,
          zh: `没有记录销售 ${command.saleId}`,
        });
      case 'voided':
        return [];
      case 'sold': {
        const { occurredAt } = command;
        if (occurredAt !== undefined) assertVoidTime(occurredAt, command.at, state.sale.occurredAt);
        return [
          {
            type: 'SaleVoided',
            data: {
              saleId: command.saleId,
              reason: command.reason,
              voidedAt: command.at,
              ...(occurredAt === undefined ? {} : { occurredAt }),
            },
          },
        ];
      }
      default: {
        const _exhaustive: never = state;
        return _exhaustive;
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'MealSold':
        return { status: 'sold', sale: event.data };
      case 'SaleVoided':
        return state.status === 'sold'
          ? { status: 'voided', sale: state.sale, reason: event.data.reason, voidedAt: event.data.voidedAt }
          : state;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};

function assertVoidTime(occurredAt: EpochMs, now: EpochMs, soldAt: EpochMs): void {
  if (occurredAt > now + CLOCK_SKEW_ALLOWANCE_MS) {
    throw new DomainError(
      'not-allowed',
      'clock-skew',
      { en: 'the void time lies in the future', zh: '作废时间在未来' },
      'occurredAt',
    );
  }
  if (occurredAt < soldAt) {
    throw new DomainError(
      'not-allowed',
      'void-before-sale',
      {
        en: `the void time is before the sale's (${formatShanghaiInstant(soldAt)})`,
        zh: `作废时间早于这笔销售的时间（${formatShanghaiInstant(soldAt)}）`,
      },
      'occurredAt',
    );
  }
}
