import { addDays, type BusinessDate } from '../../time/calendar.ts';
import type { EpochMs } from '../../time/shanghai-time.ts';
import { type Alert, alertOf } from '../alert.ts';
import type { GeoPoint } from '../facts.ts';
import { distanceKm } from '../geo.ts';
import {
  type ByDay,
  type CanteenDirectory,
  type Check,
  canteenAt,
  canteenLabel,
  dayEntryOf,
  deepFrozen,
  forgetDaysBefore,
  isKept,
  itemsOnDates,
  keptFrom,
  laterDate,
  oneDecimal,
  readOnly,
  unchanged,
  withCanteen,
} from './check.ts';

interface Tap {
  readonly saleId: string;
  readonly eventId: string;
  readonly canteenId: string;
  readonly at: EpochMs;
  readonly businessDate: BusinessDate;
  readonly location: GeoPoint;
}

export interface ImpossibleTravelState {
  /** The latest business date seen (see `laterDate`). */
  latest: BusinessDate | null;
  readonly canteens: CanteenDirectory;
  /**
   * Taps at canteens with a location, by card: those a sale arriving up to `lateArrivalDays` late
   * can be compared with (its date, and the window before it), by date and card.
   */
  readonly taps: ByDay<Tap[]>;
}

/**
 * 异地刷卡: the same card at two canteens too far apart for the time between the taps. Every pair
 * of taps within the window is compared, whichever arrives first, so the alerts do not depend on the
 * order of the sales (within `lateArrivalDays`). A sale's canteen location is the one in force at the sale's time, so canteen
 * facts must come before their sales (recorded order has them first).
 */
export const impossibleTravel: Check<ImpossibleTravelState> = {
  name: 'impossible-travel',
  kinds: ['impossible-travel'],
  order: 'any',
  initialState: deepFrozen({ latest: null, canteens: {}, taps: {} }),
  byDay: ['taps'],
  apply(state, fact, settings) {
    if (fact.type === 'canteen') withCanteen(state.canteens, fact.canteen);
    // A sale of the first kept date can pair with taps up to the window before that date.
    const keptDays = settings.lateArrivalDays + Math.ceil(settings.impossibleTravel.windowHours / 24);
    const latest = laterDate(state.latest, fact);
    if (latest !== null) {
      state.latest = latest;
      forgetDaysBefore(state.taps, keptFrom(latest, keptDays) as BusinessDate);
    }
    if (fact.type !== 'sale' || fact.sale.cardUid === null) return unchanged(state);
    const sale = fact.sale;
    const cardUid = sale.cardUid as string;
    const location = canteenAt(state.canteens, sale.canteenId, sale.occurredAt)?.location ?? null;
    const windowDays = Math.ceil(settings.impossibleTravel.windowHours / 24);
    // Taps are never changed once kept: reading them writes nothing.
    const earlier = itemsOnDates(
      readOnly(state.taps),
      cardUid,
      addDays(sale.businessDate, -windowDays),
      addDays(sale.businessDate, windowDays),
    );
    if (location === null || earlier.some((tap) => tap.saleId === sale.saleId)) return unchanged(state);
    const tap: Tap = {
      saleId: sale.saleId,
      eventId: sale.eventId,
      canteenId: sale.canteenId,
      at: sale.occurredAt,
      businessDate: sale.businessDate,
      location,
    };
    const { maxSpeedKmh, minDistanceKm, windowHours } = settings.impossibleTravel;
    const alerts: Alert[] = [];
    for (const other of earlier) {
      const hours = Math.abs(tap.at - other.at) / 3_600_000;
      if (hours > windowHours) continue;
      const km = distanceKm(tap.location, other.location);
      if (km < minDistanceKm) continue;
      const speed = hours === 0 ? Number.POSITIVE_INFINITY : km / hours;
      if (speed <= maxSpeedKmh) continue;
      alerts.push(travelAlert(state.canteens, cardUid, other, tap, { km, hours, speed, maxSpeedKmh }));
    }
    if (isKept(tap.businessDate, keptFrom(state.latest, keptDays)))
      dayEntryOf(state.taps, tap.businessDate, cardUid, () => []).push(tap);
    return { state, alerts };
  },
};

function travelAlert(
  canteens: CanteenDirectory,
  cardUid: string,
  a: Tap,
  b: Tap,
  { km, hours, speed, maxSpeedKmh }: { km: number; hours: number; speed: number; maxSpeedKmh: number },
): Alert {
  const [first, second] = a.at <= b.at ? [a, b] : [b, a];
  const at = (tap: Tap) => canteenLabel(tap.canteenId, canteenAt(canteens, tap.canteenId, tap.at)?.name);
  const minutes = Math.round(hours * 60);
  const speedZh = Number.isFinite(speed) ? `约 ${Math.round(speed)} 公里/小时` : '同一时刻';
  const speedEn = Number.isFinite(speed) ? `about ${Math.round(speed)} km/h` : 'at the same moment';
  return alertOf({
    kind: 'impossible-travel',
    key: [first.saleId, second.saleId].sort(),
    severity: speed > 2 * maxSpeedKmh ? 'high' : 'medium',
    canteenId: second.canteenId,
    businessDate: second.businessDate,
    saleIds: [first.saleId, second.saleId],
    eventIds: [first.eventId, second.eventId],
    explanation: {
      zh: `卡 ${cardUid} 在 ${at(first)} 与 ${at(second)} 两次刷卡相距 ${oneDecimal(km)} 公里，间隔 ${minutes} 分钟（${speedZh}，合理上限 ${maxSpeedKmh} 公里/小时）`,
      en: `Card ${cardUid} was tapped at ${at(first)} and ${at(second)}, ${oneDecimal(km)} km apart, ${minutes} min between the taps (${speedEn}; plausible at most ${maxSpeedKmh} km/h)`,
    },
    figures: {
      distanceKm: Math.round(km * 10) / 10,
      minutes,
      speedKmh: Number.isFinite(speed) ? Math.round(speed) : -1,
    },
  });
}
