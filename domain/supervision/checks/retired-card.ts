import type { BusinessDate } from '../../time/calendar.ts';
import type { EpochMs } from '../../time/shanghai-time.ts';
import { formatShanghaiInstant } from '../../time/shanghai-time.ts';
import { type Alert, alertOf } from '../alert.ts';
import {
  type ByDay,
  type Check,
  dayEntryOf,
  deepFrozen,
  entryOf,
  forgetDaysBefore,
  isKept,
  itemsOnDates,
  type Keyed,
  keptFrom,
  laterDate,
  readOnly,
  unchanged,
} from './check.ts';
import { oneSaleFinding, type SaleRef, saleRefOf, subsidyText } from './sale-ref.ts';

interface Retirement {
  readonly at: EpochMs;
  readonly eventId: string;
}

/** A tap kept for a retirement recorded later; `raised` once its alert has been raised. */
type KeptSale = SaleRef & { raised?: true };

export interface RetiredCardState {
  /** The latest business date seen (see `laterDate`). */
  latest: BusinessDate | null;
  readonly retirements: Keyed<Retirement[]>;
  /** When each card was (re)assigned, to tell a reissued card's new holder from misuse. */
  readonly assignments: Keyed<EpochMs[]>;
  /** Each card's taps of the last `lateArrivalDays` business dates, for a retirement recorded after them, by date and card. */
  readonly sales: ByDay<KeptSale[]>;
}

/**
 * 挂失卡用餐: a card tapped after it was retired (lost, replaced), unless it was assigned again in
 * between. Sales and retirements are matched whichever comes first; an assignment is expected
 * before the sales it covers (recorded order), so the check documents `recorded` order.
 */
export const retiredCard: Check<RetiredCardState> = {
  name: 'retired-card',
  kinds: ['retired-card'],
  order: 'recorded',
  initialState: deepFrozen({ latest: null, retirements: {}, assignments: {}, sales: {} }),
  byDay: ['sales'],
  apply(state, fact, settings) {
    const latest = laterDate(state.latest, fact);
    if (latest !== null) {
      state.latest = latest;
      forgetDaysBefore(state.sales, keptFrom(latest, settings.lateArrivalDays) as BusinessDate);
    }
    switch (fact.type) {
      case 'card-assigned': {
        if (fact.from !== null) entryOf(state.assignments, fact.cardUid, () => []).push(fact.from);
        return unchanged(state);
      }
      case 'card-retired': {
        entryOf(state.retirements, fact.cardUid, () => []).push({ at: fact.at, eventId: fact.eventId });
        const alerts: Alert[] = [];
        const from = keptFrom(state.latest, settings.lateArrivalDays);
        const taps =
          from === null || state.latest === null
            ? []
            : itemsOnDates(state.sales, fact.cardUid, from, state.latest);
        for (const sale of taps) {
          const alert = raise(state, fact.cardUid, sale);
          if (alert) alerts.push(alert);
        }
        return { state, alerts };
      }
      case 'sale': {
        const cardUid = fact.sale.cardUid;
        if (cardUid === null) return unchanged(state);
        const sale: KeptSale = saleRefOf(fact.sale);
        if (
          readOnly(state.sales)[sale.businessDate]?.[cardUid]?.some(
            (candidate) => candidate.saleId === sale.saleId,
          )
        )
          return unchanged(state);
        if (isKept(sale.businessDate, keptFrom(state.latest, settings.lateArrivalDays))) {
          dayEntryOf(state.sales, sale.businessDate, cardUid, () => []).push(sale);
        }
        const alert = raise(state, cardUid, sale);
        return { state, alerts: alert ? [alert] : [] };
      }
      default:
        return unchanged(state);
    }
  },
};

/** The alert for a tap of a retired card, once per tap (marking the kept tap raised). */
function raise(state: RetiredCardState, cardUid: string, sale: KeptSale): Alert | null {
  if (sale.raised) return null;
  const assignments = readOnly(state.assignments)[cardUid] ?? [];
  const retirement = (readOnly(state.retirements)[cardUid] ?? []).find(
    (candidate) =>
      candidate.at <= sale.at && !assignments.some((from) => candidate.at < from && from <= sale.at),
  );
  if (!retirement) return null;
  sale.raised = true;
  const hours = Math.floor((sale.at - retirement.at) / 3_600_000);
  const subsidy = subsidyText(sale);
  return alertOf({
    kind: 'retired-card',
    ...oneSaleFinding(sale),
    eventIds: [sale.eventId, retirement.eventId],
    explanation: {
      zh: `卡 ${cardUid} 已于 ${formatShanghaiInstant(retirement.at)} 挂失或换卡，${hours} 小时后仍被刷卡用餐（${subsidy.zh}）`,
      en: `Card ${cardUid} was retired at ${formatShanghaiInstant(retirement.at)} and tapped ${hours} h later (${subsidy.en})`,
    },
    figures: {
      hoursAfterRetirement: hours,
      subsidyFen: sale.appliedSubsidyFen,
      reimbursableFen: sale.reimbursableFen,
    },
  });
}
