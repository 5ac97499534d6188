import type { ExcludedSubsidy } from '../policy/offline.ts';
import {
  computeOperatingSubsidy,
  type OperatingSaleFact,
  type OperatingSubsidyStatement,
} from '../policy/operating-subsidy.ts';
import type { PolicyDocument } from '../policy/policy-types.ts';
import { policyInForceOn } from '../policy/policy-validity.ts';
import type { SubsidyLine } from '../policy/subsidy-lines.ts';
import {
  ageOn,
  type BusinessDate,
  isAfter,
  lastDayOfMonth,
  type MonthKey,
  monthKeyOf,
} from '../time/calendar.ts';
import { leafTrail, MerkleAccumulator, merkleRoot } from './digest.ts';

/** A sale as settlement needs it, taken from its `MealSold` event. */
export interface SettledSale {
  readonly saleId: string;
  readonly canteenId: string;
  readonly businessDate: BusinessDate;
  readonly elderId: string | null;
  /** The subsidy deducted at the till. */
  readonly subsidyFen: number;
  /** The reimbursable subsidy by rule and funding source. */
  readonly lines: readonly SubsidyLine[];
  /** What of the subsidy is not reimbursed, and why. */
  readonly excluded: readonly ExcludedSubsidy[];
}

/** The event behind a change: its id and its digest leaf. */
export interface ChangeEvent {
  readonly eventId: string;
  readonly leaf: string;
}

/** A recorded change to the month's figures. */
export type SettlementChange =
  | { readonly kind: 'sold'; readonly sale: SettledSale; readonly event: ChangeEvent }
  | {
      readonly kind: 'voided';
      readonly saleId: string;
      readonly reason: string;
      readonly event: ChangeEvent;
    }
  /**
   * 核实不予结算: a supervision alert confirmed by the bureau; the reimbursable subsidy of its sales
   * is excluded, with the alert's reason on the statement.
   */
  | {
      readonly kind: 'confirmed';
      readonly alertId: string;
      readonly saleIds: readonly string[];
      readonly reason: string;
      readonly event: ChangeEvent;
    };

/** A change's event with its place in the recorded order. */
interface EventMark extends ChangeEvent {
  readonly order: number;
}

/** What settlement knows of an elder as of the cut-off (masked: statements are handed around). */
export interface SettlementElder {
  readonly elderId: string;
  readonly birthDate: BusinessDate;
  readonly diedOn: BusinessDate | null;
  readonly maskedName: string;
  readonly maskedIdNumber: string;
}

export interface Adjustment {
  /** The closed month the sale belongs to. */
  readonly month: MonthKey;
  readonly saleId: string;
  /** `late-exclusion`: an alert confirmed after the month closed (its first sale at the canteen). */
  readonly kind: 'late-sale' | 'late-void' | 'late-exclusion';
  /** The change in that month's reimbursement, operating subsidy included (signed). */
  readonly fen: number;
  /** For a `late-exclusion`: the confirmed alert and its reason, as the statement prints it. */
  readonly alertId?: string;
  readonly note?: string;
}

/** 不予报销: subsidy of a counted sale that is not reimbursed, and why. */
export interface ExcludedEntry {
  readonly saleId: string;
  /** `offline-over-cap`, `offline-mismatch`, or `alert-confirmed` (with `alertId` and `note`). */
  readonly reason: string;
  readonly fen: number;
  readonly alertId?: string;
  /** The confirmed alert's reason, as the statement prints it. */
  readonly note?: string;
}

export interface SourceAmount {
  readonly source: string;
  readonly fen: number;
}

/** 食堂月结算: one canteen's month, as the bureau pays it. */
export interface CanteenSettlement {
  readonly canteenId: string;
  readonly mealsSold: number;
  readonly subsidisedMeals: number;
  readonly subsidyFen: number;
  readonly excludedFen: number;
  readonly bySource: readonly SourceAmount[];
  readonly byRule: readonly { readonly ruleId: string; readonly fen: number }[];
  readonly excluded: readonly ExcludedEntry[];
  /** Sales voided within the month: in none of the figures, listed for the record. */
  readonly voided: readonly {
    readonly saleId: string;
    readonly reason: string;
    readonly subsidyFen: number;
  }[];
  readonly adjustments: readonly Adjustment[];
  readonly adjustmentsFen: number;
  readonly operatingSubsidyFen: number;
  readonly operatingSubsidy: OperatingSubsidyStatement;
  readonly reimbursementFen: number;
  readonly days: readonly {
    readonly date: BusinessDate;
    readonly meals: number;
    readonly subsidisedMeals: number;
    readonly subsidyFen: number;
    readonly reimbursableFen: number;
    readonly elderDays: number;
  }[];
  readonly elders: readonly {
    readonly elderId: string;
    readonly maskedName: string;
    readonly maskedIdNumber: string;
    readonly meals: number;
    readonly subsidisedMeals: number;
    readonly subsidyFen: number;
    readonly reimbursableFen: number;
  }[];
  /** Root of the hash tree over every event that went into these figures, in recorded order. */
  readonly digest: string;
  readonly eventCount: number;
  /** The leaves' prefixes, to point at the first event a recomputation disagrees with. */
  readonly leafTrail: string;
}

export interface SettlementTotals {
  readonly canteens: number;
  readonly mealsSold: number;
  readonly subsidisedMeals: number;
  readonly subsidyFen: number;
  readonly excludedFen: number;
  readonly bySource: readonly SourceAmount[];
  readonly operatingSubsidyFen: number;
  readonly adjustmentsFen: number;
  readonly reimbursementFen: number;
}

/** 月结算: every canteen's month, with the digest over the canteens' digests. */
export interface MonthSettlement {
  readonly month: MonthKey;
  readonly digest: string;
  readonly canteens: readonly CanteenSettlement[];
  readonly totals: SettlementTotals;
}

/** The events behind one canteen-month, in the digest's order: what a verification compares. */
export interface CanteenEvidence {
  readonly canteenId: string;
  readonly events: readonly { readonly saleId: string; readonly eventId: string; readonly leaf: string }[];
}

interface SaleRecord {
  readonly sale: SettledSale;
  readonly month: MonthKey;
  readonly sold: EventMark;
  voided: (EventMark & { readonly reason: string }) | null;
  /** The confirmed alert that excluded the sale's subsidy. */
  excludedBy: (EventMark & { readonly alertId: string; readonly reason: string }) | null;
}

export interface SettlementFacts {
  /** Every stored policy as of the cut-off. */
  readonly policies: readonly PolicyDocument[];
  readonly elders: ReadonlyMap<string, SettlementElder>;
}

/**
 * 结算账: folds the recorded sale changes (up to the cut-off, in recorded order) into one month's
 * settlement. Only the month itself and the months closed before it are kept. A change to a closed
 * month's sale after that month's cut-off is late: it never changes the closed month; the closed
 * month is recomputed with it, and the difference is carried, sale by sale, into the first month after
 * it that was still open when the change was recorded.
 */
export class SettlementLedger {
  private readonly sales = new Map<string, SaleRecord>();
  /** The month's own sales by canteen, in recorded order. */
  private readonly own = new Map<string, SaleRecord[]>();
  /** The sales of months closed earlier, in recorded order. */
  private readonly earlier: SaleRecord[] = [];
  private readonly closedEarlier: Set<MonthKey>;
  /** Per month closed earlier, how many changes had been recorded at its cut-off. */
  private readonly cutoffs = new Map<MonthKey, number>();
  private recorded = 0;
  /**
   * Each canteen's figures as last settled, with the adjustments they carried; kept while no change
   * to the canteen's own sales is recorded and the facts stay the same, so that settling again after
   * a few changes computes only the canteens they touched.
   */
  private readonly settled = new Map<
    string,
    { readonly carried: string; readonly computed: ReturnType<SettlementLedger['canteenMonth']> }
  >();
  private readonly changedCanteens = new Set<string>();
  private settledWith: SettlementFacts | null = null;
  /** The elders' ages and lives on dates, worked out once for the facts settled with. */
  private elderDays: ElderDays | null = null;
  /**
   * Each canteen's leaves as last hashed, with their hash tree and trail: a canteen's leaves are in
   * recorded order, so settling again after more changes only appends to them.
   */
  private readonly hashed = new Map<
    string,
    { leaves: readonly string[]; readonly tree: MerkleAccumulator; trail: string }
  >();

  /** `closedEarlier`: the months closed before the cut-off of the one being settled. */
  constructor(
    readonly month: MonthKey,
    closedEarlier: readonly MonthKey[],
  ) {
    this.closedEarlier = new Set(closedEarlier);
  }

  /** How many changes have been recorded so far. */
  get recordedCount(): number {
    return this.recorded;
  }

  /**
   * Whether a change would count: a sale of this month or of a month closed earlier, not seen
   * before; a void of such a sale not voided before. A change that would not count may be left
   * out altogether (its digest leaf need not even be computed): the figures stay the same.
   */
  takes(
    change:
      | { kind: 'sold'; saleId: string; businessDate: BusinessDate }
      | { kind: 'voided'; saleId: string }
      | { kind: 'confirmed'; saleIds: readonly string[] },
  ): boolean {
    if (change.kind === 'sold')
      return this.matters(monthKeyOf(change.businessDate)) && !this.sales.has(change.saleId);
    if (change.kind === 'confirmed')
      return change.saleIds.some((saleId) => this.sales.get(saleId)?.excludedBy === null);
    return this.sales.get(change.saleId)?.voided === null;
  }

  /**
   * Declares a month closed earlier, learnt during the fold: with how many changes had been recorded
   * at its cut-off when that has been passed, else its cut-off is marked later with `cutOff`. No
   * change of that month may have been recorded before.
   */
  addClosedEarlier(month: MonthKey, recordedAtCutoff?: number): void {
    this.closedEarlier.add(month);
    if (recordedAtCutoff !== undefined) this.cutoffs.set(month, recordedAtCutoff);
  }

  /** Takes the next change in recorded order. */
  record(change: SettlementChange): void {
    this.recorded += 1;
    const mark = { ...change.event, order: this.recorded };
    if (change.kind === 'sold') {
      const month = monthKeyOf(change.sale.businessDate);
      if (!this.matters(month) || this.sales.has(change.sale.saleId)) return;
      const record: SaleRecord = { sale: change.sale, month, sold: mark, voided: null, excludedBy: null };
      this.sales.set(change.sale.saleId, record);
      if (month === this.month) {
        const records = this.own.get(change.sale.canteenId);
        if (records) records.push(record);
        else this.own.set(change.sale.canteenId, [record]);
        this.changedCanteens.add(change.sale.canteenId);
      } else this.earlier.push(record);
      return;
    }
    if (change.kind === 'confirmed') {
      for (const saleId of change.saleIds) {
        const record = this.sales.get(saleId);
        if (record && record.excludedBy === null) {
          record.excludedBy = { ...mark, alertId: change.alertId, reason: change.reason };
          this.changedCanteens.add(record.sale.canteenId);
        }
      }
      return;
    }
    const record = this.sales.get(change.saleId);
    if (record && record.voided === null) {
      record.voided = { ...mark, reason: change.reason };
      this.changedCanteens.add(record.sale.canteenId);
    }
  }

  /** Marks the cut-off of a month closed earlier: the changes recorded so far were before it. */
  cutOff(month: MonthKey): void {
    if (this.closedEarlier.has(month)) this.cutoffs.set(month, this.recorded);
  }

  /**
   * The month's figures from the changes recorded so far. It may be called again after more changes:
   * with the same `facts` object (which may only have gained elders meanwhile), the canteens no
   * change touched are not computed again.
   */
  settle(facts: SettlementFacts): { settlement: MonthSettlement; evidence: CanteenEvidence[] } {
    // A month closed earlier whose cut-off was not passed had seen every change recorded.
    for (const month of this.closedEarlier)
      if (!this.cutoffs.has(month)) this.cutoffs.set(month, this.recorded);
    if (facts !== this.settledWith) {
      this.settled.clear();
      this.elderDays = new ElderDays(facts);
    }
    this.settledWith = facts;
    const elderDays = this.elderDays as ElderDays;
    const adjustments = this.adjustmentsCarried(facts);
    const canteenIds = [...new Set([...this.own.keys(), ...adjustments.keys()])].sort();
    const computed = canteenIds.map((canteenId) => {
      const carried = adjustments.get(canteenId) ?? [];
      const carriedKey = JSON.stringify(carried.map((entry) => [entry.mark.order, entry.adjustment]));
      const known = this.settled.get(canteenId);
      if (known && known.carried === carriedKey && !this.changedCanteens.has(canteenId))
        return known.computed;
      const fresh = this.canteenMonth(canteenId, this.own.get(canteenId) ?? [], carried, facts, elderDays);
      this.settled.set(canteenId, { carried: carriedKey, computed: fresh });
      return fresh;
    });
    this.changedCanteens.clear();
    const canteens = computed.map((entry) => entry.settlement);
    return {
      settlement: {
        month: this.month,
        digest: merkleRoot(canteens.map((canteen) => canteen.digest)),
        canteens,
        totals: totalsOf(canteens),
      },
      evidence: computed.map((entry) => entry.evidence),
    };
  }

  private matters(month: MonthKey): boolean {
    return month === this.month || (month < this.month && this.closedEarlier.has(month));
  }

  /** The first month after `month` that was still open when the change at `order` was recorded. */
  private carriedInto(month: MonthKey, order: number): MonthKey {
    let next = nextMonth(month);
    for (;;) {
      const cutoff = this.cutoffs.get(next);
      if (cutoff === undefined || cutoff >= order) return next;
      next = nextMonth(next);
    }
  }

  /** Per canteen, the adjustments from closed months carried into this one, in recorded order. */
  private adjustmentsCarried(
    facts: SettlementFacts,
  ): Map<string, { adjustment: Adjustment; mark: EventMark }[]> {
    const lateByCanteenMonth = new Map<
      string,
      { record: SaleRecord; mark: EventMark; kind: Adjustment['kind'] }[]
    >();
    const inMonth = new Map<string, SaleRecord[]>();
    for (const record of this.earlier) {
      const cutoff = this.cutoffs.get(record.month);
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
    const carried = new Map<string, { adjustment: Adjustment; mark: EventMark }[]>();
    for (const [key, late] of lateByCanteenMonth) {
      const [month, canteenId] = key.split('|') as [MonthKey, string];
      if (!late.some((change) => this.carriedInto(month, change.mark.order) === this.month)) continue;
      late.sort((a, b) => a.mark.order - b.mark.order);
      const records = inMonth.get(key) ?? [];
      const reimbursementAt = (order: number) =>
        reimbursementOf(
          month,
          records.filter((record) => isCounted(record, order)),
          facts,
          order,
        );
      let before = reimbursementAt(this.cutoffs.get(month) ?? 0);
      for (const change of late) {
        const after = reimbursementAt(change.mark.order);
        if (this.carriedInto(month, change.mark.order) === this.month) {
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

  /** The canteen's digest and leaf trail, hashing only the leaves appended since it was last settled. */
  private digestOf(canteenId: string, leaves: readonly string[]): { digest: string; leafTrail: string } {
    let hashed = this.hashed.get(canteenId);
    if (hashed === undefined || !startsWith(leaves, hashed.leaves)) {
      hashed = { leaves: [], tree: new MerkleAccumulator(), trail: '' };
      this.hashed.set(canteenId, hashed);
    }
    const appended = leaves.slice(hashed.leaves.length);
    for (const leaf of appended) hashed.tree.append(leaf);
    hashed.trail += leafTrail(appended);
    hashed.leaves = leaves;
    return { digest: hashed.tree.root(), leafTrail: hashed.trail };
  }

  private canteenMonth(
    canteenId: string,
    records: readonly SaleRecord[],
    carried: readonly { adjustment: Adjustment; mark: EventMark }[],
    facts: SettlementFacts,
    elderDays: ElderDays,
  ): { settlement: CanteenSettlement; evidence: CanteenEvidence } {
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
    const operatingSubsidy = operatingSubsidyOf(this.month, counted, facts, elderDays);
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
        ...this.digestOf(canteenId, leaves),
        eventCount: leaves.length,
      },
      evidence: {
        canteenId,
        events: marks.map(({ mark, saleId }) => ({ saleId, eventId: mark.eventId, leaf: mark.leaf })),
      },
    };
  }
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

function startsWith(list: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > list.length) return false;
  for (let index = 0; index < prefix.length; index += 1) if (list[index] !== prefix[index]) return false;
  return true;
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

/**
 * Each elder's facts on each date, as the operating subsidy sees them, made once per settlement: an
 * elder eats on the same dates at every meal, and the age on a date takes parsing two dates.
 */
class ElderDays {
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
function isCounted(record: SaleRecord, order: number): boolean {
  return record.sold.order <= order && !(record.voided !== null && record.voided.order <= order);
}

function reimbursableOf(sale: SettledSale): number {
  return sale.lines.reduce((total, line) => total + line.fen, 0);
}

/** Whether a confirmed alert had excluded the sale's subsidy by `order`. */
function isExcludedAt(record: SaleRecord, order: number): boolean {
  return record.excludedBy !== null && record.excludedBy.order <= order;
}

/** What the bureau pays a canteen for these sales of a month: reimbursable subsidy plus operating subsidy. */
function reimbursementOf(
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
function operatingSubsidyOf(
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

function elderOf(facts: SettlementFacts, elderId: string): SettlementElder {
  const elder = facts.elders.get(elderId);
  if (!elder) throw new Error(`elder ${elderId} has sales but no registration`);
  return elder;
}

function totalsOf(canteens: readonly CanteenSettlement[]): SettlementTotals {
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

function sum<T>(items: readonly T[], amount: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += amount(item);
  return total;
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

export function nextMonth(month: MonthKey): MonthKey {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return monthNumber === 12
    ? `${String(year + 1).padStart(4, '0')}-01`
    : `${String(year).padStart(4, '0')}-${String(monthNumber + 1).padStart(2, '0')}`;
}
