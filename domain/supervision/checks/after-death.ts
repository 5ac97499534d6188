import { type BusinessDate, dayNumberOf, isAfter } from '../../time/calendar.ts';
import { type Alert, alertOf } from '../alert.ts';
import { type Check, type Keyed, put, unchanged } from './check.ts';
import { type SaleRef, saleRefOf, severityBySubsidy, subsidyText } from './sale-ref.ts';

export interface AfterDeathState {
  readonly deaths: Keyed<{ readonly date: BusinessDate; readonly eventId: string }>;
  /** Every sale of each elder, for a death recorded after them. */
  readonly sales: Keyed<readonly SaleRef[]>;
  readonly raised: Keyed<true>;
}

/**
 * 身故后用餐: meals on an elder's card on a business date after the elder's death. A death is
 * often recorded weeks late, so sales are kept and the alert is raised by whichever of the sale and
 * the death arrives second: the alerts do not depend on order. Meals on the day of death itself are
 * not counted.
 */
export const afterDeath: Check<AfterDeathState> = {
  name: 'after-death',
  kinds: ['after-death'],
  order: 'any',
  initialState: { deaths: {}, sales: {}, raised: {} },
  apply(state, fact) {
    if (fact.type === 'death') {
      const death = { date: fact.date, eventId: fact.eventId };
      let next: AfterDeathState = { ...state, deaths: put(state.deaths, fact.elderId, death) };
      const alerts: Alert[] = [];
      for (const sale of state.sales[fact.elderId] ?? []) {
        const raised = raise(next, sale, death);
        next = raised.state;
        alerts.push(...raised.alerts);
      }
      return { state: next, alerts };
    }
    if (fact.type !== 'sale' || fact.sale.elderId === null) return unchanged(state);
    const elderId = fact.sale.elderId;
    const sale = saleRefOf(fact.sale);
    const known = state.sales[elderId] ?? [];
    if (known.some((candidate) => candidate.saleId === sale.saleId)) return unchanged(state);
    const next = { ...state, sales: put(state.sales, elderId, [...known, sale]) };
    const death = state.deaths[elderId];
    return death ? raise(next, sale, death) : unchanged(next);
  },
};

function raise(
  state: AfterDeathState,
  sale: SaleRef,
  death: { readonly date: BusinessDate; readonly eventId: string },
): { state: AfterDeathState; alerts: Alert[] } {
  if (!isAfter(sale.businessDate, death.date) || state.raised[sale.saleId]) return { state, alerts: [] };
  const days = dayNumberOf(sale.businessDate) - dayNumberOf(death.date);
  const subsidy = subsidyText(sale);
  const alert = alertOf({
    kind: 'after-death',
    key: [sale.saleId],
    severity: severityBySubsidy(sale),
    canteenId: sale.canteenId,
    businessDate: sale.businessDate,
    saleIds: [sale.saleId],
    eventIds: [sale.eventId, death.eventId],
    explanation: {
      zh: `老人已于 ${death.date} 身故，${days} 天后（${sale.businessDate}）仍有刷卡用餐（${subsidy.zh}）`,
      en: `The elder died on ${death.date}; a meal was sold on their card ${days} days later, on ${sale.businessDate} (${subsidy.en})`,
    },
    figures: {
      daysAfterDeath: days,
      subsidyFen: sale.appliedSubsidyFen,
      reimbursableFen: sale.reimbursableFen,
    },
  });
  return { state: { ...state, raised: put(state.raised, sale.saleId, true) }, alerts: [alert] };
}
