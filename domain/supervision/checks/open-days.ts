import { type BusinessDate, compareDates, isAfter } from '../../time/calendar.ts';
import type { SupervisionFact } from '../facts.ts';
import { dayKey, entryOf, type Keyed } from './check.ts';

/** A void counted in its sale's canteen day. */
export interface VoidRef {
  readonly saleId: string;
  readonly eventId: string;
  readonly saleEventId: string;
}

/** 营业日作废统计: a canteen day not ended yet, with its sales and the voids recorded by then. */
export interface OpenVoidDay {
  readonly canteenId: string;
  readonly businessDate: BusinessDate;
  sales: number;
  readonly voids: VoidRef[];
}

/**
 * Counts a sale or a void into its canteen day (`open`, by `dayKey`) while the day has not ended
 * (`ended`: see `endedThrough`); a void is counted once.
 */
export function countInOpenDay(
  open: Keyed<OpenVoidDay>,
  ended: BusinessDate | null,
  fact: SupervisionFact,
): void {
  const isOpen = (date: BusinessDate) => ended === null || isAfter(date, ended);
  const dayOf = (canteenId: string, businessDate: BusinessDate) =>
    entryOf(open, dayKey(canteenId, businessDate), () => ({ canteenId, businessDate, sales: 0, voids: [] }));
  if (fact.type === 'sale' && isOpen(fact.sale.businessDate)) {
    dayOf(fact.sale.canteenId, fact.sale.businessDate).sales += 1;
  }
  if (fact.type === 'void' && isOpen(fact.void.businessDate)) {
    const { canteenId, businessDate, saleId, eventId, saleEventId } = fact.void;
    const day = dayOf(canteenId, businessDate);
    if (!day.voids.some((known) => known.saleId === saleId)) day.voids.push({ saleId, eventId, saleEventId });
  }
}

/**
 * Takes the days that have ended by `ended` out of `open` (kept by `dayKey`), oldest first and, on a
 * date, in key order: the order they are judged in, whatever order they were opened in.
 */
export function takeEndedDays<Day extends { readonly businessDate: BusinessDate }>(
  open: Keyed<Day>,
  ended: BusinessDate,
): Day[] {
  const closing = Object.entries(open)
    .filter(([, day]) => !isAfter(day.businessDate, ended))
    .sort(([keyA, a], [keyB, b]) => compareDates(a.businessDate, b.businessDate) || (keyA < keyB ? -1 : 1));
  for (const [key] of closing) delete open[key];
  return closing.map(([, day]) => day);
}
