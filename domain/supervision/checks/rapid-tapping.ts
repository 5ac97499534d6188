import type { BusinessDate } from '../../time/calendar.ts';
import type { EpochMs } from '../../time/shanghai-time.ts';
import { type Alert, alertOf } from '../alert.ts';
import {
  type ByDay,
  type Check,
  dayEntryOf,
  deepFrozen,
  forgetDaysBefore,
  isKept,
  keptFrom,
  laterDate,
  readOnly,
  unchanged,
} from './check.ts';

const HOUR_MS = 3_600_000;

interface Tap {
  readonly saleId: string;
  readonly eventId: string;
  readonly cardUid: string;
  readonly at: EpochMs;
  readonly canteenId: string;
}

export interface RapidTappingState {
  /** The latest business date seen (see `laterDate`). */
  latest: BusinessDate | null;
  /**
   * Card taps of the last `lateArrivalDays` dates by cashier (or terminal), business date and hour
   * (by date and `actor|hour`), each hour's in time order: a tap writes its hour's list only.
   */
  readonly taps: ByDay<Tap[]>;
  /** Cashier days already raised: one alert per cashier and day, by date and cashier. */
  readonly raised: ByDay<true>;
}

/**
 * 代刷卡: one cashier (a terminal without a signed-in cashier stands for its cashier) tapping many
 * different cards within a short window, faster than elders can come to the counter: staff holding
 * the elders' cards. Raised once per cashier and business date, with the cards of the first window
 * found. Which cashier days are raised does not depend on order; the window named in the evidence
 * may, when sales of one counter arrive out of order. A sale more than `lateArrivalDays` older than
 * the latest business date is not counted (its cashier day is no longer kept).
 */
export const rapidTapping: Check<RapidTappingState> = {
  name: 'rapid-tapping',
  kinds: ['card-farming'],
  order: 'recorded',
  initialState: deepFrozen({ latest: null, taps: {}, raised: {} }),
  byDay: ['taps', 'raised'],
  apply(state, fact, settings) {
    const latest = laterDate(state.latest, fact);
    if (latest !== null) {
      state.latest = latest;
      const from = keptFrom(latest, settings.lateArrivalDays) as BusinessDate;
      forgetDaysBefore(state.taps, from);
      forgetDaysBefore(state.raised, from);
    }
    if (fact.type !== 'sale' || fact.sale.cardUid === null) return unchanged(state);
    const sale = fact.sale;
    if (!isKept(sale.businessDate, keptFrom(state.latest, settings.lateArrivalDays))) return unchanged(state);
    const cardUid = fact.sale.cardUid;
    const actor = sale.cashierId === null ? `terminal ${sale.terminalId}` : `cashier ${sale.cashierId}`;
    const date = sale.businessDate;
    const hourOf = (at: EpochMs) => Math.floor(at / HOUR_MS);
    const hour = hourOf(sale.occurredAt);
    const taps = dayEntryOf(state.taps, date, `${actor}|${hour}`, () => []);
    if (taps.some((tap) => tap.saleId === sale.saleId)) return unchanged(state);
    const tap: Tap = {
      saleId: sale.saleId,
      eventId: sale.eventId,
      cardUid,
      at: sale.occurredAt,
      canteenId: sale.canteenId,
    };
    // Kept in (time, sale id) order: the new tap goes after every tap that comes before it.
    const before = (other: Tap) => other.at < tap.at || (other.at === tap.at && other.saleId < tap.saleId);
    let index = taps.length;
    while (index > 0 && !before(taps[index - 1] as Tap)) index -= 1;
    taps.splice(index, 0, tap);
    if (readOnly(state.raised)[date]?.[actor]) return unchanged(state);
    const { cards, windowSeconds } = settings.rapidTapping;
    const windowMs = windowSeconds * 1000;
    // Only windows holding the new tap can have changed: those starting up to a window before it,
    // which hold taps up to a window after it (in the hours around it, only read).
    const near: Tap[] = [];
    for (let other = hourOf(tap.at - windowMs); other <= hourOf(tap.at + windowMs); other += 1) {
      const hourTaps = other === hour ? taps : (readOnly(state.taps)[date]?.[`${actor}|${other}`] ?? []);
      for (const candidate of hourTaps)
        if (candidate.at >= tap.at - windowMs && candidate.at <= tap.at + windowMs) near.push(candidate);
    }
    for (const start of near) {
      if (start.at > tap.at) break;
      const inWindow = near.filter((other) => other.at >= start.at && other.at <= start.at + windowMs);
      const distinct = new Set(inWindow.map((other) => other.cardUid));
      if (distinct.size < cards) continue;
      const alert = rapidAlert(actor, sale.businessDate, inWindow, distinct.size, cards, windowSeconds);
      dayEntryOf(state.raised, date, actor, () => true);
      return { state, alerts: [alert] };
    }
    return unchanged(state);
  },
};

function rapidAlert(
  actor: string,
  businessDate: BusinessDate,
  taps: readonly Tap[],
  distinct: number,
  threshold: number,
  windowSeconds: number,
): Alert {
  const first = taps[0] as Tap;
  const last = taps.at(-1) as Tap;
  const seconds = Math.round((last.at - first.at) / 1000);
  const [kind, id] = actor.split(' ') as [string, string];
  return alertOf({
    kind: 'card-farming',
    key: [actor, businessDate],
    severity: distinct >= 2 * threshold ? 'high' : 'medium',
    canteenId: last.canteenId,
    businessDate,
    saleIds: taps.map((tap) => tap.saleId),
    eventIds: taps.map((tap) => tap.eventId),
    explanation: {
      zh: `${kind === 'cashier' ? '收银员' : '终端'} ${id} 在 ${seconds} 秒内刷了 ${distinct} 张不同的卡（阈值 ${windowSeconds} 秒内 ${threshold} 张），疑似代刷`,
      en: `${kind === 'cashier' ? 'Cashier' : 'Terminal'} ${id} tapped ${distinct} different cards within ${seconds} s (threshold ${threshold} cards in ${windowSeconds} s): cards held by staff?`,
    },
    figures: { cards: distinct, seconds, threshold, windowSeconds },
  });
}
