import type { Kysely } from 'kysely';
import { SaleKeeper } from '../../domain/settlement/sale-keeper.ts';
import { type Cutoff, settlementStream } from '../../domain/settlement/settlement.ts';
import { settlementChangeOf } from '../../domain/settlement/settlement-change.ts';
import { SettlementLedger } from '../../domain/settlement/settlement-ledger.ts';
import type {
  CanteenEvidence,
  MonthSettlement,
  SettlementChange,
  SettlementElder,
  SettlementFacts,
} from '../../domain/settlement/settlement-types.ts';
import {
  addDays,
  firstDayOfMonth,
  type MonthKey,
  monthKeyOf,
  nextMonth,
} from '../../domain/time/calendar.ts';
import type { EventStore, Position, RecordedEvent } from '../../event-store/port.ts';
import { comparePositions, positionFromString, positionToString } from '../../event-store/position.ts';
import {
  BEFORE_ALL,
  changedAfterCutoffs,
  changesOfMonth,
  earliestMonth,
  elderFactsAt,
  eldersChangedBetween,
  type IndexedChange,
  policiesAt,
} from '../../projections/settlement/settlement-index-queries.ts';

/** A month's closing as recorded: its cut-off and where the closing itself stands in the store. */
export interface RecordedClosing {
  readonly month: MonthKey;
  readonly cutoff: Position;
  readonly recordedAt: Position;
}

/** The month's closing, if it is recorded: the first event of the month's settlement stream. */
export async function readClosing(store: EventStore, month: MonthKey): Promise<RecordedClosing | null> {
  const [first] = await store.readStream(settlementStream(month), { limit: 1 });
  if (first?.type !== 'MonthClosed') return null;
  const data = first.data as unknown as { month: MonthKey; cutoff: Cutoff };
  return { month: data.month, cutoff: positionFromString(data.cutoff.position), recordedAt: first.position };
}

/** Where a settlement's inputs are read: the settlement index, and the events behind it. */
export interface SettlementSource {
  readonly store: EventStore;
  readonly db: Kysely<unknown>;
  /** The month's closing, if it was recorded by `upTo`. */
  closingOf(month: MonthKey, upTo: Position): Promise<RecordedClosing | null>;
}

export interface ComputeOptions {
  /** Only this canteen's sales are folded: its figures, digest and evidence are as in the whole month. */
  readonly canteenId?: string;
  /**
   * Each change is made again from its event as stored (found through the index), not taken from the
   * index: what a verification compares, so that an event changed after the close is caught.
   */
  readonly fromStoredEvents?: boolean;
}

/**
 * 重算: a month's settlement from the events up to a cut-off, with the evidence behind each canteen.
 * The same events and cut-off always give the same figures and digests. What is read follows the
 * business month, not the store's length: the month's changes; for each canteen-month of a closed
 * month changed after its close and carried into this one, that canteen-month's changes; the closings
 * of the months before; the facts of the elders served; the policies.
 */
export async function computeSettlement(
  source: SettlementSource,
  month: MonthKey,
  cutoff: Position,
  options: ComputeOptions = {},
): Promise<{ settlement: MonthSettlement; evidence: CanteenEvidence[] }> {
  const fold = new MonthFold(
    source,
    month,
    await foldInputsAt(source, month, cutoff, options.canteenId),
    options,
  );
  await fold.advanceTo(cutoff);
  return fold.settle();
}

/** What a month's fold reads besides the month itself, as of a cut-off. */
export interface FoldInputs {
  /** The months before closed by the cut-off. */
  readonly closings: readonly RecordedClosing[];
  /** The canteen-months of closed months with a change carried into this month. */
  readonly carried: readonly { readonly month: MonthKey; readonly canteenId: string }[];
}

export async function foldInputsAt(
  source: SettlementSource,
  month: MonthKey,
  cutoff: Position,
  canteenId?: string,
): Promise<FoldInputs> {
  const closings = await closingsBefore(source, month, cutoff);
  return { closings, carried: await canteenMonthsCarriedInto(source, month, closings, cutoff, canteenId) };
}

/** Whether a fold made with `a` can be carried on with `b`: the same closings, the same carried canteen-months. */
export function sameFoldInputs(a: FoldInputs, b: FoldInputs): boolean {
  const key = (inputs: FoldInputs) =>
    JSON.stringify([
      inputs.closings.map((closing) => [closing.month, positionToString(closing.cutoff)]),
      inputs.carried.map((carried) => [carried.month, carried.canteenId]),
    ]);
  return key(a) === key(b);
}

/**
 * A month's settlement folded from the index up to a cut-off, which can be carried on to a later one:
 * only the changes recorded since are read, and settling again computes only the canteens they
 * touched. Its inputs (`FoldInputs`) must stay those it was made with: a month closed before it, or a
 * canteen-month newly carried into it, needs a new fold.
 */
export class MonthFold {
  private readonly ledger: SettlementLedger;
  private readonly marks: CutoffMarks;
  private readonly sales = new SaleKeeper();
  private readonly elders = new Map<string, SettlementElder>();
  private facts: SettlementFacts = { policies: [], elders: this.elders };
  private readUpTo: Position = BEFORE_ALL;
  private last: Position | null = null;

  constructor(
    private readonly source: SettlementSource,
    readonly month: MonthKey,
    readonly inputs: FoldInputs,
    private readonly options: ComputeOptions = {},
  ) {
    this.ledger = new SettlementLedger(
      month,
      inputs.closings.map((closing) => closing.month),
    );
    this.marks = new CutoffMarks(this.ledger, inputs.closings);
  }

  /** Takes the changes recorded after the last cut-off and up to this one, in recorded order. */
  async advanceTo(cutoff: Position): Promise<void> {
    if (comparePositions(cutoff, this.readUpTo) <= 0) return;
    const window = { after: this.readUpTo, upTo: cutoff };
    const asRead = async (page: readonly IndexedChange[]) =>
      this.options.fromStoredEvents ? asStored(this.source.store, page) : page;
    const carried: IndexedChange[] = [];
    for (const canteenMonth of this.inputs.carried)
      for await (const page of changesOfMonth(
        this.source.db,
        canteenMonth.month,
        window,
        canteenMonth.canteenId,
      ))
        carried.push(...(await asRead(page)));
    carried.sort((a, b) => comparePositions(a.position, b.position));
    const newElders = new Set<string>();
    let next = 0;
    const takeCarriedBefore = (position: Position | null) => {
      for (; next < carried.length; next++) {
        const change = carried[next] as IndexedChange;
        if (position !== null && comparePositions(change.position, position) >= 0) return;
        this.take(change, newElders);
      }
    };
    for await (const page of changesOfMonth(this.source.db, this.month, window, this.options.canteenId)) {
      for (const indexed of await asRead(page)) {
        takeCarriedBefore(indexed.position);
        this.take(indexed, newElders);
      }
    }
    takeCarriedBefore(null);
    // Every month closed before had its cut-off at or before this one: no change taken later precedes it.
    this.marks.passTo({ commit: cutoff.commit, prepare: cutoff.prepare + 1n });
    await this.learnFacts(window, newElders);
    this.readUpTo = cutoff;
  }

  settle(): { settlement: MonthSettlement; evidence: CanteenEvidence[] } {
    return this.ledger.settle(this.facts);
  }

  private take({ position, change }: IndexedChange, newElders: Set<string>): void {
    // A confirmation of sales of several canteens is indexed once per canteen: taken once.
    if (this.last !== null && comparePositions(this.last, position) === 0) return;
    this.last = position;
    if (!this.ledger.takes(takenAs(change))) return;
    this.marks.passTo(position);
    if (change.kind === 'sold') {
      const sale = this.sales.keep(change.sale);
      if (sale.elderId !== null && !this.elders.has(sale.elderId)) newElders.add(sale.elderId);
      this.ledger.record({ ...change, sale });
    } else this.ledger.record(change);
  }

  /**
   * The facts at the new cut-off: those of elders served for the first time, and, when an elder's
   * facts changed or a policy was registered since the last cut-off, new facts (every canteen is
   * then settled again).
   */
  private async learnFacts(window: { after: Position; upTo: Position }, newElders: Set<string>) {
    const { db } = this.source;
    const first = window.after === BEFORE_ALL;
    const [added, changed, policies] = await Promise.all([
      elderFactsAt(db, [...newElders], window.upTo),
      first ? [] : eldersChangedBetween(db, window.after, window.upTo),
      policiesAt(db, window.upTo),
    ]);
    for (const [elderId, facts] of added) this.elders.set(elderId, facts);
    const known = changed.filter((elderId) => this.elders.has(elderId) && !added.has(elderId));
    if (known.length === 0 && policies.length === this.facts.policies.length && !first) return;
    for (const [elderId, facts] of await elderFactsAt(db, known, window.upTo))
      this.elders.set(elderId, facts);
    this.facts = { policies, elders: this.elders };
  }
}

function takenAs(change: SettlementChange): Parameters<SettlementLedger['takes']>[0] {
  if (change.kind === 'sold')
    return { kind: 'sold', saleId: change.sale.saleId, businessDate: change.sale.businessDate };
  if (change.kind === 'voided') return { kind: 'voided', saleId: change.saleId };
  return { kind: 'confirmed', saleIds: change.saleIds };
}

/** Every month before `month` closed by the cut-off, from the earliest month with changes on. */
async function closingsBefore(
  source: SettlementSource,
  month: MonthKey,
  cutoff: Position,
): Promise<RecordedClosing[]> {
  const earliest = await earliestMonth(source.db);
  if (earliest === null || earliest >= month) return [];
  const months: MonthKey[] = [];
  for (let earlier = earliest; earlier < month; earlier = nextMonth(earlier)) months.push(earlier);
  const closings = await Promise.all(months.map((earlier) => source.closingOf(earlier, cutoff)));
  return closings.filter((closing) => closing !== null);
}

/**
 * The canteen-months changed after their month's close by a change carried into `month` (into the
 * first month after it still open when the change was recorded), in a stable order.
 */
async function canteenMonthsCarriedInto(
  source: SettlementSource,
  month: MonthKey,
  closings: readonly RecordedClosing[],
  cutoff: Position,
  canteenId: string | undefined,
): Promise<FoldInputs['carried']> {
  const cutoffOf = new Map(closings.map((closing) => [closing.month, closing.cutoff]));
  const carriedInto = (changed: MonthKey, at: Position) => {
    let next = nextMonth(changed);
    for (
      let closed = cutoffOf.get(next);
      closed && comparePositions(closed, at) < 0;
      closed = cutoffOf.get(next)
    )
      next = nextMonth(next);
    return next;
  };
  // A change is carried into `month` only past the cut-offs of every month between, the one before
  // it last: with that month open nothing is carried, and nothing recorded before its close is.
  const previous = cutoffOf.get(monthKeyOf(addDays(firstDayOfMonth(month), -1)));
  if (previous === undefined) return [];
  const windows = closings.map((closing) => ({
    month: closing.month,
    cutoff: comparePositions(previous, closing.cutoff) > 0 ? previous : closing.cutoff,
  }));
  const canteenMonths = new Map<string, { month: MonthKey; canteenId: string }>();
  for (const late of await changedAfterCutoffs(source.db, windows, cutoff)) {
    if (canteenId !== undefined && late.canteenId !== canteenId) continue;
    if (carriedInto(late.month, late.position) === month)
      canteenMonths.set(`${late.month}|${late.canteenId}`, { month: late.month, canteenId: late.canteenId });
  }
  return [...canteenMonths.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, carried]) => carried);
}

/**
 * The indexed changes made again from their events as stored. An event no longer stored, or no
 * longer a change, drops out; one changed since it was indexed gives its change as it is now.
 */
async function asStored(store: EventStore, page: readonly IndexedChange[]): Promise<IndexedChange[]> {
  const streams = [...new Set(page.map((indexed) => indexed.stream))];
  const stored = new Map<string, RecordedEvent>();
  for (const events of await Promise.all(streams.map((stream) => store.readStream(stream))))
    for (const event of events) stored.set(event.id, event);
  const remade: IndexedChange[] = [];
  for (const indexed of page) {
    const event = stored.get(indexed.change.event.eventId);
    const change = event ? settlementChangeOf(event) : null;
    if (event && change) remade.push({ ...indexed, position: event.position, change });
  }
  return remade;
}

/**
 * The cut-offs of the months closed before, marked in the ledger as the fold passes them, so that it
 * knows which changes were recorded after each close.
 */
class CutoffMarks {
  private readonly pending: RecordedClosing[];

  constructor(
    private readonly ledger: SettlementLedger,
    closings: readonly RecordedClosing[],
  ) {
    this.pending = [...closings].sort((a, b) => comparePositions(a.cutoff, b.cutoff));
  }

  /** Marks the cut-offs before the change at `at`: the changes recorded so far were before them. */
  passTo(at: Position): void {
    while (this.pending.length > 0 && comparePositions((this.pending[0] as RecordedClosing).cutoff, at) < 0)
      this.ledger.cutOff((this.pending.shift() as RecordedClosing).month);
  }
}
