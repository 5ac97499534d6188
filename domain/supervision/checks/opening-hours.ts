import { MEAL_PERIODS } from '../../policy/policy-types.ts';
import { isoWeekdayOf } from '../../time/calendar.ts';
import { alertOf } from '../alert.ts';
import type { SupervisedCanteen, SupervisedSale } from '../facts.ts';
import {
  type CanteenDirectory,
  type Check,
  canteenAt,
  canteenLabel,
  deepFrozen,
  minutesOf,
  unchanged,
  withCanteen,
} from './check.ts';
import { oneSaleFinding, subsidyText } from './sale-ref.ts';

export interface OpeningHoursState {
  readonly canteens: CanteenDirectory;
}

/**
 * 非营业时间用餐: an elder's meal (a sale with a card) on a day the canteen was closed, or outside
 * its meal periods by more than the grace minutes. Guest sales are not subsidy claims and are left
 * alone. The canteen's hours and closed days are those in force at the sale's time, so canteen facts
 * must come first (recorded order); a sale at an unknown canteen falls back to the period recorded
 * with it.
 */
export const openingHours: Check<OpeningHoursState> = {
  name: 'opening-hours',
  kinds: ['outside-hours', 'closed-day'],
  order: 'recorded',
  initialState: deepFrozen({ canteens: {} }),
  apply(state, fact, settings) {
    if (fact.type === 'canteen') {
      withCanteen(state.canteens, fact.canteen);
      return unchanged(state);
    }
    if (fact.type !== 'sale' || fact.sale.cardUid === null) return unchanged(state);
    const sale = fact.sale;
    const canteen = canteenAt(state.canteens, sale.canteenId, sale.occurredAt);
    const subsidy = subsidyText(sale);
    const base = oneSaleFinding(sale);
    if (canteen && isClosedOn(canteen, sale)) {
      const weekday = isoWeekdayOf(sale.businessDate);
      return {
        state,
        alerts: [
          alertOf({
            ...base,
            kind: 'closed-day',
            explanation: {
              zh: `${canteenLabel(sale.canteenId, canteen.name)} 在 ${sale.businessDate}（星期${'一二三四五六日'[weekday - 1]}）不营业，${sale.localTime} 仍有刷卡用餐（${subsidy.zh}）`,
              en: `${canteenLabel(sale.canteenId, canteen.name)} was closed on ${sale.businessDate}, yet a card meal was sold at ${sale.localTime} (${subsidy.en})`,
            },
            figures: { weekday, subsidyFen: sale.appliedSubsidyFen, reimbursableFen: sale.reimbursableFen },
          }),
        ],
      };
    }
    const grace = settings.openingHours.graceMinutes;
    const outside = canteen ? minutesOutside(canteen, sale, grace) : sale.period === null ? 0 : null;
    if (outside === null) return unchanged(state);
    return {
      state,
      alerts: [
        alertOf({
          ...base,
          kind: 'outside-hours',
          explanation: {
            zh: `${canteenLabel(sale.canteenId, canteen?.name)} 于 ${sale.businessDate} ${sale.localTime} 有刷卡用餐，不在供餐时段内（距最近时段 ${outside} 分钟，宽限 ${grace} 分钟；${subsidy.zh}）`,
            en: `A card meal at ${canteenLabel(sale.canteenId, canteen?.name)} on ${sale.businessDate} at ${sale.localTime}, outside its meal periods (${outside} min from the nearest, grace ${grace} min; ${subsidy.en})`,
          },
          figures: {
            minutesOutside: outside,
            subsidyFen: sale.appliedSubsidyFen,
            reimbursableFen: sale.reimbursableFen,
          },
        }),
      ],
    };
  },
};

function isClosedOn(canteen: SupervisedCanteen, sale: SupervisedSale): boolean {
  const { closedWeekdays, closedDates } = canteen.schedule;
  return closedDates.includes(sale.businessDate) || closedWeekdays.includes(isoWeekdayOf(sale.businessDate));
}

/** How far outside the nearest period the sale lies, in minutes; null when within one (with grace). */
function minutesOutside(canteen: SupervisedCanteen, sale: SupervisedSale, grace: number): number | null {
  const at = minutesOf(sale.localTime);
  let nearest = Number.POSITIVE_INFINITY;
  for (const period of MEAL_PERIODS) {
    const hours = canteen.periods[period];
    if (!hours) continue;
    const from = minutesOf(hours.from);
    const to = minutesOf(hours.to);
    // Periods are [from, to): the minute `to` itself is already one minute outside.
    const distance = at < from ? from - at : at >= to ? at - to + 1 : 0;
    nearest = Math.min(nearest, distance);
  }
  if (nearest === Number.POSITIVE_INFINITY) return 24 * 60;
  return nearest > grace ? nearest : null;
}
