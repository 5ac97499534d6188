import type { EpochMs } from '../../time/shanghai-time.ts';
import { formatShanghaiInstant } from '../../time/shanghai-time.ts';
import { type Alert, alertOf } from '../alert.ts';
import { type Check, type Keyed, put, unchanged } from './check.ts';
import { type SaleRef, saleRefOf, severityBySubsidy, subsidyText } from './sale-ref.ts';

interface Retirement {
  readonly at: EpochMs;
  readonly eventId: string;
}

export interface RetiredCardState {
  readonly retirements: Keyed<readonly Retirement[]>;
  /** When each card was (re)assigned, to tell a reissued card's new holder from misuse. */
  readonly assignments: Keyed<readonly EpochMs[]>;
  readonly sales: Keyed<readonly SaleRef[]>;
  readonly raised: Keyed<true>;
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
  initialState: { retirements: {}, assignments: {}, sales: {}, raised: {} },
  apply(state, fact) {
    switch (fact.type) {
      case 'card-assigned': {
        if (fact.from === null) return unchanged(state);
        const known = state.assignments[fact.cardUid] ?? [];
        return unchanged({
          ...state,
          assignments: put(state.assignments, fact.cardUid, [...known, fact.from]),
        });
      }
      case 'card-retired': {
        const known = state.retirements[fact.cardUid] ?? [];
        let next: RetiredCardState = {
          ...state,
          retirements: put(state.retirements, fact.cardUid, [
            ...known,
            { at: fact.at, eventId: fact.eventId },
          ]),
        };
        const alerts: Alert[] = [];
        for (const sale of state.sales[fact.cardUid] ?? []) {
          const raised = raise(next, fact.cardUid, sale);
          next = raised.state;
          alerts.push(...raised.alerts);
        }
        return { state: next, alerts };
      }
      case 'sale': {
        const cardUid = fact.sale.cardUid;
        if (cardUid === null) return unchanged(state);
        const sale = saleRefOf(fact.sale);
        const known = state.sales[cardUid] ?? [];
        if (known.some((candidate) => candidate.saleId === sale.saleId)) return unchanged(state);
        return raise({ ...state, sales: put(state.sales, cardUid, [...known, sale]) }, cardUid, sale);
      }
      default:
        return unchanged(state);
    }
  },
};

function raise(
  state: RetiredCardState,
  cardUid: string,
  sale: SaleRef,
): { state: RetiredCardState; alerts: Alert[] } {
  if (state.raised[sale.saleId]) return { state, alerts: [] };
  const assignments = state.assignments[cardUid] ?? [];
  const retirement = (state.retirements[cardUid] ?? []).find(
    (candidate) =>
      candidate.at <= sale.at && !assignments.some((from) => candidate.at < from && from <= sale.at),
  );
  if (!retirement) return { state, alerts: [] };
  const hours = Math.floor((sale.at - retirement.at) / 3_600_000);
  const subsidy = subsidyText(sale);
  const alert = alertOf({
    kind: 'retired-card',
    key: [sale.saleId],
    severity: severityBySubsidy(sale),
    canteenId: sale.canteenId,
    businessDate: sale.businessDate,
    saleIds: [sale.saleId],
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
  return { state: { ...state, raised: put(state.raised, sale.saleId, true) }, alerts: [alert] };
}
