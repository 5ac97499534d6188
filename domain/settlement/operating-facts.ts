import {
  computeOperatingSubsidy,
  type OperatingSaleFact,
  type OperatingSubsidyStatement,
} from '../policy/operating-subsidy.ts';
import { policyInForceOn } from '../policy/policy-validity.ts';
import { ageOn, type BusinessDate, isAfter, lastDayOfMonth, type MonthKey } from '../time/calendar.ts';
import type { SaleRecord, SettledSale, SettlementElder, SettlementFacts } from './settlement-types.ts';

/**
 * Each elder's facts on each date, as the operating subsidy sees them, worked out once per facts: an
 * elder eats on the same dates at every meal, and the age on a date takes parsing two dates.
 */
export class ElderDays {
  private readonly byElder = new Map<string, Map<BusinessDate, OperatingElderFact>>();

  constructor(private readonly facts: SettlementFacts) {}

  on(elderId: string, date: BusinessDate): OperatingElderFact {
    let dates = this.byElder.get(elderId);
    if (dates === undefined) {
      dates = new Map();
      this.byElder.set(elderId, dates);
    }
    let fact = dates.get(date);
    if (fact === undefined) {
      const elder = elderOf(this.facts, elderId);
      fact = {
        elderId: elder.elderId,
        ageOnDate: ageOn(elder.birthDate, date),
        aliveOnDate: elder.diedOn === null || !isAfter(date, elder.diedOn),
      };
      dates.set(date, fact);
    }
    return fact;
  }
}

type OperatingElderFact = NonNullable<OperatingSaleFact['elder']>;

/** Sold by `order` and not voided by then. */
export function isCounted(record: SaleRecord, order: number): boolean {
  return record.sold.order <= order && !(record.voided !== null && record.voided.order <= order);
}

export function reimbursableOf(sale: SettledSale): number {
  return sale.lines.reduce((total, line) => total + line.fen, 0);
}

/** Whether a confirmed alert had excluded the sale's subsidy by `order`. */
function isExcludedAt(record: SaleRecord, order: number): boolean {
  return record.excludedBy !== null && record.excludedBy.order <= order;
}

/** What the bureau pays a canteen for these sales of a month: reimbursable subsidy plus operating subsidy. */
export function reimbursementOf(
  month: MonthKey,
  counted: readonly SaleRecord[],
  facts: SettlementFacts,
  order: number,
): number {
  return (
    sum(counted, (record) => (isExcludedAt(record, order) ? 0 : reimbursableOf(record.sale))) +
    operatingSubsidyOf(month, counted, facts, new ElderDays(facts), order).totalFen
  );
}

/**
 * The operating subsidy for the counted sales. A sale a confirmed alert excluded by `order` earns
 * none: a meal found to be fraudulent is no meal served.
 */
export function operatingSubsidyOf(
  month: MonthKey,
  counted: readonly SaleRecord[],
  facts: SettlementFacts,
  elderDays: ElderDays,
  order = Number.POSITIVE_INFINITY,
): OperatingSubsidyStatement {
  const sales: OperatingSaleFact[] = [];
  for (const record of counted) {
    if (isExcludedAt(record, order)) continue;
    const { sale } = record;
    sales.push({
      businessDate: sale.businessDate,
      elder: sale.elderId === null ? null : elderDays.on(sale.elderId, sale.businessDate),
      reimbursedSubsidy: reimbursableOf(sale) > 0,
    });
  }
  return computeOperatingSubsidy({
    policy: policyInForceOn(facts.policies, lastDayOfMonth(month)),
    month,
    sales,
  });
}

export function elderOf(facts: SettlementFacts, elderId: string): SettlementElder {
  const elder = facts.elders.get(elderId);
  if (!elder) throw new Error(`elder ${elderId} has sales but no registration`);
  return elder;
}

export function sum<T>(items: readonly T[], amount: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += amount(item);
  return total;
}
