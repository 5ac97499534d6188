import { type BusinessDate, monthKeyOf } from '../../time/calendar.ts';
import { type Alert, alertOf } from '../alert.ts';
import type { SupervisionSettings } from '../settings.ts';
import {
  type Check,
  canteenLabel,
  deepFrozen,
  endedThrough,
  entryOf,
  forgetMonthsBefore,
  type Keyed,
  readOnly,
  unchanged,
} from './check.ts';
import { countInOpenDay, type OpenVoidDay, takeEndedDays } from './open-days.ts';

/** One ended open day of a canteen, as counts only. */
interface CountedDay {
  readonly businessDate: BusinessDate;
  readonly sales: number;
  readonly voids: number;
}

export interface VoidRatePeersState {
  ended: BusinessDate | null;
  /** The days not ended yet, by `dayKey`, with the voids recorded by then. */
  readonly open: Keyed<OpenVoidDay>;
  /** Each canteen's last `windowDays` ended open days (flagged or not), oldest first: counts only. */
  readonly recent: Keyed<CountedDay[]>;
  /** Canteen months already raised (`canteen|YYYY-MM`); forgotten once the month has ended. */
  readonly raised: Keyed<true>;
  /** Each canteen's name, as registered last. */
  readonly names: Keyed<string>;
}

type Settings = SupervisionSettings['voidRatePeers'];

interface Peer {
  readonly canteenId: string;
  readonly days: number;
  readonly sales: number;
  readonly voids: number;
}

/**
 * 作废率高于同类食堂: a canteen whose void share over its last `windowDays` open days (all of them,
 * flagged or not) is far above its peers' share over the same dates: the canteens of similar size
 * (mean daily sales within `sizeFactor` of its own) when there are at least `minPeers` of them, else
 * every other canteen of the city. The peers' share is never taken below `voidRate.floorRate`. It
 * finds what `void-rate` cannot: a canteen that voids a lot from its first day (it has no usual rate
 * of its own) or always, and small canteens whose single days are too few to judge. Judged when a
 * day ends, once the window holds `minSales` sales and `minVoids` voids; one alert per canteen and
 * month, raised on a day with voids and naming them. Follows the recorded order.
 */
export const voidRatePeers: Check<VoidRatePeersState> = {
  name: 'void-rate-peers',
  kinds: ['void-rate-peers'],
  order: 'recorded',
  initialState: deepFrozen({ ended: null, open: {}, recent: {}, raised: {}, names: {} }),
  apply(state, fact, settings) {
    if (fact.type === 'canteen') state.names[fact.canteen.canteenId] = fact.canteen.name;
    countInOpenDay(state.open, state.ended, fact);
    const ended = endedThrough(state.ended, fact);
    if (ended === state.ended || ended === null) return unchanged(state);
    state.ended = ended;
    const alerts = closeDays(state, ended, settings.voidRatePeers, settings.voidRate.floorRate);
    // No day of an earlier month can be judged any more: its raised marks are done with.
    const month = monthKeyOf(ended);
    forgetMonthsBefore(state.raised, month);
    return { state, alerts };
  },
};

function closeDays(state: VoidRatePeersState, ended: BusinessDate, settings: Settings, floorRate: number) {
  const closing = takeEndedDays(state.open, ended);
  const alerts: Alert[] = [];
  // Date by date: every canteen's day of a date enters the windows before any canteen of that date
  // is judged, so that peers are compared over the same dates whatever order the days are in.
  for (let first = 0; first < closing.length; ) {
    const date = (closing[first] as OpenVoidDay).businessDate;
    let last = first;
    while (last < closing.length && (closing[last] as OpenVoidDay).businessDate === date) last += 1;
    const ofDate = closing.slice(first, last);
    for (const day of ofDate) {
      const days = entryOf(state.recent, day.canteenId, () => []);
      days.push({ businessDate: day.businessDate, sales: day.sales, voids: day.voids.length });
      if (days.length > settings.windowDays) days.splice(0, days.length - settings.windowDays);
    }
    // The city's canteens over the dates of a window, summed once for all the canteens judged.
    const cityFrom = new Map<BusinessDate, Peer[]>();
    for (const day of ofDate) {
      const alert = judge(state, day, settings, floorRate, cityFrom);
      if (alert) alerts.push(alert);
    }
    first = last;
  }
  return alerts;
}

function judge(
  state: VoidRatePeersState,
  day: OpenVoidDay,
  settings: Settings,
  floorRate: number,
  cityFrom: Map<BusinessDate, Peer[]>,
): Alert | null {
  const month = monthKeyOf(day.businessDate);
  const raisedKey = `${day.canteenId}|${month}`;
  if (state.raised[raisedKey] || day.voids.length === 0) return null;
  const own = peerOf(day.canteenId, state.recent[day.canteenId] ?? [], null, day.businessDate);
  if (own === null || own.sales < settings.minSales || own.voids < settings.minVoids) return null;
  const from = (state.recent[day.canteenId] ?? [])[0]?.businessDate ?? day.businessDate;
  let all = cityFrom.get(from);
  if (all === undefined) {
    const recent = readOnly(state.recent);
    all = [];
    for (const canteenId of Object.keys(recent).sort()) {
      const peer = peerOf(canteenId, recent[canteenId] ?? [], from, day.businessDate);
      if (peer !== null && peer.sales > 0) all.push(peer);
    }
    cityFrom.set(from, all);
  }
  const city = all.filter((peer) => peer.canteenId !== day.canteenId);
  if (city.length === 0) return null;
  const ownDaily = own.sales / own.days;
  const similar = city.filter((peer) => {
    const daily = peer.sales / peer.days;
    return daily * settings.sizeFactor >= ownDaily && daily <= ownDaily * settings.sizeFactor;
  });
  const bySize = similar.length >= settings.minPeers;
  const peers = bySize ? similar : city;
  const peerSales = peers.reduce((sum, peer) => sum + peer.sales, 0);
  const peerVoids = peers.reduce((sum, peer) => sum + peer.voids, 0);
  const peerRate = peerVoids / peerSales;
  const usual = Math.max(floorRate, peerRate);
  const rate = own.voids / own.sales;
  if (rate <= settings.multiple * usual) return null;
  state.raised[raisedKey] = true;
  const percent = (value: number) => (value * 100).toFixed(1);
  const label = canteenLabel(day.canteenId, state.names[day.canteenId]);
  const shown = peers.slice(0, 5).map((peer) => canteenLabel(peer.canteenId, state.names[peer.canteenId]));
  const more = peers.length - shown.length;
  const zhPeers = bySize
    ? `规模相近的 ${peers.length} 家食堂（日均售餐在其 1/${settings.sizeFactor} 至 ${settings.sizeFactor} 倍之间：${shown.join('、')}${more > 0 ? ' 等' : ''}）`
    : `全市其他 ${peers.length} 家食堂（规模相近的不足 ${settings.minPeers} 家）`;
  const enPeers = bySize
    ? `${peers.length} canteens of similar size (mean daily sales within a factor of ${settings.sizeFactor}: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''})`
    : `the city's ${peers.length} other canteens (fewer than ${settings.minPeers} of similar size)`;
  const floored = usual > peerRate;
  const zhUsual = floored ? `，按下限 ${percent(floorRate)}% 计` : '';
  const enUsual = floored ? `, taken at the floor of ${percent(floorRate)}%` : '';
  return alertOf({
    kind: 'void-rate-peers',
    key: [day.canteenId, month],
    severity: rate > 2 * settings.multiple * usual ? 'high' : 'medium',
    canteenId: day.canteenId,
    businessDate: day.businessDate,
    saleIds: day.voids.map((entry) => entry.saleId),
    eventIds: day.voids.flatMap((entry) => [entry.saleEventId, entry.eventId]),
    explanation: {
      zh: `${label} 自 ${from} 至 ${day.businessDate} 的 ${own.days} 个营业日作废 ${own.voids} 笔，占 ${own.sales} 笔的 ${percent(rate)}%；同期${zhPeers}作废 ${peerVoids} 笔，占 ${peerSales} 笔的 ${percent(peerRate)}%${zhUsual}，是其 ${(rate / usual).toFixed(1)} 倍（阈值 ${settings.multiple} 倍）。证据为 ${day.businessDate} 的 ${day.voids.length} 笔作废`,
      en: `${label} voided ${own.voids} of ${own.sales} sales (${percent(rate)}%) over ${own.days} open days from ${from} to ${day.businessDate}; over the same dates ${enPeers} voided ${peerVoids} of ${peerSales} (${percent(peerRate)}%${enUsual}): ${(rate / usual).toFixed(1)} times theirs (threshold ${settings.multiple} times). The evidence is the ${day.voids.length} voids of ${day.businessDate}`,
    },
    figures: {
      days: own.days,
      voids: own.voids,
      sales: own.sales,
      ratePercent: Number(percent(rate)),
      peerPercent: Number(percent(peerRate)),
      usualPercent: Number(percent(usual)),
      peers: peers.length,
      /** 1 when the peers are the canteens of similar size, 0 when they are the whole city. */
      similarSize: bySize ? 1 : 0,
      meanDailySales: Math.round(ownDaily * 10) / 10,
    },
  });
}

/** A canteen's days from `from` (null: all kept) through `through`, summed. */
function peerOf(
  canteenId: string,
  days: readonly CountedDay[],
  from: BusinessDate | null,
  through: BusinessDate,
): Peer | null {
  let count = 0;
  let sales = 0;
  let voids = 0;
  for (const day of days) {
    if ((from !== null && day.businessDate < from) || day.businessDate > through) continue;
    count += 1;
    sales += day.sales;
    voids += day.voids;
  }
  return count === 0 ? null : { canteenId, days: count, sales, voids };
}
