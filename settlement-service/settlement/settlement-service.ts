import { canonicalJson } from '../../domain/canonical-json.ts';
import { canteen, canteenStream } from '../../domain/canteens/canteen.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { firstDifference } from '../../domain/settlement/digest.ts';
import {
  type BureauUser,
  type Cutoff,
  monthHasEnded,
  type SettlementState,
  type SettlementStatus,
  type SettlementStep,
  type SettlementSteps,
  settlement,
  settlementStream,
} from '../../domain/settlement/settlement.ts';
import type { CanteenSettlement, SettlementTotals } from '../../domain/settlement/settlement-types.ts';
import type { MonthKey } from '../../domain/time/calendar.ts';
import type { EventStore, Position } from '../../event-store/port.ts';
import { positionFromString, positionToString } from '../../event-store/position.ts';
import type { AggregateRepository, EventContext } from '../event-sourcing/aggregate-repository.ts';
import { retryOnConflict } from '../event-sourcing/retry.ts';
import type { CanteenStatementInput } from '../statements/canteen-statement.ts';
import type { SettlementIndex } from './settlement-index.ts';
import { computeSettlement, foldInputsAt, MonthFold, sameFoldInputs } from './settlement-source.ts';

/** How many months' provisional views are kept between readers. */
const PROVISIONAL_MONTHS_KEPT = 12;

/**
 * How many open months' folds are kept in memory (each holds the month's sales: about 0.5 KB a
 * sale): the current month and the one before, still open while it is being checked.
 */
const FOLDS_KEPT = 2;

/** A month's settlement as readers see it: recorded when closed, provisional while open. */
export interface SettlementView {
  readonly month: MonthKey;
  readonly status: SettlementStatus;
  readonly digest: string;
  /** Where the figures were cut: the close's cut-off, or the store's head for a provisional view. */
  readonly cutoff: Cutoff;
  readonly closedBy: BureauUser | null;
  /** What whoever closed the month noted; null while open or when nothing was noted. */
  readonly closeNote: string | null;
  readonly steps: SettlementSteps;
  readonly canteens: readonly CanteenSettlement[];
  readonly totals: SettlementTotals;
}

/** What a recomputation from the events says about one canteen-month as recorded (or as a statement claims). */
export interface Verification {
  readonly month: MonthKey;
  readonly canteenId: string;
  readonly matches: boolean;
  readonly claimedDigest: string;
  readonly recomputedDigest: string;
  /** The figures recomputed equal the figures claimed. */
  readonly figuresMatch: boolean;
  /** The first event, in the digest's order, that differs (null when the digests match). */
  readonly firstDifference: {
    readonly index: number;
    /** The sale of the recomputed event there; null when the claim has more events than the store. */
    readonly saleId: string | null;
    readonly eventId: string | null;
  } | null;
}

/** What a statement or a recorded closing claims about a canteen-month, to be checked against the events. */
export interface CanteenMonthClaim {
  readonly month: MonthKey;
  readonly cutoff: Cutoff;
  readonly canteen: CanteenSettlement;
}

/** 月结: closes months, takes them through review, approval and payment, and verifies them. */
export class SettlementService {
  /** The open months' folds, carried on from view to view; the month viewed longest ago goes first. */
  private readonly folds = new Map<MonthKey, MonthFold>();
  /** Months closed by this service: a view computed while one closed does not keep its fold. */
  private readonly closedHere = new Set<MonthKey>();
  /** Per open month, the provisional view last computed (or being computed), and at which head. */
  private readonly provisional = new Map<
    MonthKey,
    { readonly head: string; readonly view: Promise<SettlementView>; computing: boolean }
  >();

  constructor(
    private readonly deps: {
      readonly store: EventStore;
      readonly index: SettlementIndex;
      readonly repository: AggregateRepository;
      readonly now: () => number;
      /** How long a close waits for writes begun before it (the store's default without it). */
      readonly cutoffWaitMs?: number;
    },
  ) {}

  async view(month: MonthKey): Promise<SettlementView> {
    const { state } = await this.deps.repository.load(settlementStream(month), settlement);
    if (state.status !== 'open') return viewOf(state);
    return this.provisionalView(month);
  }

  /**
   * An open month as the events stand: computed again only when events were recorded since the last
   * computation, and once for any number of readers asking meanwhile (they share its answer, with the
   * cut-off it was computed at).
   */
  private async provisionalView(month: MonthKey): Promise<SettlementView> {
    const head = await this.deps.store.headPosition();
    const known = this.provisional.get(month);
    if (known && (known.computing || known.head === positionToString(head))) return known.view;
    // The month asked longest ago goes first, unless it is still being computed.
    for (const [kept, entry] of this.provisional) {
      if (this.provisional.size < PROVISIONAL_MONTHS_KEPT) break;
      if (!entry.computing) this.provisional.delete(kept);
    }
    const entry = {
      head: positionToString(head),
      view: this.computeProvisional(month, head),
      computing: true,
    };
    this.provisional.set(month, entry);
    entry.view.then(
      () => {
        entry.computing = false;
      },
      () => {
        if (this.provisional.get(month) === entry) this.provisional.delete(month);
      },
    );
    return entry.view;
  }

  private async computeProvisional(month: MonthKey, head: Position): Promise<SettlementView> {
    const at = this.deps.now();
    await this.deps.index.catchUpTo(head);
    const inputs = await foldInputsAt(this.deps.index, month, head);
    const kept = this.folds.get(month);
    const fold =
      kept && sameFoldInputs(kept.inputs, inputs) ? kept : new MonthFold(this.deps.index, month, inputs);
    // Taken out while it advances: a fold that fails halfway is not used again.
    this.folds.delete(month);
    await fold.advanceTo(head);
    if (!this.closedHere.has(month)) {
      if (this.folds.size >= FOLDS_KEPT) this.folds.delete(this.folds.keys().next().value as MonthKey);
      this.folds.set(month, fold);
    }
    const { settlement: figures } = fold.settle();
    return {
      month,
      status: 'open',
      digest: figures.digest,
      cutoff: { position: positionToString(head), at },
      closedBy: null,
      closeNote: null,
      steps: {},
      canteens: figures.canteens,
      totals: figures.totals,
    };
  }

  /** Closes the month at the store's head now; closing a closed month answers as the first close did. */
  close(
    month: MonthKey,
    by: BureauUser,
    note: string | null,
    context: EventContext,
  ): Promise<SettlementView> {
    return retryOnConflict(async () => {
      const stream = settlementStream(month);
      const { state, expectedRevision } = await this.deps.repository.load(stream, settlement);
      if (state.status !== 'open') return viewOf(state);
      const now = this.deps.now();
      if (!monthHasEnded(month, now)) {
        throw new DomainError('conflict', 'period-not-ended', {
          en: `${month} has not ended yet`,
          zh: `${month} 尚未结束(按北京时间)，月末之后才能关账`,
        });
      }
      // Every sale answered before the close is in it, and none can be recorded before the cut-off later.
      const head = await this.deps.store.settledHead(
        this.deps.cutoffWaitMs === undefined ? {} : { timeoutMs: this.deps.cutoffWaitMs },
      );
      await this.deps.index.catchUpTo(head);
      const { settlement: figures } = await computeSettlement(this.deps.index, month, head);
      const cutoff = { position: positionToString(head), at: now };
      const events = settlement.decide(
        { type: 'CloseMonth', month, now, by, note, cutoff, settlement: figures },
        state,
      );
      await this.deps.repository.append(stream, events, expectedRevision, context);
      this.closedHere.add(month);
      this.folds.delete(month);
      this.provisional.delete(month);
      return this.closed(month);
    }, 3);
  }

  /** Reviews, approves or pays a closed month; a step already taken answers the settlement as it is. */
  takeStep(
    month: MonthKey,
    step: SettlementStep,
    by: BureauUser,
    note: string | null,
    context: EventContext,
  ): Promise<SettlementView> {
    return retryOnConflict(async () => {
      const stream = settlementStream(month);
      const { state, expectedRevision } = await this.deps.repository.load(stream, settlement);
      const events = settlement.decide({ type: 'TakeStep', step, by, at: this.deps.now(), note }, state);
      await this.deps.repository.append(stream, events, expectedRevision, context);
      return this.closed(month);
    });
  }

  /** Recomputes a closed month from the events and compares it, canteen by canteen, with what was recorded. */
  async verifyClosed(month: MonthKey, canteenId?: string): Promise<Verification[]> {
    const closed = await this.closed(month);
    const canteens = closed.canteens.filter(
      (canteen) => canteenId === undefined || canteen.canteenId === canteenId,
    );
    if (canteenId !== undefined && canteens.length === 0) {
      throw new DomainError('not-found', 'not-found', {
        en: `canteen ${canteenId} has no settlement in ${month}`,
        zh: `食堂 ${canteenId} 在 ${month} 没有月结`,
      });
    }
    return verifyClaims(
      this.deps.index,
      canteens.map((canteen) => ({ month, cutoff: closed.cutoff, canteen })),
    );
  }

  /** What a statement claims (its embedded figures), recomputed from the events at its cut-off. */
  async verifyStatement(claim: CanteenMonthClaim): Promise<Verification> {
    const [verification] = await verifyClaims(this.deps.index, [claim]);
    if (!verification) throw new Error(`nothing was verified for ${claim.month} ${claim.canteen.canteenId}`);
    return verification;
  }

  /** Everything one canteen's statement prints: recorded figures, or provisional ones while open. */
  async statementInput(
    month: MonthKey,
    canteenId: string,
    bureauName: string,
  ): Promise<CanteenStatementInput> {
    const view = await this.view(month);
    const figures = view.canteens.find((entry) => entry.canteenId === canteenId);
    if (!figures)
      throw new DomainError('not-found', 'not-found', {
        en: `canteen ${canteenId} has no settlement in ${month}`,
        zh: `食堂 ${canteenId} 在 ${month} 没有月结`,
      });
    const names = await this.canteenNames([canteenId]);
    return {
      bureauName,
      canteenName: names.get(canteenId) ?? canteenId,
      month,
      status: view.status,
      cutoff: view.cutoff,
      closedBy: view.closedBy,
      steps: view.steps,
      canteen: figures,
    };
  }

  /** The canteens' names as registered now, for exports. */
  async canteenNames(canteenIds: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const canteenId of canteenIds) {
      const { state } = await this.deps.repository.load(canteenStream(canteenId), canteen);
      const details = state.status === 'registered' ? state.versions.at(-1)?.details : undefined;
      names.set(canteenId, details?.name ?? canteenId);
    }
    return names;
  }

  /**
   * A closed month as recorded; refuses an open one. A step just taken answers from here too, so that
   * taking it again answers the same bytes (the store may keep a document's keys in its own order).
   */
  async closed(month: MonthKey): Promise<SettlementView> {
    const { state } = await this.deps.repository.load(settlementStream(month), settlement);
    if (state.status === 'open')
      throw new DomainError('conflict', 'settlement-step', {
        en: `${month} has not been closed`,
        zh: `${month} 尚未关账`,
      });
    return viewOf(state);
  }
}

/** Recomputes each claimed canteen-month at its cut-off and compares digests, event by event, and figures. */
async function verifyClaims(
  source: SettlementIndex,
  claims: readonly CanteenMonthClaim[],
): Promise<Verification[]> {
  const recomputed = new Map<string, Awaited<ReturnType<typeof computeSettlement>>>();
  const keyOf = (claim: CanteenMonthClaim) => `${claim.month}@${claim.cutoff.position}`;
  const canteensClaimed = new Map<string, Set<string>>();
  for (const claim of claims) {
    const canteens = canteensClaimed.get(keyOf(claim)) ?? new Set<string>();
    canteensClaimed.set(keyOf(claim), canteens.add(claim.canteen.canteenId));
  }
  const results: Verification[] = [];
  for (const claim of claims) {
    const key = keyOf(claim);
    let computed = recomputed.get(key);
    if (!computed) {
      // One canteen claimed: only its sales are folded and hashed, the rest of the month is skipped.
      const canteens = [...(canteensClaimed.get(key) ?? [])];
      const cutoff = positionFromString(claim.cutoff.position);
      await source.catchUpTo(cutoff);
      computed = await computeSettlement(source, claim.month, cutoff, {
        fromStoredEvents: true,
        ...(canteens.length === 1 ? { canteenId: canteens[0] as string } : {}),
      });
      recomputed.set(key, computed);
    }
    const { canteenId } = claim.canteen;
    const figures = computed.settlement.canteens.find((canteen) => canteen.canteenId === canteenId);
    const events = computed.evidence.find((evidence) => evidence.canteenId === canteenId)?.events ?? [];
    const recomputedDigest = figures?.digest ?? '';
    const matches = recomputedDigest === claim.canteen.digest;
    const index = matches
      ? null
      : firstDifference(
          claim.canteen.leafTrail,
          events.map((event) => event.leaf),
        );
    results.push({
      month: claim.month,
      canteenId,
      matches,
      claimedDigest: claim.canteen.digest,
      recomputedDigest,
      figuresMatch: figures !== undefined && canonicalJson(figures) === canonicalJson(claim.canteen),
      firstDifference:
        index === null
          ? null
          : { index, saleId: events[index]?.saleId ?? null, eventId: events[index]?.eventId ?? null },
    });
  }
  return results;
}

function viewOf(state: Exclude<SettlementState, { status: 'open' }>): SettlementView {
  return {
    month: state.month,
    status: state.status,
    digest: state.digest,
    cutoff: state.cutoff,
    closedBy: state.closedBy,
    closeNote: state.closeNote,
    steps: state.steps,
    canteens: state.canteens,
    totals: state.totals,
  };
}
