import { type BusinessDate, isAfter, type MonthKey } from '../time/calendar.ts';
import { type ElderDays, elderOf, operatingSubsidyOf, reimbursableOf, sum } from './operating-facts.ts';
import type {
  Adjustment,
  CanteenEvidence,
  CanteenSettlement,
  EventMark,
  ExcludedEntry,
  SaleRecord,
  SettlementFacts,
  SettlementTotals,
} from './settlement-types.ts';

/** One canteen's month, and the events behind it in the digest's order. */
export interface CanteenMonthResult {
  readonly settlement: CanteenSettlement;
  readonly evidence: CanteenEvidence;
}

/** 食堂月结算: one canteen's figures for the month from its sales and the adjustments carried into it. */
export function canteenMonth({
  month,
  canteenId,
  records,
  carried,
  facts,
  elderDays,
  digest,
}: {
  readonly month: MonthKey;
  readonly canteenId: string;
  /** The canteen's sales of the month, in recorded order. */
  readonly records: readonly SaleRecord[];
  /** The adjustments from closed months carried into it, in recorded order. */
  readonly carried: readonly { adjustment: Adjustment; mark: EventMark }[];
  readonly facts: SettlementFacts;
  readonly elderDays: ElderDays;
  /** The digest and leaf trail of the leaves in this order. */
  readonly digest: (leaves: readonly string[]) => { digest: string; leafTrail: string };
}): CanteenMonthResult {
  // One pass over the canteen's sales: a month holds a million of them, and every intermediate
  // array or object per sale is garbage to collect.
  const counted: SaleRecord[] = [];
  const voided: CanteenSettlement['voided'][number][] = [];
  const voidMarks: { mark: EventMark; saleId: string }[] = [];
  const excluded: ExcludedEntry[] = [];
  const exclusionMarks: { mark: EventMark; saleId: string }[] = [];
  const bySource = new Map<string, number>();
  const byRule = new Map<string, number>();
  const days = new Map<BusinessDate, DayFigures>();
  const elders = new Map<string, ElderFigures>();
  let subsidyFen = 0;
  let excludedFen = 0;
  let subsidisedMeals = 0;
  for (const record of records) {
    const { sale } = record;
    if (record.voided !== null) {
      voided.push({ saleId: sale.saleId, reason: record.voided.reason, subsidyFen: sale.subsidyFen });
      voidMarks.push({ mark: record.voided, saleId: sale.saleId });
      continue;
    }
    counted.push(record);
    for (const entry of sale.excluded) {
      excluded.push({ saleId: sale.saleId, reason: entry.reason, fen: entry.fen });
      excludedFen += entry.fen;
    }
    let reimbursable = 0;
    const exclusion = record.excludedBy;
    if (exclusion !== null) {
      const fen = reimbursableOf(sale);
      excluded.push({
        saleId: sale.saleId,
        reason: 'alert-confirmed',
        fen,
        alertId: exclusion.alertId,
        note: exclusion.reason,
      });
      excludedFen += fen;
      if (!exclusionMarks.some((entry) => entry.mark.order === exclusion.order))
        exclusionMarks.push({ mark: exclusion, saleId: sale.saleId });
    } else {
      for (const line of sale.lines) {
        reimbursable += line.fen;
        byRule.set(line.ruleId, (byRule.get(line.ruleId) ?? 0) + line.fen);
        for (const funding of line.funding)
          bySource.set(funding.source, (bySource.get(funding.source) ?? 0) + funding.fen);
      }
    }
    const subsidised = reimbursable > 0 ? 1 : 0;
    subsidyFen += sale.subsidyFen;
    subsidisedMeals += subsidised;
    let day = days.get(sale.businessDate);
    if (day === undefined) {
      day = {
        date: sale.businessDate,
        meals: 0,
        subsidisedMeals: 0,
        subsidyFen: 0,
        reimbursableFen: 0,
        elders: new Set(),
      };
      days.set(sale.businessDate, day);
    }
    day.meals += 1;
    day.subsidisedMeals += subsidised;
    day.subsidyFen += sale.subsidyFen;
    day.reimbursableFen += reimbursable;
    if (sale.elderId !== null) {
      if (exclusion === null) day.elders.add(sale.elderId);
      let elder = elders.get(sale.elderId);
      if (elder === undefined) {
        elder = { meals: 0, subsidisedMeals: 0, subsidyFen: 0, reimbursableFen: 0 };
        elders.set(sale.elderId, elder);
      }
      elder.meals += 1;
      elder.subsidisedMeals += subsidised;
      elder.subsidyFen += sale.subsidyFen;
      elder.reimbursableFen += reimbursable;
    }
  }
  const operatingSubsidy = operatingSubsidyOf(month, counted, facts, elderDays);
  const adjustments = carried.map((entry) => entry.adjustment);
  const adjustmentsFen = sum(adjustments, (entry) => entry.fen);
  // Sales come in the order they were sold, voids and adjustments each in their own order.
  voidMarks.sort((a, b) => a.mark.order - b.mark.order);
  exclusionMarks.sort((a, b) => a.mark.order - b.mark.order);
  const marks = mergeByOrder(
    records.map(({ sale: { saleId }, sold }) => ({ mark: sold, saleId })),
    voidMarks,
    exclusionMarks,
    carried.map((entry) => ({ mark: entry.mark, saleId: entry.adjustment.saleId })),
  );
  const leaves = marks.map((entry) => entry.mark.leaf);
  return {
    settlement: {
      canteenId,
      mealsSold: counted.length,
      subsidisedMeals,
      subsidyFen,
      excludedFen,
      bySource: sortedAmounts(bySource).map(([source, fen]) => ({ source, fen })),
      byRule: sortedAmounts(byRule).map(([ruleId, fen]) => ({ ruleId, fen })),
      excluded,
      voided,
      adjustments,
      adjustmentsFen,
      operatingSubsidyFen: operatingSubsidy.totalFen,
      operatingSubsidy,
      reimbursementFen: subsidyFen - excludedFen + operatingSubsidy.totalFen + adjustmentsFen,
      days: [...days.values()]
        .sort((a, b) => (a.date < b.date ? -1 : 1))
        .map(({ date, meals, subsidisedMeals, subsidyFen, reimbursableFen, elders }) => ({
          date,
          meals,
          subsidisedMeals,
          subsidyFen,
          reimbursableFen,
          elderDays: countAlive(elders, date, facts),
        })),
      elders: [...elders]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([elderId, figures]) => {
          const elder = elderOf(facts, elderId);
          return {
            elderId,
            maskedName: elder.maskedName,
            maskedIdNumber: elder.maskedIdNumber,
            ...figures,
          };
        }),
      ...digest(leaves),
      eventCount: leaves.length,
    },
    evidence: {
      canteenId,
      events: marks.map(({ mark, saleId }) => ({ saleId, eventId: mark.eventId, leaf: mark.leaf })),
    },
  };
}

interface DayFigures {
  readonly date: BusinessDate;
  meals: number;
  subsidisedMeals: number;
  subsidyFen: number;
  reimbursableFen: number;
  /** The elders served that day, in the order first served. */
  readonly elders: Set<string>;
}

interface ElderFigures {
  meals: number;
  subsidisedMeals: number;
  subsidyFen: number;
  reimbursableFen: number;
}

/** The elders of the set alive on the date (each must be known). */
function countAlive(elderIds: ReadonlySet<string>, date: BusinessDate, facts: SettlementFacts): number {
  let alive = 0;
  for (const elderId of elderIds) {
    const elder = elderOf(facts, elderId);
    if (elder.diedOn === null || !isAfter(date, elder.diedOn)) alive += 1;
  }
  return alive;
}

/** Lists each sorted by `mark.order`, merged into one sorted list (orders are unique). */
function mergeByOrder<T extends { readonly mark: EventMark }>(...lists: readonly (readonly T[])[]): T[] {
  let merged: T[] = [...(lists[0] ?? [])];
  for (const list of lists.slice(1)) {
    if (list.length === 0) continue;
    const next: T[] = new Array(merged.length + list.length);
    let a = 0;
    let b = 0;
    for (let index = 0; index < next.length; index += 1) {
      const left = merged[a];
      const right = list[b];
      if (right === undefined || (left !== undefined && left.mark.order < right.mark.order)) {
        next[index] = left as T;
        a += 1;
      } else {
        next[index] = right;
        b += 1;
      }
    }
    merged = next;
  }
  return merged;
}

function sortedAmounts(totals: ReadonlyMap<string, number>): [string, number][] {
  return [...totals].sort(([a], [b]) => (a < b ? -1 : 1));
}

export function totalsOf(canteens: readonly CanteenSettlement[]): SettlementTotals {
  return {
    canteens: canteens.length,
    mealsSold: sum(canteens, (canteen) => canteen.mealsSold),
    subsidisedMeals: sum(canteens, (canteen) => canteen.subsidisedMeals),
    subsidyFen: sum(canteens, (canteen) => canteen.subsidyFen),
    excludedFen: sum(canteens, (canteen) => canteen.excludedFen),
    bySource: amountsBy(
      canteens.flatMap((canteen) => canteen.bySource),
      'source',
    ).map(([source, fen]) => ({ source, fen })),
    operatingSubsidyFen: sum(canteens, (canteen) => canteen.operatingSubsidyFen),
    adjustmentsFen: sum(canteens, (canteen) => canteen.adjustmentsFen),
    reimbursementFen: sum(canteens, (canteen) => canteen.reimbursementFen),
  };
}

/** Sums `fen` by a key, sorted by key. */
function amountsBy<K extends string, T extends { readonly fen: number } & Record<K, string>>(
  items: readonly T[],
  key: K,
): [string, number][] {
  const totals = new Map<string, number>();
  for (const item of items) totals.set(item[key], (totals.get(item[key]) ?? 0) + item.fen);
  return [...totals].sort(([a], [b]) => (a < b ? -1 : 1));
}
