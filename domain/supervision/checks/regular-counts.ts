import { type BusinessDate, compareDates, isAfter, monthKeyOf } from '../../time/calendar.ts';
import { type Alert, alertOf } from '../alert.ts';
import { type Check, endedThrough, type Keyed, put, unchanged, without } from './check.ts';

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
  readonly ended: BusinessDate | null;
  readonly open: Keyed<OpenDay>;
  /** The last open days of each canteen that ended, oldest first. */
  readonly history: Keyed<readonly CountedDay[]>;
  /** Canteen months already raised: one alert per canteen and month. */
  readonly raised: Keyed<true>;
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
  initialState: { ended: null, open: {}, history: {}, raised: {} },
  apply(state, fact, settings) {
    let next = state;
    if (fact.type === 'sale' && fact.sale.reimbursableFen > 0) {
      const sale = fact.sale;
      if (next.ended === null || isAfter(sale.businessDate, next.ended)) {
        const key = `${sale.canteenId}|${sale.businessDate}`;
        const day = next.open[key] ?? {
          canteenId: sale.canteenId,
          businessDate: sale.businessDate,
          sales: {},
        };
        next = {
          ...next,
          open: put(next.open, key, { ...day, sales: put(day.sales, sale.saleId, sale.eventId) }),
        };
      }
    }
    if (fact.type === 'void') {
      const key = `${fact.void.canteenId}|${fact.void.businessDate}`;
      const day = next.open[key];
      if (day?.sales[fact.void.saleId] !== undefined) {
        next = {
          ...next,
          open: put(next.open, key, { ...day, sales: without(day.sales, fact.void.saleId) }),
        };
      }
    }
    const ended = endedThrough(next.ended, fact);
    if (ended === next.ended || ended === null) return unchanged(next);
    return closeDays({ ...next, ended }, ended, settings.regularCounts);
  },
};

function closeDays(
  state: RegularCountsState,
  ended: BusinessDate,
  settings: { windowDays: number; maxCoefficientOfVariation: number; minMeanCount: number },
) {
  const closing = Object.entries(state.open)
    .filter(([, day]) => !isAfter(day.businessDate, ended))
    .sort(([keyA, a], [keyB, b]) => compareDates(a.businessDate, b.businessDate) || (keyA < keyB ? -1 : 1));
  let next = state;
  const alerts: Alert[] = [];
  for (const [key, day] of closing) {
    const history = [
      ...(next.history[day.canteenId] ?? []),
      { businessDate: day.businessDate, sales: day.sales },
    ].slice(-settings.windowDays);
    next = { ...next, open: without(next.open, key), history: put(next.history, day.canteenId, history) };
    if (history.length < settings.windowDays) continue;
    const counts = history.map((counted) => Object.keys(counted.sales).length);
    const mean = counts.reduce((sum, value) => sum + value, 0) / counts.length;
    const sd = Math.sqrt(counts.reduce((sum, value) => sum + (value - mean) ** 2, 0) / counts.length);
    const cv = sd / mean;
    const month = monthKeyOf(day.businessDate);
    const raisedKey = `${day.canteenId}|${month}`;
    if (mean < settings.minMeanCount || cv > settings.maxCoefficientOfVariation || next.raised[raisedKey])
      continue;
    next = { ...next, raised: put(next.raised, raisedKey, true) };
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
          zh: `${day.canteenId} 自 ${first} 至 ${day.businessDate} 连续 ${counts.length} 个营业日每日补贴餐数在 ${min}–${max} 份之间（平均 ${mean.toFixed(1)} 份，变异系数 ${cv.toFixed(3)}，阈值 ${settings.maxCoefficientOfVariation}），过于规律`,
          en: `${day.canteenId} served between ${min} and ${max} subsidised meals on each of ${counts.length} open days from ${first} to ${day.businessDate} (mean ${mean.toFixed(1)}, coefficient of variation ${cv.toFixed(3)}, threshold ${settings.maxCoefficientOfVariation}): too regular`,
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
  return { state: next, alerts };
}
