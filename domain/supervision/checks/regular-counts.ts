import { type BusinessDate, compareDates, isAfter, monthKeyOf } from '../../time/calendar.ts';
import { type Alert, alertOf } from '../alert.ts';
import {
  type Check,
  canteenLabel,
  deepFrozen,
  endedThrough,
  entryOf,
  type Keyed,
  unchanged,
} from './check.ts';

interface OpenDay {
  readonly canteenId: string;
  readonly businessDate: BusinessDate;
  /** Subsidised sales of the day: sale id → `MealSold` event id. */
  readonly sales: Keyed<string>;
}

interface CountedDay {
  readonly businessDate: BusinessDate;
  readonly sales: Keyed<string>;
}

export interface RegularCountsState {
  ended: BusinessDate | null;
  /** The days not ended yet, by `canteen|date`. */
  readonly open: Keyed<OpenDay>;
  /** The last `windowDays` open days of each canteen that ended, oldest first. */
  readonly history: Keyed<CountedDay[]>;
  /** Canteen months already raised, one alert per canteen and month; forgotten once the month has ended. */
  readonly raised: Keyed<true>;
  /** Each canteen's name, as registered last. */
  readonly names: Keyed<string>;
}

/**
 * 日补贴数过于规律: a canteen whose daily subsidised counts over a window of open days hardly
 * vary (coefficient of variation at most the threshold), the mark of counts made up to a target.
 * A day is counted when it ends (see `endedThrough`), without the sales voided by then; sales of an
 * ended day arriving later are not counted, so the alerts follow the recorded order.
 */
export const regularCounts: Check<RegularCountsState> = {
  name: 'regular-counts',
  kinds: ['regular-counts'],
  order: 'recorded',
  initialState: deepFrozen({ ended: null, open: {}, history: {}, raised: {}, names: {} }),
  apply(state, fact, settings) {
    if (fact.type === 'canteen') state.names[fact.canteen.canteenId] = fact.canteen.name;
    if (fact.type === 'sale' && fact.sale.reimbursableFen > 0) {
      const sale = fact.sale;
      if (state.ended === null || isAfter(sale.businessDate, state.ended)) {
        const key = `${sale.canteenId}|${sale.businessDate}`;
        const day = entryOf<OpenDay>(state.open, key, () => ({
          canteenId: sale.canteenId,
          businessDate: sale.businessDate,
          sales: {},
        }));
        day.sales[sale.saleId] = sale.eventId;
      }
    }
    if (fact.type === 'void') {
      const day = state.open[`${fact.void.canteenId}|${fact.void.businessDate}`];
      if (day) delete day.sales[fact.void.saleId];
    }
    const ended = endedThrough(state.ended, fact);
    if (ended === state.ended || ended === null) return unchanged(state);
    state.ended = ended;
    const alerts = closeDays(state, ended, settings.regularCounts);
    // No day of an earlier month can be judged any more: its raised marks are done with.
    const month = monthKeyOf(ended);
    for (const key of Object.keys(state.raised)) if (key.slice(-7) < month) delete state.raised[key];
    return { state, alerts };
  },
};

function closeDays(
  state: RegularCountsState,
  ended: BusinessDate,
  settings: { windowDays: number; maxCoefficientOfVariation: number; minMeanCount: number },
): Alert[] {
  const closing = Object.entries(state.open)
    .filter(([, day]) => !isAfter(day.businessDate, ended))
    .sort(([keyA, a], [keyB, b]) => compareDates(a.businessDate, b.businessDate) || (keyA < keyB ? -1 : 1));
  const alerts: Alert[] = [];
  for (const [key, day] of closing) {
    delete state.open[key];
    const history = entryOf(state.history, day.canteenId, () => []);
    history.push({ businessDate: day.businessDate, sales: day.sales });
    if (history.length > settings.windowDays) history.splice(0, history.length - settings.windowDays);
    if (history.length < settings.windowDays) continue;
    const counts = history.map((counted) => Object.keys(counted.sales).length);
    const mean = counts.reduce((sum, value) => sum + value, 0) / counts.length;
    const sd = Math.sqrt(counts.reduce((sum, value) => sum + (value - mean) ** 2, 0) / counts.length);
    const cv = sd / mean;
    const month = monthKeyOf(day.businessDate);
    const raisedKey = `${day.canteenId}|${month}`;
    if (mean < settings.minMeanCount || cv > settings.maxCoefficientOfVariation || state.raised[raisedKey])
      continue;
    state.raised[raisedKey] = true;
    const first = history[0]?.businessDate ?? day.businessDate;
    const min = Math.min(...counts);
    const max = Math.max(...counts);
    alerts.push(
      alertOf({
        kind: 'regular-counts',
        key: [day.canteenId, month],
        severity: cv <= settings.maxCoefficientOfVariation / 2 ? 'high' : 'medium',
        canteenId: day.canteenId,
        businessDate: day.businessDate,
        saleIds: history.flatMap((counted) => Object.keys(counted.sales)),
        eventIds: history.flatMap((counted) => Object.values(counted.sales)),
        explanation: {
          zh: `${canteenLabel(day.canteenId, state.names[day.canteenId])} 自 ${first} 至 ${day.businessDate} 连续 ${counts.length} 个营业日每日补贴餐数在 ${min}–${max} 份之间（平均 ${mean.toFixed(1)} 份，变异系数 ${cv.toFixed(3)}，阈值 ${settings.maxCoefficientOfVariation}），过于规律`,
          en: `${canteenLabel(day.canteenId, state.names[day.canteenId])} served between ${min} and ${max} subsidised meals on each of ${counts.length} open days from ${first} to ${day.businessDate} (mean ${mean.toFixed(1)}, coefficient of variation ${cv.toFixed(3)}, threshold ${settings.maxCoefficientOfVariation}): too regular`,
        },
        figures: {
          days: counts.length,
          meanCount: Math.round(mean * 10) / 10,
          minCount: min,
          maxCount: max,
          cv: Math.round(cv * 1000) / 1000,
        },
      }),
    );
  }
  return alerts;
}
