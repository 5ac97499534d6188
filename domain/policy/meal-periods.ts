import type { FieldWords } from '../problems/issue-words.ts';
import type { LocalTimeOfDay } from '../time/shanghai-time.ts';
import { MEAL_PERIODS, type MealPeriod } from './policy-types.ts';

/** 供餐时段: `[from, to)` in Asia/Shanghai local time, both "HH:MM"; `to` may be "24:00", midnight at the day's end. */
export interface PeriodHours {
  readonly from: LocalTimeOfDay;
  readonly to: LocalTimeOfDay;
}

/** A canteen's meal periods; a period it does not serve is absent. */
export type CanteenPeriods = Readonly<Partial<Record<MealPeriod, PeriodHours>>>;

const PERIOD_ZH: Record<MealPeriod, string> = { breakfast: '早餐', lunch: '午餐', dinner: '晚餐' };

const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
const END_OF_DAY = '24:00';

/**
 * The canteen period containing a local time, or null (then the meal is sold without subsidy).
 * "HH:MM" strings compare like the times they name, so no parsing is needed.
 */
export function mealPeriodAt(periods: CanteenPeriods, time: LocalTimeOfDay): MealPeriod | null {
  for (const period of MEAL_PERIODS) {
    const hours = periods[period];
    if (hours && hours.from <= time && time < hours.to) return period;
  }
  return null;
}

/**
 * Problems with a canteen's periods, for registration: a malformed time, a period that ends before
 * it starts, or two periods that overlap. Empty when the periods are fine.
 */
export function canteenPeriodProblems(periods: CanteenPeriods): FieldWords[] {
  const problems: FieldWords[] = [];
  const served: { period: MealPeriod; hours: PeriodHours }[] = [];
  for (const period of MEAL_PERIODS) {
    const hours = periods[period];
    if (!hours) continue;
    let wellFormed = true;
    for (const end of ['from', 'to'] as const) {
      if (!TIME_PATTERN.test(hours[end]) && !(end === 'to' && hours.to === END_OF_DAY)) {
        problems.push({
          path: `periods.${period}.${end}`,
          message: 'expected a time HH:MM',
          messageZh: '应为时间 HH:MM',
        });
        wellFormed = false;
      }
    }
    if (!wellFormed) continue;
    if (hours.from >= hours.to) {
      problems.push({
        path: `periods.${period}.to`,
        message: 'a period must end after it starts',
        messageZh: `${PERIOD_ZH[period]}的结束时间须晚于开始时间`,
      });
      continue;
    }
    for (const other of served) {
      if (hours.from < other.hours.to && other.hours.from < hours.to) {
        problems.push({
          path: `periods.${period}`,
          message: `overlaps ${other.period}`,
          messageZh: `与${PERIOD_ZH[other.period]}(${other.period})时段重叠`,
        });
      }
    }
    served.push({ period, hours });
  }
  return problems;
}
