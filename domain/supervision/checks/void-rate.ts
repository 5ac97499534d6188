import type { BusinessDate } from '../../time/calendar.ts';
import { type Alert, alertOf } from '../alert.ts';
import type { SupervisionSettings } from '../settings.ts';
import { type Check, canteenLabel, deepFrozen, endedThrough, type Keyed, unchanged } from './check.ts';
import { countInOpenDay, type OpenVoidDay, takeEndedDays } from './open-days.ts';

export interface VoidRateState {
  ended: BusinessDate | null;
  /** The days not ended yet, by `dayKey`. */
  readonly open: Keyed<OpenVoidDay>;
  /** Sales and voids of each canteen's last `baselineDays` unflagged days, the canteen's usual rate. */
  readonly baseline: Keyed<{ readonly sales: number; readonly voids: number }[]>;
  /** Each canteen's name, as registered last. */
  readonly names: Keyed<string>;
}

/**
 * 作废率异常: a canteen day whose share of voided sales is far above the canteen's usual share (its
 * earlier open days, never taken below a floor). A day is judged when it ends with the voids
 * recorded by then; a flagged day does not enter the baseline. Follows the recorded order.
 */
export const voidRate: Check<VoidRateState> = {
  name: 'void-rate',
  kinds: ['void-rate'],
  order: 'recorded',
  initialState: deepFrozen({ ended: null, open: {}, baseline: {}, names: {} }),
  apply(state, fact, settings) {
    if (fact.type === 'canteen') state.names[fact.canteen.canteenId] = fact.canteen.name;
    countInOpenDay(state.open, state.ended, fact);
    const ended = endedThrough(state.ended, fact);
    if (ended === state.ended || ended === null) return unchanged(state);
    state.ended = ended;
    return { state, alerts: judgeDays(state, ended, settings.voidRate) };
  },
};

function judgeDays(
  state: VoidRateState,
  ended: BusinessDate,
  settings: SupervisionSettings['voidRate'],
): Alert[] {
  const alerts: Alert[] = [];
  for (const day of takeEndedDays(state.open, ended)) {
    const history = state.baseline[day.canteenId] ?? [];
    const pastSales = history.reduce((sum, entry) => sum + entry.sales, 0);
    const pastVoids = history.reduce((sum, entry) => sum + entry.voids, 0);
    const usual = Math.max(settings.floorRate, pastSales === 0 ? 0 : pastVoids / pastSales);
    const voids = day.voids.length;
    const rate = day.sales === 0 ? 0 : voids / day.sales;
    const flagged =
      day.sales >= settings.minSales && voids >= settings.minVoids && rate > settings.multiple * usual;
    if (!flagged) {
      history.push({ sales: day.sales, voids });
      if (history.length > settings.baselineDays) history.splice(0, history.length - settings.baselineDays);
      state.baseline[day.canteenId] = history;
      continue;
    }
    const percent = (value: number) => (value * 100).toFixed(1);
    alerts.push(
      alertOf({
        kind: 'void-rate',
        key: [day.canteenId, day.businessDate],
        severity: rate > 2 * settings.multiple * usual ? 'high' : 'medium',
        canteenId: day.canteenId,
        businessDate: day.businessDate,
        saleIds: day.voids.map((entry) => entry.saleId),
        eventIds: day.voids.flatMap((entry) => [entry.saleEventId, entry.eventId]),
        explanation: {
          zh: `${canteenLabel(day.canteenId, state.names[day.canteenId])} 在 ${day.businessDate} 作废 ${voids} 笔，占 ${day.sales} 笔的 ${percent(rate)}%，是平日作废率 ${percent(usual)}% 的 ${(rate / usual).toFixed(1)} 倍（阈值 ${settings.multiple} 倍）`,
          en: `${canteenLabel(day.canteenId, state.names[day.canteenId])} voided ${voids} of ${day.sales} sales on ${day.businessDate} (${percent(rate)}%), ${(rate / usual).toFixed(1)} times its usual ${percent(usual)}% (threshold ${settings.multiple} times)`,
        },
        figures: {
          voids,
          sales: day.sales,
          ratePercent: Number(percent(rate)),
          usualPercent: Number(percent(usual)),
        },
      }),
    );
  }
  return alerts;
}
