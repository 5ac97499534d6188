import { dayNumberOf } from '../../time/calendar.ts';
import { businessDateOf, type EpochMs, formatShanghaiInstant } from '../../time/shanghai-time.ts';
import { alertOf } from '../alert.ts';
import type { SupervisedVoid } from '../facts.ts';
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
 * latest; a canteen without known periods closes at midnight. The void is timed by when it was
 * made when that is believable (`judgedTime`), else by when it was recorded. Canteen facts must come
 * first (recorded order).
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
    const { graceMinutes, highAfterDays, counterClockHours } = settings.voidAfterClose;
    const closeMinutes =
      lastEnd === null ? MINUTES_PER_DAY : Math.min(MINUTES_PER_DAY, lastEnd + graceMinutes);
    const closesAt = instantOnDate(voided.businessDate, closeMinutes);
    const at = judgedTime(voided, counterClockHours);
    if (at <= closesAt) return unchanged(state);
    const daysLater = dayNumberOf(businessDateOf(at)) - dayNumberOf(voided.businessDate);
    const minutesLate = Math.round((at - closesAt) / 60_000);
    const claimed = voided.madeAt !== undefined && at !== voided.madeAt;
    const claimZh = claimed
      ? `；终端称作废于 ${formatShanghaiInstant(voided.madeAt as number)}，但 ${formatShanghaiInstant(voided.voidedAt)} 才送达，超过 ${counterClockHours} 小时，按送达时间计`
      : '';
    const claimEn = claimed
      ? `; the counter says it was made at ${formatShanghaiInstant(voided.madeAt as number)}, but it arrived at ${formatShanghaiInstant(voided.voidedAt)}, more than ${counterClockHours} h later, so the arrival is judged`
      : '';
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
            zh: `${canteenLabel(voided.canteenId, canteen?.name)} ${voided.businessDate} 的一笔售餐于 ${formatShanghaiInstant(at)} 作废，已在日结（${formatShanghaiInstant(closesAt)}）之后 ${minutesLate} 分钟（原因：${voided.reason}${claimZh}）`,
            en: `A sale of ${voided.businessDate} at ${canteenLabel(voided.canteenId, canteen?.name)} was voided at ${formatShanghaiInstant(at)}, ${minutesLate} min after the day closed at ${formatShanghaiInstant(closesAt)} (reason: ${voided.reason}${claimEn})`,
          },
          figures: {
            minutesAfterClose: minutesLate,
            daysLater,
            reimbursableFen: voided.reimbursableFen,
            /** Minutes between when the void was made by its sender's clock and when it was recorded. */
            minutesToArrive: Math.round((voided.voidedAt - (voided.madeAt ?? voided.voidedAt)) / 60_000),
          },
        }),
      ],
    };
  },
};

/**
 * The time a void is judged by: the time the bureau gives when replaying its history; a counter's
 * own time when the void reached the service within `counterClockHours` of it (synced after an
 * outage); else when it was recorded.
 */
function judgedTime(voided: SupervisedVoid, counterClockHours: number): EpochMs {
  if (voided.madeAt === undefined) return voided.voidedAt;
  if (voided.byBureau) return voided.madeAt;
  return voided.voidedAt - voided.madeAt <= counterClockHours * 3_600_000 ? voided.madeAt : voided.voidedAt;
}
