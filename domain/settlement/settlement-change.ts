import { upcast } from '../event-schema.ts';
import type { MealSoldData } from '../sales/sale-events.ts';
import type { AlertEvent } from '../supervision/alert-lifecycle.ts';
import { type DigestedEvent, eventLeaf } from './digest.ts';
import type { SettledSale, SettlementChange } from './settlement-types.ts';

/** The events that change a month's figures. */
export const SETTLEMENT_CHANGE_TYPES = ['MealSold', 'SaleVoided', 'AlertConfirmed'] as const;

type AlertConfirmedData = Extract<AlertEvent, { type: 'AlertConfirmed' }>['data'];

/**
 * The change a stored event makes to the figures of its sales' months, with its digest leaf; null for
 * any other event. The leaf is over the event as stored (an old shape hashes as it was written), the
 * figures are read from it in its current shape. The settlement index keeps the change, and a
 * verification makes it again from the event as stored, so that an event changed since is caught.
 */
export function settlementChangeOf(
  event: DigestedEvent & { readonly metadata?: { readonly schemaVersion?: number } },
): SettlementChange | null {
  if (!(SETTLEMENT_CHANGE_TYPES as readonly string[]).includes(event.type)) return null;
  const source = { eventId: event.id, leaf: eventLeaf(event) };
  const data = upcast(event.type, event.data, event.metadata?.schemaVersion);
  switch (event.type) {
    case 'MealSold':
      return { kind: 'sold', sale: settledSaleOf(data as MealSoldData), event: source };
    case 'SaleVoided': {
      const { saleId, reason } = data as { saleId: string; reason: string };
      return { kind: 'voided', saleId, reason, event: source };
    }
    case 'AlertConfirmed': {
      const { alertId, exclusion } = data as AlertConfirmedData;
      return {
        kind: 'confirmed',
        alertId,
        saleIds: exclusion.saleIds,
        reason: exclusion.reason.zh,
        event: source,
      };
    }
    default:
      return null;
  }
}

/** Only what settlement reads of a sale. */
export function settledSaleOf(sale: MealSoldData): SettledSale {
  return {
    saleId: sale.saleId,
    canteenId: sale.canteenId,
    businessDate: sale.businessDate,
    elderId: sale.elderId,
    subsidyFen: sale.subsidyFen,
    lines: sale.lines,
    excluded: sale.excluded,
  };
}
