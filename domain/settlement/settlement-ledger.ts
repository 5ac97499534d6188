import { type BusinessDate, type MonthKey, monthKeyOf } from '../time/calendar.ts';
import { type CanteenMonthResult, canteenMonth, totalsOf } from './canteen-month.ts';
import { leafTrail, MerkleAccumulator, merkleRoot } from './digest.ts';
import { adjustmentsCarried } from './late-adjustments.ts';
import { ElderDays } from './operating-facts.ts';
import type {
  CanteenEvidence,
  MonthSettlement,
  SaleRecord,
  SettlementChange,
  SettlementFacts,
} from './settlement-types.ts';

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
    { readonly carried: string; readonly computed: CanteenMonthResult }
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

  /**
   * `closedEarlier`: the months closed before the cut-off of the one being settled. Without
   * `digests` the figures are settled without their hash trees (empty digests): for estimates that
   * are never issued, such as a policy simulation.
   */
  constructor(
    readonly month: MonthKey,
    closedEarlier: readonly MonthKey[],
    private readonly options: { readonly digests: boolean } = { digests: true },
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
    const adjustments = adjustmentsCarried({
      into: this.month,
      earlier: this.earlier,
      cutoffs: this.cutoffs,
      facts,
    });
    const canteenIds = [...new Set([...this.own.keys(), ...adjustments.keys()])].sort();
    const computed = canteenIds.map((canteenId) => {
      const carried = adjustments.get(canteenId) ?? [];
      const carriedKey = JSON.stringify(carried.map((entry) => [entry.mark.order, entry.adjustment]));
      const known = this.settled.get(canteenId);
      if (known && known.carried === carriedKey && !this.changedCanteens.has(canteenId))
        return known.computed;
      const fresh = canteenMonth({
        month: this.month,
        canteenId,
        records: this.own.get(canteenId) ?? [],
        carried,
        facts,
        elderDays,
        digest: (leaves) =>
          this.options.digests ? this.digestOf(canteenId, leaves) : { digest: '', leafTrail: '' },
      });
      this.settled.set(canteenId, { carried: carriedKey, computed: fresh });
      return fresh;
    });
    this.changedCanteens.clear();
    const canteens = computed.map((entry) => entry.settlement);
    return {
      settlement: {
        month: this.month,
        digest: this.options.digests ? merkleRoot(canteens.map((canteen) => canteen.digest)) : '',
        canteens,
        totals: totalsOf(canteens),
      },
      evidence: computed.map((entry) => entry.evidence),
    };
  }

  private matters(month: MonthKey): boolean {
    return month === this.month || (month < this.month && this.closedEarlier.has(month));
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
}

function startsWith(list: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > list.length) return false;
  for (let index = 0; index < prefix.length; index += 1) if (list[index] !== prefix[index]) return false;
  return true;
}
