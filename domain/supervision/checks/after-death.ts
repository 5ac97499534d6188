import { addDays, type BusinessDate, dayNumberOf, isAfter } from '../../time/calendar.ts';
import { type Alert, alertOf } from '../alert.ts';
import {
  type ByDay,
  type Check,
  dayEntryOf,
  deepFrozen,
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
  /**
   * Each elder's meals of the last `afterDeath.lateDeathDays` business dates, for a death recorded
   * after them, by date and elder.
   */
  readonly sales: ByDay<KeptSale[]>;
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
  byDay: ['sales'],
  apply(state, fact, settings) {
    const keptDays = settings.afterDeath.lateDeathDays;
    const latest = laterDate(state.latest, fact);
    if (latest !== null) {
      state.latest = latest;
      forgetDaysBefore(state.sales, keptFrom(latest, keptDays) as BusinessDate);
    }
    if (fact.type === 'death') {
      const death = { date: fact.date, eventId: fact.eventId };
      state.deaths[fact.elderId] = death;
      const alerts: Alert[] = [];
      const from = keptFrom(state.latest, keptDays);
      const meals =
        from === null || state.latest === null
          ? []
          : itemsOnDates(
              state.sales,
              fact.elderId,
              from > fact.date ? from : addDays(fact.date, 1),
              state.latest,
            );
      for (const sale of meals) {
        const alert = raise(sale, death);
        if (alert) alerts.push(alert);
      }
      return { state, alerts };
    }
    if (fact.type !== 'sale' || fact.sale.elderId === null) return unchanged(state);
    const elderId = fact.sale.elderId;
    const sale: KeptSale = saleRefOf(fact.sale);
    const known = readOnly(state.sales)[sale.businessDate]?.[elderId];
    if (known?.some((candidate) => candidate.saleId === sale.saleId)) return unchanged(state);
    if (isKept(sale.businessDate, keptFrom(state.latest, keptDays)))
      dayEntryOf(state.sales, sale.businessDate, elderId, () => []).push(sale);
    const death = readOnly(state.deaths)[elderId];
    const alert = death ? raise(sale, death) : null;
    return { state, alerts: alert ? [alert] : [] };
  },
};

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
