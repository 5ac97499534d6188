import type { Fen } from '../money.ts';
import type { BusinessDate } from '../time/calendar.ts';
import type { EpochMs } from '../time/shanghai-time.ts';
import type { CanteenPeriods } from './meal-periods.ts';
import type { Channel } from './policy-types.ts';

/** 食堂: the canteen where a meal is sold, as registered at the sale's time. */
export interface CanteenFacts {
  readonly canteenId: string;
  /** 区 */
  readonly district: string;
  /** 街镇 */
  readonly town: string;
  readonly periods: CanteenPeriods;
}

/** 补贴类别: a category an elder holds on `[from, to)`; `to` null is open-ended. */
export interface CategoryHolding {
  readonly category: string;
  readonly from: BusinessDate;
  readonly to: BusinessDate | null;
}

/** 老人: the cardholder's facts as they stood at the sale's time. */
export interface ElderFacts {
  readonly elderId: string;
  /** From the ID number (身份证号). */
  readonly birthDate: BusinessDate;
  readonly categories: readonly CategoryHolding[];
  /** 户籍/居住区 */
  readonly district: string;
  readonly town: string;
  /** 签约食堂; null when the elder has none. */
  readonly homeCanteenId: string | null;
  /** No subsidy for business dates after this day. */
  readonly deathDate: BusinessDate | null;
  /** The card used had been retired (lost, replaced) before the sale's time. */
  readonly cardRetiredBeforeSale: boolean;
}

/** 一餐: one sale, whatever the quantities in it. */
export interface MealSale {
  /** When the meal was sold, epoch milliseconds (see `instantFromIso`). */
  readonly occurredAt: EpochMs;
  readonly channel: Channel;
  /** Sum of item price × quantity (see `mealPriceOf`). */
  readonly priceFen: Fen;
  readonly canteen: CanteenFacts;
}

/** One line of a sale as priced: the item's price at the sale's time and its quantity. */
export interface PricedItem {
  readonly unitPriceFen: Fen;
  readonly qty: number;
}
