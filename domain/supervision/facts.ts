import type { CanteenDetails, CanteenEvent } from '../canteens/canteen.ts';
import type { CardEvent } from '../cards/card.ts';
import type { ElderEvent } from '../elders/elder.ts';
import type { Fen } from '../money.ts';
import type { CanteenPeriods } from '../policy/meal-periods.ts';
import type { MealPeriod } from '../policy/policy-types.ts';
import { totalOf } from '../policy/subsidy-lines.ts';
import type { MealSoldData, SaleVoidedData } from '../sales/sale-events.ts';
import { type BusinessDate, lastDayOfMonth, type MonthKey } from '../time/calendar.ts';
import { type EpochMs, type LocalTimeOfDay, localTimeOfDay } from '../time/shanghai-time.ts';

/** A point on the map in WGS-84 degrees, as `CanteenDetails.location` keeps it. */
export interface GeoPoint {
  readonly lat: number;
  readonly lng: number;
}

/** 监管用售餐记录: one recorded sale as the checks see it, taken from a `MealSold` event. */
export interface SupervisedSale {
  readonly saleId: string;
  /** The id of the `MealSold` event. */
  readonly eventId: string;
  readonly canteenId: string;
  readonly terminalId: string;
  /** The cashier signed in at the counter; null when the terminal sold without one. */
  readonly cashierId: string | null;
  readonly occurredAt: EpochMs;
  readonly businessDate: BusinessDate;
  /** Asia/Shanghai time of day of `occurredAt`, to the minute. */
  readonly localTime: LocalTimeOfDay;
  /** The canteen period the sale fell in when it was decided; null outside every period. */
  readonly period: MealPeriod | null;
  readonly cardUid: string | null;
  readonly elderId: string | null;
  /** Deducted at the till (for an offline sale: what the terminal applied). */
  readonly appliedSubsidyFen: Fen;
  /** What the bureau would reimburse: the sum of the sale's subsidy lines. */
  readonly reimbursableFen: Fen;
  /** Applied offline beyond a cap and therefore not reimbursed (`offline-over-cap`). */
  readonly overCapFen: Fen;
  /** Applied offline beyond what was ever due (`offline-mismatch`). */
  readonly mismatchFen: Fen;
  readonly offline: boolean;
  /** The decision knew already that the card was retired / the elder had died. */
  readonly decidedCardRetired: boolean;
  readonly decidedElderDeceased: boolean;
}

/** 作废记录: a `SaleVoided` event with the facts of the sale it voids. */
export interface SupervisedVoid {
  readonly saleId: string;
  /** The id of the `SaleVoided` event. */
  readonly eventId: string;
  /** The id of the voided sale's `MealSold` event. */
  readonly saleEventId: string;
  readonly canteenId: string;
  readonly terminalId: string;
  readonly cashierId: string | null;
  /** The elder of the voided sale, when it was an elder's. */
  readonly elderId: string | null;
  readonly businessDate: BusinessDate;
  readonly saleOccurredAt: EpochMs;
  /** When the service recorded the void (`SaleVoided.data.voidedAt`). */
  readonly voidedAt: EpochMs;
  /**
   * When the void was made by its sender's clock, when it said (`SaleVoided.data.occurredAt`): a
   * counter syncing voids made offline, or a bureau replaying its history.
   */
  readonly madeAt?: EpochMs;
  /** Recorded by a bureau user (an admin replaying history, say) rather than by a counter. */
  readonly byBureau?: true;
  readonly reason: string;
  readonly reimbursableFen: Fen;
}

/** 营业安排: the days a canteen does not open (ISO weekdays 1 Monday … 7 Sunday, and single dates). */
export interface CanteenSchedule {
  readonly closedWeekdays: readonly number[];
  readonly closedDates: readonly BusinessDate[];
}

export const ALWAYS_OPEN: CanteenSchedule = { closedWeekdays: [], closedDates: [] };

/** A canteen's details as the checks use them, in force from `effectiveFrom` (null: always). */
export interface SupervisedCanteen {
  readonly canteenId: string;
  /** As explanations name the canteen. */
  readonly name: string;
  readonly eventId: string;
  readonly effectiveFrom: EpochMs | null;
  readonly district: string;
  readonly town: string;
  readonly location: GeoPoint | null;
  /** The meal periods are the canteen's opening hours. */
  readonly periods: CanteenPeriods;
  readonly schedule: CanteenSchedule;
}

/** Where an elder lives from `effectiveFrom` on (null: since registration). */
export interface SupervisedElder {
  readonly elderId: string;
  readonly eventId: string;
  readonly effectiveFrom: EpochMs | null;
  readonly district: string;
  readonly town: string;
}

/** Everything the checks consume, one recorded event each (or an explicit end of a business day). */
export type SupervisionFact =
  | { readonly type: 'sale'; readonly sale: SupervisedSale }
  | { readonly type: 'void'; readonly void: SupervisedVoid }
  | { readonly type: 'canteen'; readonly canteen: SupervisedCanteen }
  | { readonly type: 'elder'; readonly elder: SupervisedElder }
  | {
      readonly type: 'death';
      readonly elderId: string;
      readonly date: BusinessDate;
      readonly eventId: string;
    }
  | {
      readonly type: 'card-assigned';
      readonly cardUid: string;
      readonly elderId: string;
      readonly from: EpochMs | null;
      readonly eventId: string;
    }
  | {
      readonly type: 'card-retired';
      readonly cardUid: string;
      readonly elderId: string;
      readonly at: EpochMs;
      readonly eventId: string;
    }
  /**
   * 日结: no more sales are expected for this date and earlier. Daily checks also treat a date as
   * ended once a sale of a later date is seen; this fact lets a projection end the last day (for
   * instance when the month is closed).
   */
  | { readonly type: 'day-ended'; readonly businessDate: BusinessDate };

/**
 * From `MealSold.data`: ids, canteen, terminal, cashier, card and elder as recorded; `subsidyFen`
 * (applied), `lines` (reimbursable), `excluded` (offline over cap / mismatch), `reasons`
 * (`card-retired`, `elder-deceased`), `offline`, `occurredAt`, `businessDate`, `period`.
 */
export function supervisedSaleOf(eventId: string, sold: MealSoldData): SupervisedSale {
  const excludedFen = (reason: 'offline-over-cap' | 'offline-mismatch') =>
    sold.excluded.reduce((sum, entry) => (entry.reason === reason ? sum + entry.fen : sum), 0) as Fen;
  return {
    saleId: sold.saleId,
    eventId,
    canteenId: sold.canteenId,
    terminalId: sold.terminalId,
    cashierId: sold.cashierId,
    occurredAt: sold.occurredAt,
    businessDate: sold.businessDate,
    localTime: localTimeOfDay(sold.occurredAt),
    period: sold.period,
    cardUid: sold.cardUid,
    elderId: sold.elderId,
    appliedSubsidyFen: sold.subsidyFen,
    reimbursableFen: totalOf(sold.lines),
    overCapFen: excludedFen('offline-over-cap'),
    mismatchFen: excludedFen('offline-mismatch'),
    offline: sold.offline,
    decidedCardRetired: sold.reasons.includes('card-retired'),
    decidedElderDeceased: sold.reasons.includes('elder-deceased'),
  };
}

/** What a void needs of the sale it voids, whose `MealSold` precedes it in the sale's stream. */
export type VoidedSale = Pick<
  SupervisedSale,
  | 'eventId'
  | 'canteenId'
  | 'terminalId'
  | 'cashierId'
  | 'elderId'
  | 'businessDate'
  | 'occurredAt'
  | 'reimbursableFen'
>;

/**
 * From `SaleVoided.data` (`saleId`, `reason`, `voidedAt`, `occurredAt` if given), who recorded it,
 * and the sale it voids.
 */
export function supervisedVoidOf(
  eventId: string,
  voided: SaleVoidedData,
  sold: VoidedSale,
  byBureau = false,
): SupervisedVoid {
  return {
    saleId: voided.saleId,
    eventId,
    saleEventId: sold.eventId,
    canteenId: sold.canteenId,
    terminalId: sold.terminalId,
    cashierId: sold.cashierId,
    elderId: sold.elderId,
    businessDate: sold.businessDate,
    saleOccurredAt: sold.occurredAt,
    voidedAt: voided.voidedAt,
    ...(voided.occurredAt === undefined ? {} : { madeAt: voided.occurredAt }),
    ...(byBureau ? { byBureau: true as const } : {}),
    reason: voided.reason,
    reimbursableFen: sold.reimbursableFen,
  };
}

/**
 * From `CanteenRegistered` / `CanteenChanged`: district, town, location, periods, closed days,
 * `effectiveFrom`.
 */
export function supervisedCanteenOf(eventId: string, event: CanteenEvent): SupervisedCanteen {
  const details: CanteenDetails = event.data.details;
  const schedule: CanteenSchedule = details.closedDays
    ? { closedWeekdays: details.closedDays.weekdays, closedDates: details.closedDays.dates }
    : ALWAYS_OPEN;
  return {
    canteenId: event.data.canteenId,
    name: details.name,
    eventId,
    effectiveFrom: event.type === 'CanteenChanged' ? event.data.effectiveFrom : null,
    district: details.district,
    town: details.town,
    location: details.location,
    periods: details.periods,
    schedule,
  };
}

/** The recorded event a fact is taken from: its id, type and data. */
export interface SourceEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  /** Who recorded it (the store's metadata): a counter, a bureau user, the system. */
  readonly metadata?: { readonly actor?: { readonly type: string } };
}

/** Recorded by a person of the bureau (the admin or a named user), not a counter or the system. */
const byBureauUser = (event: SourceEvent) =>
  event.metadata?.actor?.type === 'admin' || event.metadata?.actor?.type === 'bureau-user';

/** What mapping a void needs from the store: the voided sale, as its `MealSold` recorded it. */
export type SoldLookup = (saleId: string) => VoidedSale | null;

/**
 * The fact a recorded event gives the checks, or null for events they do not use. A void whose
 * sale cannot be found gives null. A month's closing ends its last day.
 */
export function supervisionFactOf(event: SourceEvent, soldOf: SoldLookup): SupervisionFact | null {
  switch (event.type) {
    case 'MealSold':
      return { type: 'sale', sale: supervisedSaleOf(event.id, event.data as MealSoldData) };
    case 'SaleVoided': {
      const data = event.data as SaleVoidedData;
      const sold = soldOf(data.saleId);
      return sold
        ? { type: 'void', void: supervisedVoidOf(event.id, data, sold, byBureauUser(event)) }
        : null;
    }
    case 'CanteenRegistered':
    case 'CanteenChanged': {
      const canteenEvent = { type: event.type, data: event.data } as CanteenEvent;
      return { type: 'canteen', canteen: supervisedCanteenOf(event.id, canteenEvent) };
    }
    case 'ElderRegistered':
    case 'ElderProfileChanged': {
      const data = event.data as Extract<ElderEvent, { type: 'ElderProfileChanged' }>['data'];
      return {
        type: 'elder',
        elder: {
          elderId: data.elderId,
          eventId: event.id,
          effectiveFrom: event.type === 'ElderProfileChanged' ? data.effectiveFrom : null,
          district: data.profile.district,
          town: data.profile.town,
        },
      };
    }
    case 'ElderDied': {
      const data = event.data as Extract<ElderEvent, { type: 'ElderDied' }>['data'];
      return { type: 'death', elderId: data.elderId, date: data.date, eventId: event.id };
    }
    case 'CardAssigned': {
      const data = event.data as Extract<CardEvent, { type: 'CardAssigned' }>['data'];
      return {
        type: 'card-assigned',
        cardUid: data.cardUid,
        elderId: data.elderId,
        from: data.effectiveFrom,
        eventId: event.id,
      };
    }
    case 'CardRetired': {
      const data = event.data as Extract<CardEvent, { type: 'CardRetired' }>['data'];
      return {
        type: 'card-retired',
        cardUid: data.cardUid,
        elderId: data.elderId,
        at: data.effectiveFrom,
        eventId: event.id,
      };
    }
    case 'MonthClosed': {
      const { month } = event.data as { month: MonthKey };
      return { type: 'day-ended', businessDate: lastDayOfMonth(month) };
    }
    default:
      return null;
  }
}
