import { type CapHistoryEntry, capHistoryEntryOf, capWindowOf } from '../policy/caps.ts';
import { decideMealSubsidy } from '../policy/decide-subsidy.ts';
import type { ElderFacts, MealSale } from '../policy/meal-facts.ts';
import type { CapWindow, PolicyDocument } from '../policy/policy-types.ts';
import { SettlementLedger } from '../settlement/settlement-ledger.ts';
import type {
  ChangeEvent,
  MonthSettlement,
  SettledSale,
  SettlementChange,
  SettlementElder,
  SourceAmount,
} from '../settlement/settlement-types.ts';
import { addDays, type BusinessDate, firstDayOfMonth, type MonthKey } from '../time/calendar.ts';

/** What a sale was decided from: the meal, and its cardholder's facts at the time (null: no subsidy card). */
export interface DecisionInputs {
  readonly meal: MealSale;
  readonly elder: ElderFacts | null;
}

/** A change of the month as recorded, a sale with what it was decided from. */
export type SimulatedChange =
  | (Extract<SettlementChange, { kind: 'sold' }> & { readonly inputs: DecisionInputs })
  | Exclude<SettlementChange, { kind: 'sold' }>;

/** A month's figures with the settlement's meanings (adjustments from other months left out). */
export interface SimulationFigures {
  readonly mealsSold: number;
  readonly subsidisedMeals: number;
  readonly subsidyFen: number;
  readonly operatingSubsidyFen: number;
  readonly reimbursementFen: number;
  readonly bySource: readonly SourceAmount[];
}

export interface SimulationResult {
  readonly month: MonthKey;
  readonly baseline: SimulationFigures;
  readonly proposed: SimulationFigures;
  readonly canteens: readonly {
    readonly canteenId: string;
    readonly baseline: SimulationFigures;
    readonly proposed: SimulationFigures;
  }[];
  readonly byRule: readonly {
    readonly ruleId: string;
    readonly baselineFen: number;
    readonly proposedFen: number;
  }[];
  /** Elders served in the month: those whose subsidy would rise or fall (`affected`), and the rest. */
  readonly elders: {
    readonly affected: number;
    readonly gaining: number;
    readonly losing: number;
    readonly unchanged: number;
  };
}

/**
 * 政策测算: what proposed policies would have paid for a month's real meals. The month's changes are
 * taken in recorded order; each sale is settled as recorded (the baseline, once) and, for each
 * proposal, decided again as if it had arrived online at its `occurredAt` with the facts it was
 * decided from, its caps counting only the month's sales decided again before it and not voided by
 * then. Voids and confirmed alerts count everywhere as recorded; everything is settled by the
 * settlement's ledger, so every figure means what it means on a statement.
 */
export class PolicySimulation {
  private readonly baseline: SettlementLedger;
  private readonly proposals: ProposalFold[];
  /** The cardholder and date of each sale decided again, for a void to free its caps. */
  private readonly capped = new Map<string, { readonly elderId: string; readonly date: BusinessDate }>();

  constructor(
    readonly month: MonthKey,
    proposals: readonly PolicyDocument[],
  ) {
    this.baseline = new SettlementLedger(month, [], { digests: false });
    this.proposals = proposals.map((proposal) => new ProposalFold(month, proposal));
  }

  take(change: SimulatedChange): void {
    if (change.kind !== 'sold') {
      this.baseline.record(change);
      const capped = change.kind === 'voided' ? this.capped.get(change.saleId) : undefined;
      for (const proposal of this.proposals) proposal.record(change, capped);
      return;
    }
    const { sale, event, inputs } = change;
    if (!this.baseline.takes({ kind: 'sold', saleId: sale.saleId, businessDate: sale.businessDate })) return;
    this.baseline.record({ kind: 'sold', sale, event });
    if (inputs.elder !== null)
      this.capped.set(sale.saleId, { elderId: inputs.elder.elderId, date: sale.businessDate });
    for (const proposal of this.proposals) proposal.decide(sale, event, inputs);
  }

  /**
   * One result per proposal, in order. `recordedPolicies`: the policies registered, whose operating
   * subsidy the baseline follows; `elders`: the facts of every elder served.
   */
  results(
    recordedPolicies: readonly PolicyDocument[],
    elders: ReadonlyMap<string, SettlementElder>,
  ): SimulationResult[] {
    const baseline = this.baseline.settle({ policies: recordedPolicies, elders }).settlement;
    const baselineByElder = subsidyByElder(baseline);
    return this.proposals.map((fold) => {
      const proposed = fold.settle(elders);
      const proposedCanteens = new Map(proposed.canteens.map((canteen) => [canteen.canteenId, canteen]));
      return {
        month: this.month,
        baseline: figuresOf(baseline.canteens),
        proposed: figuresOf(proposed.canteens),
        canteens: baseline.canteens.map((canteen) => {
          const other = proposedCanteens.get(canteen.canteenId);
          return {
            canteenId: canteen.canteenId,
            baseline: figuresOf([canteen]),
            proposed: figuresOf(other ? [other] : []),
          };
        }),
        byRule: compared(byRuleOf(baseline), byRuleOf(proposed)).map(
          ([ruleId, baselineFen, proposedFen]) => ({
            ruleId,
            baselineFen,
            proposedFen,
          }),
        ),
        elders: elderChanges(baselineByElder, subsidyByElder(proposed)),
      };
    });
  }
}

/** One proposal's month: each sale decided again, with its own caps. */
class ProposalFold {
  private readonly ledger: SettlementLedger;
  private readonly policy: PolicyDocument;
  /** Each elder's decided, not voided sales of the month by date, as caps count them (with their sale). */
  private readonly caps = new Map<string, Map<BusinessDate, CappedSale[]>>();
  /** The longest window a cap of the proposal counts over: a meal's history need hold no more. */
  private readonly window: CapWindow | null;

  constructor(month: MonthKey, proposal: PolicyDocument) {
    this.ledger = new SettlementLedger(month, [], { digests: false });
    // Its own dates are ignored: the proposal is in force for the whole month.
    this.policy = { ...proposal, effectiveFrom: firstDayOfMonth(month), effectiveTo: null, supersedes: null };
    const windows = new Set(proposal.caps.map((cap) => cap.per));
    this.window = windows.has('month')
      ? 'month'
      : windows.has('week')
        ? 'week'
        : windows.has('day')
          ? 'day'
          : null;
  }

  decide(sale: SettledSale, event: ChangeEvent, inputs: DecisionInputs): void {
    const dates = inputs.elder === null ? undefined : this.caps.get(inputs.elder.elderId);
    const decision = decideMealSubsidy({
      policy: this.policy,
      sale: inputs.meal,
      elder: inputs.elder,
      capHistory: dates === undefined ? [] : this.historyAround(dates, sale.businessDate),
    });
    if (inputs.elder !== null && this.window !== null) {
      const entry = { ...capHistoryEntryOf(decision), saleId: sale.saleId };
      let byDate = dates;
      if (byDate === undefined) {
        byDate = new Map();
        this.caps.set(inputs.elder.elderId, byDate);
      }
      const onDate = byDate.get(sale.businessDate);
      if (onDate === undefined) byDate.set(sale.businessDate, [entry]);
      else onDate.push(entry);
    }
    this.ledger.record({
      kind: 'sold',
      sale: { ...sale, subsidyFen: decision.subsidyFen, lines: decision.lines, excluded: [] },
      event,
    });
  }

  /** A void (which frees its sale's caps for the sales decided after it) or a confirmed alert. */
  record(
    change: Exclude<SettlementChange, { kind: 'sold' }>,
    capped: { readonly elderId: string; readonly date: BusinessDate } | undefined,
  ): void {
    if (change.kind === 'voided' && capped !== undefined) {
      const onDate = this.caps.get(capped.elderId)?.get(capped.date);
      const index = onDate?.findIndex((entry) => entry.saleId === change.saleId) ?? -1;
      if (index >= 0) onDate?.splice(index, 1);
    }
    this.ledger.record(change);
  }

  settle(elders: ReadonlyMap<string, SettlementElder>): MonthSettlement {
    return this.ledger.settle({ policies: [this.policy], elders }).settlement;
  }

  /**
   * The elder's sales a cap of the proposal may count for a meal on `date`: that day's, that week's,
   * or the month's. The caps look at no others, and an elder eats some sixty meals a month.
   */
  private historyAround(
    dates: ReadonlyMap<BusinessDate, readonly CappedSale[]>,
    date: BusinessDate,
  ): CappedSale[] {
    if (this.window === 'month') return [...dates.values()].flat();
    if (this.window === 'day') return [...(dates.get(date) ?? [])];
    const history: CappedSale[] = [];
    for (const day of weekOf(date)) for (const entry of dates.get(day) ?? []) history.push(entry);
    return history;
  }
}

type CappedSale = CapHistoryEntry & { readonly saleId: string };

/** The seven dates of the ISO week (Monday to Sunday) of `date`. */
function weekOf(date: BusinessDate): BusinessDate[] {
  const [monday] = capWindowOf('week', date);
  return [0, 1, 2, 3, 4, 5, 6].map((offset) => addDays(monday, offset));
}

/** The funding sources either side of any of the results pays from, sorted: the rows of a comparison. */
export function sourcesOf(results: readonly SimulationResult[]): string[] {
  const sources = results.flatMap((result) =>
    [result.baseline, result.proposed].flatMap((figures) => figures.bySource.map((part) => part.source)),
  );
  return [...new Set(sources)].sort();
}

/** The rules of any of the results, sorted. */
export function ruleIdsOf(results: readonly SimulationResult[]): string[] {
  return [...new Set(results.flatMap((result) => result.byRule.map((rule) => rule.ruleId)))].sort();
}

function figuresOf(canteens: MonthSettlement['canteens']): SimulationFigures {
  const bySource = new Map<string, number>();
  let mealsSold = 0;
  let subsidisedMeals = 0;
  let subsidyFen = 0;
  let operatingSubsidyFen = 0;
  let reimbursementFen = 0;
  for (const canteen of canteens) {
    mealsSold += canteen.mealsSold;
    subsidisedMeals += canteen.subsidisedMeals;
    subsidyFen += canteen.subsidyFen;
    operatingSubsidyFen += canteen.operatingSubsidyFen;
    reimbursementFen += canteen.reimbursementFen - canteen.adjustmentsFen;
    for (const { source, fen } of canteen.bySource) bySource.set(source, (bySource.get(source) ?? 0) + fen);
  }
  return {
    mealsSold,
    subsidisedMeals,
    subsidyFen,
    operatingSubsidyFen,
    reimbursementFen,
    bySource: [...bySource].sort(([a], [b]) => (a < b ? -1 : 1)).map(([source, fen]) => ({ source, fen })),
  };
}

function byRuleOf(settlement: MonthSettlement): Map<string, number> {
  const totals = new Map<string, number>();
  for (const canteen of settlement.canteens)
    for (const { ruleId, fen } of canteen.byRule) totals.set(ruleId, (totals.get(ruleId) ?? 0) + fen);
  return totals;
}

function subsidyByElder(settlement: MonthSettlement): Map<string, number> {
  const totals = new Map<string, number>();
  for (const canteen of settlement.canteens)
    for (const { elderId, subsidyFen } of canteen.elders)
      totals.set(elderId, (totals.get(elderId) ?? 0) + subsidyFen);
  return totals;
}

/** Every key of either, sorted, with both amounts (zero where absent). */
function compared(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
): [string, number, number][] {
  return [...new Set([...a.keys(), ...b.keys()])]
    .sort()
    .map((key) => [key, a.get(key) ?? 0, b.get(key) ?? 0]);
}

function elderChanges(
  baseline: ReadonlyMap<string, number>,
  proposed: ReadonlyMap<string, number>,
): SimulationResult['elders'] {
  let gaining = 0;
  let losing = 0;
  let unchanged = 0;
  for (const [, before, after] of compared(baseline, proposed)) {
    if (after > before) gaining += 1;
    else if (after < before) losing += 1;
    else unchanged += 1;
  }
  return { affected: gaining + losing, gaining, losing, unchanged };
}
