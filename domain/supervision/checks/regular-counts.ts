import { type BusinessDate, isAfter, monthKeyOf } from '../../time/calendar.ts';
import { type Alert, alertOf } from '../alert.ts';
import type { SupervisedSale } from '../facts.ts';
import {
  type Check,
  canteenLabel,
  dayKey,
  deepFrozen,
  endedThrough,
  entryOf,
  forgetMonthsBefore,
  type Keyed,
  readOnly,
  unchanged,
} from './check.ts';
import { takeEndedDays } from './open-days.ts';

interface OpenDay {
  readonly canteenId: string;
  readonly businessDate: BusinessDate;
  /** Subsidised sales of the day: sale id → `MealSold` event id. */
  readonly sales: Keyed<string>;
  /** The day's other card meals (a card or elder, no subsidy), by sale id: only while the day is open. */
  readonly unsubsidised: Keyed<true>;
}

interface CountedDay {
  readonly businessDate: BusinessDate;
  /** Subsidised meals of the day (its sales are kept in `daySales`). */
  readonly subsidised: number;
  /** Card meals of the day, subsidised or not (only the count is kept once the day has ended). */
  readonly cardMeals: number;
}

export interface RegularCountsState {
  ended: BusinessDate | null;
  /** The days not ended yet, by `dayKey`. */
  readonly open: Keyed<OpenDay>;
  /** The counts of the last `windowDays` open days of each canteen that ended, oldest first. */
  readonly history: Keyed<CountedDay[]>;
  /**
   * The subsidised sales (sale id → `MealSold` event id) of those days, by `dayKey`: named by an
   * alert, written once when the day ends and dropped when it leaves the window.
   */
  readonly daySales: Keyed<Keyed<string>>;
  /** Canteen months already raised, one alert per canteen and month; forgotten once the month has ended. */
  readonly raised: Keyed<true>;
  /** Each canteen's name, as registered last. */
  readonly names: Keyed<string>;
}

/**
 * 日补贴数过于规律: a canteen whose daily counts over a window of open days hardly vary (coefficient
 * of variation at most the threshold), the mark of counts made up to a target. Two series are
 * judged: the subsidised meals (补贴餐) and the card meals (卡餐: sales with a card or elder,
 * subsidised or not), since cards tapped to a target where some earn no subsidy (age, caps) make
 * the card count regular while the subsidised count varies. One alert per canteen and month,
 * whichever series is too regular (the subsidised one first). A day is counted when it ends (see
 * `endedThrough`), without the sales voided by then; sales of an ended day arriving later are not
 * counted, so the alerts follow the recorded order.
 */
export const regularCounts: Check<RegularCountsState> = {
  name: 'regular-counts',
  kinds: ['regular-counts'],
  order: 'recorded',
  initialState: deepFrozen({ ended: null, open: {}, history: {}, daySales: {}, raised: {}, names: {} }),
  apply(state, fact, settings) {
    if (fact.type === 'canteen') state.names[fact.canteen.canteenId] = fact.canteen.name;
    if (fact.type === 'sale' && isCardMeal(fact.sale)) {
      const sale = fact.sale;
      if (state.ended === null || isAfter(sale.businessDate, state.ended)) {
        const key = dayKey(sale.canteenId, sale.businessDate);
        const day = entryOf<OpenDay>(state.open, key, () => ({
          canteenId: sale.canteenId,
          businessDate: sale.businessDate,
          sales: {},
          unsubsidised: {},
        }));
        if (sale.reimbursableFen > 0) day.sales[sale.saleId] = sale.eventId;
        else day.unsubsidised[sale.saleId] = true;
      }
    }
    if (fact.type === 'void') {
      const day = state.open[dayKey(fact.void.canteenId, fact.void.businessDate)];
      if (day) {
        delete day.sales[fact.void.saleId];
        delete day.unsubsidised[fact.void.saleId];
      }
    }
    const ended = endedThrough(state.ended, fact);
    if (ended === state.ended || ended === null) return unchanged(state);
    state.ended = ended;
    const alerts = closeDays(state, ended, settings.regularCounts);
    // No day of an earlier month can be judged any more: its raised marks are done with.
    const month = monthKeyOf(ended);
    forgetMonthsBefore(state.raised, month);
    return { state, alerts };
  },
};

/** A card meal: a sale with a card or an elder (subsidised or not), or any subsidised sale. */
function isCardMeal(sale: SupervisedSale): boolean {
  return sale.cardUid !== null || sale.elderId !== null || sale.reimbursableFen > 0;
}

interface Series {
  /** 补贴餐 (subsidised meals) or 卡餐 (card meals). */
  readonly cardMeals: boolean;
  readonly counts: readonly number[];
  readonly mean: number;
  readonly cv: number;
}

function seriesOf(cardMeals: boolean, counts: readonly number[]): Series {
  const mean = counts.reduce((sum, value) => sum + value, 0) / counts.length;
  const sd = Math.sqrt(counts.reduce((sum, value) => sum + (value - mean) ** 2, 0) / counts.length);
  return { cardMeals, counts, mean, cv: mean === 0 ? Number.POSITIVE_INFINITY : sd / mean };
}

const rangeOf = (series: Series) => ({ min: Math.min(...series.counts), max: Math.max(...series.counts) });

function closeDays(
  state: RegularCountsState,
  ended: BusinessDate,
  settings: { windowDays: number; maxCoefficientOfVariation: number; minMeanCount: number },
): Alert[] {
  const alerts: Alert[] = [];
  for (const day of takeEndedDays(state.open, ended)) {
    const history = entryOf(state.history, day.canteenId, () => []);
    const subsidised = Object.keys(day.sales).length;
    history.push({
      businessDate: day.businessDate,
      subsidised,
      cardMeals: subsidised + Object.keys(day.unsubsidised).length,
    });
    state.daySales[dayKey(day.canteenId, day.businessDate)] = day.sales;
    for (const left of history.splice(0, Math.max(0, history.length - settings.windowDays)))
      delete state.daySales[dayKey(day.canteenId, left.businessDate)];
    if (history.length < settings.windowDays) continue;
    const month = monthKeyOf(day.businessDate);
    const raisedKey = `${day.canteenId}|${month}`;
    if (state.raised[raisedKey]) continue;
    const bySubsidy = seriesOf(
      false,
      history.map((counted) => counted.subsidised),
    );
    const byCard = seriesOf(
      true,
      history.map((counted) => counted.cardMeals),
    );
    const tooRegular = (series: Series) =>
      series.mean >= settings.minMeanCount && series.cv <= settings.maxCoefficientOfVariation;
    const series = tooRegular(bySubsidy) ? bySubsidy : tooRegular(byCard) ? byCard : null;
    if (series === null) continue;
    state.raised[raisedKey] = true;
    const other = series === bySubsidy ? byCard : bySubsidy;
    const first = history[0]?.businessDate ?? day.businessDate;
    const sales = history.map(
      (counted) => readOnly(state.daySales)[dayKey(day.canteenId, counted.businessDate)] ?? {},
    );
    const { min, max } = rangeOf(series);
    const otherRange = rangeOf(other);
    const { cv, mean, counts } = series;
    const label = canteenLabel(day.canteenId, state.names[day.canteenId]);
    const zhSeries = series.cardMeals ? '卡餐（刷卡或老人用餐，不论是否补贴）' : '补贴餐';
    const enSeries = series.cardMeals
      ? 'card meals (with a card or elder, subsidised or not)'
      : 'subsidised meals';
    const zhOther = `${other.cardMeals ? '卡餐' : '补贴餐'}数在 ${otherRange.min}–${otherRange.max} 份之间（变异系数 ${other.cv.toFixed(3)}）`;
    const enOther = `${other.cardMeals ? 'card meals' : 'subsidised meals'} between ${otherRange.min} and ${otherRange.max} (coefficient of variation ${other.cv.toFixed(3)})`;
    alerts.push(
      alertOf({
        kind: 'regular-counts',
        key: [day.canteenId, month],
        severity: cv <= settings.maxCoefficientOfVariation / 2 ? 'high' : 'medium',
        canteenId: day.canteenId,
        businessDate: day.businessDate,
        saleIds: sales.flatMap((day) => Object.keys(day)),
        eventIds: sales.flatMap((day) => Object.values(day)),
        explanation: {
          zh: `${label} 自 ${first} 至 ${day.businessDate} 连续 ${counts.length} 个营业日每日${zhSeries}数${min === max ? `均为 ${min} 份` : `在 ${min}–${max} 份之间`}（平均 ${mean.toFixed(1)} 份，变异系数 ${cv.toFixed(3)}，阈值 ${settings.maxCoefficientOfVariation}），过于规律；同期${zhOther}`,
          en: `${label} served ${min === max ? `exactly ${min}` : `between ${min} and ${max}`} ${enSeries} on each of ${counts.length} open days from ${first} to ${day.businessDate} (mean ${mean.toFixed(1)}, coefficient of variation ${cv.toFixed(3)}, threshold ${settings.maxCoefficientOfVariation}): too regular; over the same days, ${enOther}`,
        },
        figures: {
          days: counts.length,
          /** 1 when the card meals were counted, 0 for the subsidised meals. */
          cardMeals: series.cardMeals ? 1 : 0,
          meanCount: Math.round(mean * 10) / 10,
          minCount: min,
          maxCount: max,
          cv: Math.round(cv * 1000) / 1000,
          otherCv: Math.round(Math.min(other.cv, 1000) * 1000) / 1000,
        },
      }),
    );
  }
  return alerts;
}
