import { type BusinessDate, dayNumberOf, isAfter } from '../../time/calendar.ts';
import { type Alert, alertOf } from '../alert.ts';
import {
  type Check,
  deepFrozen,
  entryOf,
  isKept,
  type Keyed,
  keptFrom,
  laterDate,
  unchanged,
} from './check.ts';
import { oneSaleFinding, type SaleRef, saleRefOf, subsidyText } from './sale-ref.ts';

/** A meal kept for a death recorded later; `raised` once its alert has been raised. */
type KeptSale = SaleRef & { raised?: true };

interface Death {
  readonly date: BusinessDate;
  readonly eventId: string;
}

export interface AfterDeathState {
  /** The latest business date seen (see `laterDate`). */
  latest: BusinessDate | null;
  readonly deaths: Keyed<Death>;
  /** Each elder's meals of the last `afterDeath.lateDeathDays` business dates, for a death recorded after them. */
  readonly sales: Keyed<KeptSale[]>;
}

/**
 * 身故后用餐: meals on an elder's card on a business date after the elder's death. A death is
 * often recorded weeks late, so each elder's meals of the last `afterDeath.lateDeathDays` business
 * dates are kept and the alert is raised by whichever of the sale and the death arrives second: the
 * alerts do not depend on order within that horizon. Meals on the day of death itself are not counted.
 */
export const afterDeath: Check<AfterDeathState> = {
  name: 'after-death',
  kinds: ['after-death'],
  order: 'any',
  initialState: deepFrozen({ latest: null, deaths: {}, sales: {} }),
  apply(state, fact, settings) {
    const keptDays = settings.afterDeath.lateDeathDays;
    const latest = laterDate(state.latest, fact);
    if (latest !== null) {
      state.latest = latest;
      forgetBefore(state, keptFrom(latest, keptDays) as BusinessDate);
    }
    if (fact.type === 'death') {
      const death = { date: fact.date, eventId: fact.eventId };
      state.deaths[fact.elderId] = death;
      const alerts: Alert[] = [];
      for (const sale of state.sales[fact.elderId] ?? []) {
        const alert = raise(sale, death);
        if (alert) alerts.push(alert);
      }
      return { state, alerts };
    }
    if (fact.type !== 'sale' || fact.sale.elderId === null) return unchanged(state);
    const elderId = fact.sale.elderId;
    const sale: KeptSale = saleRefOf(fact.sale);
    const known = state.sales[elderId];
    if (known?.some((candidate) => candidate.saleId === sale.saleId)) return unchanged(state);
    if (isKept(sale.businessDate, keptFrom(state.latest, keptDays)))
      entryOf(state.sales, elderId, () => []).push(sale);
    const death = state.deaths[elderId];
    const alert = death ? raise(sale, death) : null;
    return { state, alerts: alert ? [alert] : [] };
  },
};

/** Drops the meals before `from`, and the elders left without any. */
function forgetBefore(state: AfterDeathState, from: BusinessDate): void {
  for (const [elderId, sales] of Object.entries(state.sales)) {
    const kept = sales.filter((sale) => sale.businessDate >= from);
    if (kept.length === 0) delete state.sales[elderId];
    else if (kept.length < sales.length) state.sales[elderId] = kept;
  }
}

/** The alert for a meal after the death, once per meal (marking the kept meal raised). */
function raise(sale: KeptSale, death: Death): Alert | null {
  if (!isAfter(sale.businessDate, death.date) || sale.raised) return null;
  sale.raised = true;
  const days = dayNumberOf(sale.businessDate) - dayNumberOf(death.date);
  const subsidy = subsidyText(sale);
  return alertOf({
    kind: 'after-death',
    ...oneSaleFinding(sale),
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
}
