import { type MonthKey, nextMonth } from '../time/calendar.ts';
import { isCounted, reimbursementOf } from './operating-facts.ts';
import type { Adjustment, EventMark, SaleRecord, SettlementFacts } from './settlement-types.ts';

/** An adjustment carried into a month, with the change that made it. */
export interface CarriedAdjustment {
  adjustment: Adjustment;
  mark: EventMark;
}

/**
 * The first month after `month` that was still open when the change at `order` was recorded.
 * `cutoffs`: per month closed, how many changes had been recorded at its cut-off.
 */
export function carriedInto(
  month: MonthKey,
  order: number,
  cutoffs: ReadonlyMap<MonthKey, number>,
): MonthKey {
  let next = nextMonth(month);
  for (;;) {
    const cutoff = cutoffs.get(next);
    if (cutoff === undefined || cutoff >= order) return next;
    next = nextMonth(next);
  }
}

/**
 * Per canteen, the adjustments from closed months carried into `into`, in recorded order. A change to
 * a closed month's sale after its cut-off is late: the closed month is recomputed with it, and the
 * difference is carried, sale by sale, into the first month after it still open when it was recorded.
 */
export function adjustmentsCarried({
  into,
  earlier,
  cutoffs,
  facts,
}: {
  readonly into: MonthKey;
  /** The sales of months closed earlier, in recorded order. */
  readonly earlier: readonly SaleRecord[];
  readonly cutoffs: ReadonlyMap<MonthKey, number>;
  readonly facts: SettlementFacts;
}): Map<string, CarriedAdjustment[]> {
  const lateByCanteenMonth = new Map<
    string,
    { record: SaleRecord; mark: EventMark; kind: Adjustment['kind'] }[]
  >();
  const inMonth = new Map<string, SaleRecord[]>();
  for (const record of earlier) {
    const cutoff = cutoffs.get(record.month);
    if (cutoff === undefined) continue;
    const key = `${record.month}|${record.sale.canteenId}`;
    const records = inMonth.get(key);
    if (records) records.push(record);
    else inMonth.set(key, [record]);
    const late = lateByCanteenMonth.get(key) ?? [];
    if (record.sold.order > cutoff) late.push({ record, mark: record.sold, kind: 'late-sale' });
    if (record.voided && record.voided.order > cutoff)
      late.push({ record, mark: record.voided, kind: 'late-void' });
    // One confirmation excluding several of the canteen-month's sales is one adjustment.
    const exclusion = record.excludedBy;
    if (
      exclusion &&
      exclusion.order > cutoff &&
      !late.some((change) => change.mark.order === exclusion.order)
    )
      late.push({ record, mark: exclusion, kind: 'late-exclusion' });
    if (late.length > 0) lateByCanteenMonth.set(key, late);
  }
  const carried = new Map<string, CarriedAdjustment[]>();
  for (const [key, late] of lateByCanteenMonth) {
    const [month, canteenId] = key.split('|') as [MonthKey, string];
    if (!late.some((change) => carriedInto(month, change.mark.order, cutoffs) === into)) continue;
    late.sort((a, b) => a.mark.order - b.mark.order);
    const records = inMonth.get(key) ?? [];
    const reimbursementAt = (order: number) =>
      reimbursementOf(
        month,
        records.filter((record) => isCounted(record, order)),
        facts,
        order,
      );
    let before = reimbursementAt(cutoffs.get(month) ?? 0);
    for (const change of late) {
      const after = reimbursementAt(change.mark.order);
      if (carriedInto(month, change.mark.order, cutoffs) === into) {
        const entries = carried.get(canteenId) ?? [];
        entries.push({
          adjustment: {
            month,
            saleId: change.record.sale.saleId,
            kind: change.kind,
            fen: after - before,
            ...(change.kind === 'late-exclusion' && change.record.excludedBy
              ? { alertId: change.record.excludedBy.alertId, note: change.record.excludedBy.reason }
              : {}),
          },
          mark: change.mark,
        });
        carried.set(canteenId, entries);
      }
      before = after;
    }
  }
  for (const entries of carried.values()) entries.sort((a, b) => a.mark.order - b.mark.order);
  return carried;
}
