import type { MealSoldData } from '../sales/sale.ts';
import type { AlertEvent } from '../supervision/alert-lifecycle.ts';
import { type DigestedEvent, eventLeaf } from './digest.ts';
import type { SettledSale, SettlementChange } from './settlement-ledger.ts';

/** The events that change a month's figures. */
export const SETTLEMENT_CHANGE_TYPES = ['MealSold', 'SaleVoided', 'AlertConfirmed'] as const;

type AlertConfirmedData = Extract<AlertEvent, { type: 'AlertConfirmed' }>['data'];

/**
 * The change an event (in its current shape) makes to the figures of its sales' months, with its
 * digest leaf; null for any other event. The settlement index keeps it, and a verification makes it
 * again from the event as stored, so that an event changed since is caught.
 */
export function settlementChangeOf(event: DigestedEvent): SettlementChange | null {
  const source = { eventId: event.id, leaf: eventLeaf(event) };
  switch (event.type) {
    case 'MealSold':
      return { kind: 'sold', sale: settledSaleOf(event.data as MealSoldData), event: source };
    case 'SaleVoided': {
      const { saleId, reason } = event.data as { saleId: string; reason: string };
      return { kind: 'voided', saleId, reason, event: source };
    }
    case 'AlertConfirmed': {
      const { alertId, exclusion } = event.data as AlertConfirmedData;
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
