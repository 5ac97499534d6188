import { dayNumberOf } from '../../time/calendar.ts';
import { businessDateOf, formatShanghaiInstant } from '../../time/shanghai-time.ts';
import { alertOf } from '../alert.ts';
import {
  type CanteenDirectory,
  type Check,
  canteenAt,
  canteenLabel,
  deepFrozen,
  instantOnDate,
  lastPeriodEnd,
  unchanged,
  withCanteen,
} from './check.ts';

export interface VoidAfterCloseState {
  readonly canteens: CanteenDirectory;
}

const MINUTES_PER_DAY = 24 * 60;

/**
 * 日结后作废: a sale voided after its business day closed. The day closes the grace minutes after
 * the end of the canteen's last meal period (its hours at the sale's time), and at midnight at the
 * latest; a canteen without known periods closes at midnight. Canteen facts must come first
 * (recorded order).
 */
export const voidAfterClose: Check<VoidAfterCloseState> = {
  name: 'void-after-close',
  kinds: ['void-after-close'],
  order: 'recorded',
  initialState: deepFrozen({ canteens: {} }),
  apply(state, fact, settings) {
    if (fact.type === 'canteen') {
      withCanteen(state.canteens, fact.canteen);
      return unchanged(state);
    }
    if (fact.type !== 'void') return unchanged(state);
    const voided = fact.void;
    const canteen = canteenAt(state.canteens, voided.canteenId, voided.saleOccurredAt);
    const lastEnd = canteen ? lastPeriodEnd(canteen) : null;
    const { graceMinutes, highAfterDays } = settings.voidAfterClose;
    const closeMinutes =
      lastEnd === null ? MINUTES_PER_DAY : Math.min(MINUTES_PER_DAY, lastEnd + graceMinutes);
    const closesAt = instantOnDate(voided.businessDate, closeMinutes);
    if (voided.voidedAt <= closesAt) return unchanged(state);
    const daysLater = dayNumberOf(businessDateOf(voided.voidedAt)) - dayNumberOf(voided.businessDate);
    const minutesLate = Math.round((voided.voidedAt - closesAt) / 60_000);
    return {
      state,
      alerts: [
        alertOf({
          kind: 'void-after-close',
          key: [voided.saleId],
          severity: daysLater >= highAfterDays ? 'high' : 'medium',
          canteenId: voided.canteenId,
          businessDate: voided.businessDate,
          saleIds: [voided.saleId],
          eventIds: [voided.saleEventId, voided.eventId],
          explanation: {
            zh: `${canteenLabel(voided.canteenId, canteen?.name)} ${voided.businessDate} 的一笔售餐于 ${formatShanghaiInstant(voided.voidedAt)} 作废，已在日结（${formatShanghaiInstant(closesAt)}）之后 ${minutesLate} 分钟（原因：${voided.reason}）`,
            en: `A sale of ${voided.businessDate} at ${canteenLabel(voided.canteenId, canteen?.name)} was voided at ${formatShanghaiInstant(voided.voidedAt)}, ${minutesLate} min after the day closed at ${formatShanghaiInstant(closesAt)} (reason: ${voided.reason})`,
          },
          figures: { minutesAfterClose: minutesLate, daysLater, reimbursableFen: voided.reimbursableFen },
        }),
      ],
    };
  },
};
