import type { CapHistoryEntry } from '../policy/caps.ts';
import { capHistoryEntryOf, decideMealSubsidy } from '../policy/decide-subsidy.ts';
import type { ElderFacts, MealSale } from '../policy/meal-facts.ts';
import type { PolicyDocument } from '../policy/policy-types.ts';
import { SaleKeeper } from '../settlement/sale-keeper.ts';
import { SettlementLedger } from '../settlement/settlement-ledger.ts';
import type {
  ChangeEvent,
  MonthSettlement,
  SettledSale,
  SettlementChange,
  SettlementElder,
  SourceAmount,
} from '../settlement/settlement-types.ts';
import { firstDayOfMonth, type MonthKey } from '../time/calendar.ts';

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
  /** A city month's sales are held until settled: what repeats among them is held once. */
  private readonly keeper = new SaleKeeper();
  /** The cardholder of each sale decided again, for a void to free its caps. */
  private readonly elderOfSale = new Map<string, string>();

  constructor(
    readonly month: MonthKey,
    proposals: readonly PolicyDocument[],
  ) {
    this.baseline = new SettlementLedger(month, [], { digests: false });
    this.proposals = proposals.map((proposal) => new ProposalFold(month, proposal, this.keeper));
  }

  take(change: SimulatedChange): void {
    if (change.kind !== 'sold') {
      this.baseline.record(change);
      const elderId = change.kind === 'voided' ? this.elderOfSale.get(change.saleId) : undefined;
      for (const proposal of this.proposals) proposal.record(change, elderId);
      return;
    }
    const { event, inputs } = change;
    if (
      !this.baseline.takes({
        kind: 'sold',
        saleId: change.sale.saleId,
        businessDate: change.sale.businessDate,
      })
    )
      return;
    const sale = this.keeper.keep(change.sale);
    this.baseline.record({ kind: 'sold', sale, event });
    if (inputs.elder !== null) this.elderOfSale.set(sale.saleId, inputs.elder.elderId);
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
  /** Each elder's decided, not voided sales of the month, as caps count them (with their sale). */
  private readonly caps = new Map<string, (CapHistoryEntry & { readonly saleId: string })[]>();

  constructor(
    month: MonthKey,
    proposal: PolicyDocument,
    private readonly keeper: SaleKeeper,
  ) {
    this.ledger = new SettlementLedger(month, [], { digests: false });
    // Its own dates are ignored: the proposal is in force for the whole month.
    this.policy = { ...proposal, effectiveFrom: firstDayOfMonth(month), effectiveTo: null, supersedes: null };
  }

  decide(sale: SettledSale, event: ChangeEvent, inputs: DecisionInputs): void {
    const history = inputs.elder === null ? undefined : this.caps.get(inputs.elder.elderId);
    const decision = decideMealSubsidy({
      policy: this.policy,
      sale: inputs.meal,
      elder: inputs.elder,
      capHistory: history ?? [],
    });
    if (inputs.elder !== null) {
      const entry = { ...capHistoryEntryOf(decision), saleId: sale.saleId };
      if (history === undefined) this.caps.set(inputs.elder.elderId, [entry]);
      else history.push(entry);
    }
    this.ledger.record({
      kind: 'sold',
      sale: {
        ...sale,
        subsidyFen: decision.subsidyFen,
        lines: this.keeper.shared(decision.lines),
        excluded: [],
      },
      event,
    });
  }

  /** A void (which frees its sale's caps for the sales decided after it) or a confirmed alert. */
  record(change: Exclude<SettlementChange, { kind: 'sold' }>, elderId: string | undefined): void {
    if (change.kind === 'voided' && elderId !== undefined) {
      const history = this.caps.get(elderId);
      const index = history?.findIndex((entry) => entry.saleId === change.saleId) ?? -1;
      if (index >= 0) history?.splice(index, 1);
    }
    this.ledger.record(change);
  }

  settle(elders: ReadonlyMap<string, SettlementElder>): MonthSettlement {
    return this.ledger.settle({ policies: [this.policy], elders }).settlement;
  }
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
