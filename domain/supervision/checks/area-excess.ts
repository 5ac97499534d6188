import type { BusinessDate } from '../../time/calendar.ts';
import { alertOf } from '../alert.ts';
import {
  type ByDay,
  type CanteenDirectory,
  type Check,
  canteenAt,
  canteenLabel,
  dayEntryOf,
  deepFrozen,
  forgetDaysBefore,
  isKept,
  type Keyed,
  keptFrom,
  laterDate,
  readOnly,
  unchanged,
  withCanteen,
} from './check.ts';

interface ElderSale {
  readonly saleId: string;
  readonly eventId: string;
}

interface CanteenDay {
  /** Different elders subsidised that day (their first sales are kept in `dayElders`). */
  elders: number;
  raised: boolean;
}

export interface AreaExcessState {
  /** The latest business date seen (see `laterDate`). */
  latest: BusinessDate | null;
  readonly canteens: CanteenDirectory;
  /** Where each registered elder lives now (`district|town`). */
  readonly residence: Keyed<string>;
  readonly registeredByArea: Keyed<number>;
  /** Canteen days of the last `lateArrivalDays` business dates, by date and canteen. */
  readonly days: ByDay<CanteenDay>;
  /** The first subsidised sale of each elder at a canteen that day, by date and `canteen|elder`. */
  readonly dayElders: ByDay<ElderSale>;
}

/**
 * 超出辖区登记人数: more different elders subsidised at a canteen in one day than elders are
 * registered in the canteen's district and town (times the setting's multiple). Raised once per
 * canteen day, the moment the count passes the line; elders and canteens are counted as registered
 * by then, so the check follows the recorded order. A sale more than `lateArrivalDays` older than
 * the latest business date is not counted (its day is no longer kept).
 */
export const areaExcess: Check<AreaExcessState> = {
  name: 'area-excess',
  kinds: ['area-excess'],
  order: 'recorded',
  initialState: deepFrozen({
    latest: null,
    canteens: {},
    residence: {},
    registeredByArea: {},
    days: {},
    dayElders: {},
  }),
  byDay: ['days', 'dayElders'],
  apply(state, fact, settings) {
    const latest = laterDate(state.latest, fact);
    if (latest !== null) {
      state.latest = latest;
      const from = keptFrom(latest, settings.lateArrivalDays) as BusinessDate;
      forgetDaysBefore(state.days, from);
      forgetDaysBefore(state.dayElders, from);
    }
    switch (fact.type) {
      case 'canteen':
        withCanteen(state.canteens, fact.canteen);
        return unchanged(state);
      case 'elder': {
        const area = `${fact.elder.district}|${fact.elder.town}`;
        const before = state.residence[fact.elder.elderId];
        if (before === area) return unchanged(state);
        const counts = state.registeredByArea;
        if (before !== undefined) counts[before] = (counts[before] ?? 1) - 1;
        counts[area] = (counts[area] ?? 0) + 1;
        state.residence[fact.elder.elderId] = area;
        return unchanged(state);
      }
      case 'void': {
        const { canteenId, businessDate: date } = fact.void;
        const elderKey = `${canteenId}|${fact.void.elderId}`;
        if (readOnly(state.dayElders)[date]?.[elderKey]?.saleId !== fact.void.saleId) return unchanged(state);
        const day = state.days[date]?.[canteenId];
        if (!day || day.raised) return unchanged(state);
        // The day itself is dropped with the horizon (`forgetDaysBefore`), however many elders it holds.
        const elders = state.dayElders[date];
        if (elders) delete elders[elderKey];
        day.elders -= 1;
        return unchanged(state);
      }
      case 'sale': {
        const sale = fact.sale;
        if (sale.reimbursableFen <= 0 || sale.elderId === null) return unchanged(state);
        if (!isKept(sale.businessDate, keptFrom(state.latest, settings.lateArrivalDays)))
          return unchanged(state);
        const date = sale.businessDate;
        const elderKey = `${sale.canteenId}|${sale.elderId}`;
        if (
          readOnly(state.days)[date]?.[sale.canteenId]?.raised ||
          readOnly(state.dayElders)[date]?.[elderKey]
        )
          return unchanged(state);
        const day = dayEntryOf(state.days, date, sale.canteenId, () => ({ elders: 0, raised: false }));
        dayEntryOf(state.dayElders, date, elderKey, () => ({ saleId: sale.saleId, eventId: sale.eventId }));
        day.elders += 1;
        const canteen = canteenAt(state.canteens, sale.canteenId, sale.occurredAt);
        const count = day.elders;
        const registered = canteen
          ? (state.registeredByArea[`${canteen.district}|${canteen.town}`] ?? 0)
          : null;
        const limit = registered === null ? null : registered * settings.areaExcess.multipleOfRegistered;
        const exceeded =
          canteen !== null &&
          registered !== null &&
          limit !== null &&
          count > limit &&
          count >= settings.areaExcess.minElders;
        day.raised = exceeded;
        if (!exceeded) return unchanged(state);
        return {
          state,
          alerts: [
            excessAlert(
              sale.canteenId,
              sale.businessDate,
              eldersOf(state.dayElders, date, sale.canteenId),
              registered,
              canteen.district,
              canteen.town,
              canteen.name,
            ),
          ],
        };
      }
      default:
        return unchanged(state);
    }
  },
};

/** The first sales of the elders subsidised at a canteen on a day (a scan of the day, for an alert). */
function eldersOf(dayElders: ByDay<ElderSale>, date: BusinessDate, canteenId: string): ElderSale[] {
  const day = readOnly(dayElders)[date] ?? {};
  const prefix = `${canteenId}|`;
  return Object.keys(day)
    .filter((elderKey) => elderKey.startsWith(prefix))
    .map((elderKey) => day[elderKey] as ElderSale);
}

function excessAlert(
  canteenId: string,
  businessDate: BusinessDate,
  sales: readonly ElderSale[],
  registered: number,
  district: string,
  town: string,
  name: string,
) {
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
      zh: `${canteenLabel(canteenId, name)} 在 ${businessDate} 已为 ${count} 位老人发放补贴，超过所在 ${district}${town} 登记的 ${registered} 位老人`,
      en: `${canteenLabel(canteenId, name)} subsidised ${count} different elders on ${businessDate}, more than the ${registered} registered in ${district} ${town}`,
    },
    figures: { subsidisedElders: count, registeredElders: registered },
  });
}
