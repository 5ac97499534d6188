import type { BusinessDate } from '../../time/calendar.ts';
import type { EpochMs } from '../../time/shanghai-time.ts';
import { type Alert, alertOf } from '../alert.ts';
import { type Check, type Keyed, put, unchanged } from './check.ts';

interface Tap {
  readonly saleId: string;
  readonly eventId: string;
  readonly cardUid: string;
  readonly at: EpochMs;
  readonly canteenId: string;
}

export interface RapidTappingState {
  /** Card taps by cashier (or terminal) and business date, in time order. */
  readonly taps: Keyed<readonly Tap[]>;
  /** Cashier days already raised: one alert per cashier and day. */
  readonly raised: Keyed<true>;
}

/**
 * 代刷卡: one cashier (a terminal without a signed-in cashier stands for its cashier) tapping many
 * different cards within a short window, faster than elders can come to the counter: staff holding
 * the elders' cards. Raised once per cashier and business date, with the cards of the first window
 * found. Which cashier days are raised does not depend on order; the window named in the evidence
 * may, when sales of one counter arrive out of order.
 */
export const rapidTapping: Check<RapidTappingState> = {
  name: 'rapid-tapping',
  kinds: ['card-farming'],
  order: 'recorded',
  initialState: { taps: {}, raised: {} },
  apply(state, fact, settings) {
    if (fact.type !== 'sale' || fact.sale.cardUid === null) return unchanged(state);
    const sale = fact.sale;
    const cardUid = fact.sale.cardUid;
    const actor = sale.cashierId === null ? `terminal ${sale.terminalId}` : `cashier ${sale.cashierId}`;
    const key = `${actor}|${sale.businessDate}`;
    const known = state.taps[key] ?? [];
    if (known.some((tap) => tap.saleId === sale.saleId)) return unchanged(state);
    const tap: Tap = {
      saleId: sale.saleId,
      eventId: sale.eventId,
      cardUid,
      at: sale.occurredAt,
      canteenId: sale.canteenId,
    };
    const taps = [...known, tap].sort((a, b) => a.at - b.at || (a.saleId < b.saleId ? -1 : 1));
    const next = { ...state, taps: put(state.taps, key, taps) };
    if (state.raised[key]) return unchanged(next);
    const { cards, windowSeconds } = settings.rapidTapping;
    const windowMs = windowSeconds * 1000;
    // Only windows holding the new tap can have changed: those starting up to a window before it.
    for (const start of taps) {
      if (start.at < tap.at - windowMs || start.at > tap.at) continue;
      const inWindow = taps.filter((other) => other.at >= start.at && other.at <= start.at + windowMs);
      const distinct = new Set(inWindow.map((other) => other.cardUid));
      if (distinct.size < cards) continue;
      const alert = rapidAlert(actor, sale.businessDate, inWindow, distinct.size, cards, windowSeconds);
      return { state: { ...next, raised: put(next.raised, key, true) }, alerts: [alert] };
    }
    return unchanged(next);
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
