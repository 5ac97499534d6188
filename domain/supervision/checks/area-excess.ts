import type { BusinessDate } from '../../time/calendar.ts';
import { alertOf } from '../alert.ts';
import {
  type CanteenDirectory,
  type Check,
  canteenAt,
  type Keyed,
  put,
  unchanged,
  withCanteen,
} from './check.ts';

interface ElderSale {
  readonly saleId: string;
  readonly eventId: string;
}

interface CanteenDay {
  /** The first subsidised sale of each elder that day. */
  readonly elders: Keyed<ElderSale>;
  readonly raised: boolean;
}

export interface AreaExcessState {
  readonly canteens: CanteenDirectory;
  /** Where each registered elder lives now (`district|town`). */
  readonly residence: Keyed<string>;
  readonly registeredByArea: Keyed<number>;
  readonly days: Keyed<CanteenDay>;
}

/**
 * 超出辖区登记人数: more different elders subsidised at a canteen in one day than elders are
 * registered in the canteen's district and town (times the setting's multiple). Raised once per
 * canteen day, the moment the count passes the line; elders and canteens are counted as registered
 * by then, so the check follows the recorded order.
 */
export const areaExcess: Check<AreaExcessState> = {
  name: 'area-excess',
  kinds: ['area-excess'],
  order: 'recorded',
  initialState: { canteens: {}, residence: {}, registeredByArea: {}, days: {} },
  apply(state, fact, settings) {
    switch (fact.type) {
      case 'canteen':
        return unchanged({ ...state, canteens: withCanteen(state.canteens, fact.canteen) });
      case 'elder': {
        const area = `${fact.elder.district}|${fact.elder.town}`;
        const before = state.residence[fact.elder.elderId];
        if (before === area) return unchanged(state);
        let counts = state.registeredByArea;
        if (before !== undefined) counts = put(counts, before, (counts[before] ?? 1) - 1);
        counts = put(counts, area, (counts[area] ?? 0) + 1);
        return unchanged({
          ...state,
          residence: put(state.residence, fact.elder.elderId, area),
          registeredByArea: counts,
        });
      }
      case 'void': {
        const key = `${fact.void.canteenId}|${fact.void.businessDate}`;
        const day = state.days[key];
        if (!day || day.raised) return unchanged(state);
        const elders = Object.fromEntries(
          Object.entries(day.elders).filter(([, sale]) => sale.saleId !== fact.void.saleId),
        );
        return unchanged({ ...state, days: put(state.days, key, { ...day, elders }) });
      }
      case 'sale': {
        const sale = fact.sale;
        if (sale.reimbursableFen <= 0 || sale.elderId === null) return unchanged(state);
        const key = `${sale.canteenId}|${sale.businessDate}`;
        const day = state.days[key] ?? { elders: {}, raised: false };
        if (day.raised || day.elders[sale.elderId]) return unchanged(state);
        const elders = put(day.elders, sale.elderId, { saleId: sale.saleId, eventId: sale.eventId });
        const canteen = canteenAt(state.canteens, sale.canteenId, sale.occurredAt);
        const count = Object.keys(elders).length;
        const registered = canteen
          ? (state.registeredByArea[`${canteen.district}|${canteen.town}`] ?? 0)
          : null;
        const limit = registered === null ? null : registered * settings.areaExcess.multipleOfRegistered;
        const exceeded = canteen !== null && registered !== null && limit !== null && count > limit;
        const next = { ...state, days: put(state.days, key, { elders, raised: exceeded }) };
        if (!exceeded) return unchanged(next);
        return {
          state: next,
          alerts: [
            excessAlert(
              sale.canteenId,
              sale.businessDate,
              elders,
              registered,
              canteen.district,
              canteen.town,
            ),
          ],
        };
      }
      default:
        return unchanged(state);
    }
  },
};

function excessAlert(
  canteenId: string,
  businessDate: BusinessDate,
  elders: Keyed<ElderSale>,
  registered: number,
  district: string,
  town: string,
) {
  const sales = Object.values(elders);
  const count = sales.length;
  return alertOf({
    kind: 'area-excess',
    key: [canteenId, businessDate],
    severity: count > registered * 1.5 ? 'high' : 'medium',
    canteenId,
    businessDate,
    saleIds: sales.map((sale) => sale.saleId),
    eventIds: sales.map((sale) => sale.eventId),
    explanation: {
      zh: `${canteenId} 在 ${businessDate} 已为 ${count} 位老人发放补贴，超过所在 ${district}${town} 登记的 ${registered} 位老人`,
      en: `${canteenId} subsidised ${count} different elders on ${businessDate}, more than the ${registered} registered in ${district} ${town}`,
    },
    figures: { subsidisedElders: count, registeredElders: registered },
  });
}
