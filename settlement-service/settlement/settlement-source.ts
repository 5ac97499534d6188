import type { Kysely } from 'kysely';
import { type Cutoff, settlementStream } from '../../domain/settlement/settlement.ts';
import { settlementChangeOf } from '../../domain/settlement/settlement-change.ts';
import {
  type CanteenEvidence,
  type MonthSettlement,
  nextMonth,
  type SettledSale,
  type SettlementChange,
  SettlementLedger,
} from '../../domain/settlement/settlement-ledger.ts';
import { addDays, firstDayOfMonth, type MonthKey, monthKeyOf } from '../../domain/time/calendar.ts';
import type { EventStore, Position, RecordedEvent } from '../../event-store/port.ts';
import { comparePositions, positionFromString } from '../../event-store/position.ts';
import { upcastRecorded } from '../../event-store/upcast-recorded.ts';
import {
  changedAfterCutoffs,
  changesOfMonth,
  earliestMonth,
  elderFactsAt,
  type IndexedChange,
  policiesAt,
} from '../../projections/settlement/settlement-index-queries.ts';

/** A month's closing as recorded: its cut-off and where the closing itself stands in the store. */
export interface RecordedClosing {
  readonly month: MonthKey;
  readonly cutoff: Position;
  readonly recordedAt: Position;
}

/** The month's closing, if it was recorded by `upTo`: the first event of the month's settlement stream. */
export async function recordedClosing(
  store: EventStore,
  month: MonthKey,
  upTo: Position,
): Promise<RecordedClosing | null> {
  const [first] = await store.readStream(settlementStream(month), { limit: 1 });
  if (first?.type !== 'MonthClosed' || comparePositions(first.position, upTo) > 0) return null;
  const data = first.data as unknown as { month: MonthKey; cutoff: Cutoff };
  return { month: data.month, cutoff: positionFromString(data.cutoff.position), recordedAt: first.position };
}

/** Where a settlement's inputs are read: the settlement index, and the events behind it. */
export interface SettlementSource {
  readonly store: EventStore;
  readonly db: Kysely<unknown>;
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
  const closings = await closingsBefore(source, month, cutoff);
  const ledger = new SettlementLedger(
    month,
    closings.map((closing) => closing.month),
  );
  const cutoffs = new CutoffMarks(ledger, closings);
  const sales = new SaleKeeper();
  const elderIds = new Set<string>();
  const asRead = async (page: readonly IndexedChange[]) =>
    options.fromStoredEvents ? asStored(source.store, page) : page;
  const carried = await collect(
    canteenMonthsCarriedInto(source, month, closings, cutoff, options.canteenId),
    asRead,
  );
  let last: Position | null = null;
  const take = ({ position, change }: IndexedChange) => {
    // A confirmation of sales of several canteens is indexed once per canteen: taken once.
    if (last !== null && comparePositions(last, position) === 0) return;
    last = position;
    if (!ledger.takes(takenAs(change))) return;
    cutoffs.passTo(position);
    if (change.kind === 'sold') {
      const sale = sales.keep(change.sale);
      if (sale.elderId !== null) elderIds.add(sale.elderId);
      ledger.record({ ...change, sale });
    } else ledger.record(change);
  };
  let next = 0;
  for await (const page of changesOfMonth(source.db, month, cutoff, options.canteenId)) {
    for (const indexed of await asRead(page)) {
      for (; next < carried.length && isBefore(carried[next] as IndexedChange, indexed); next++)
        take(carried[next] as IndexedChange);
      take(indexed);
    }
  }
  for (; next < carried.length; next++) take(carried[next] as IndexedChange);
  const [elders, policies] = await Promise.all([
    elderFactsAt(source.db, [...elderIds], cutoff),
    policiesAt(source.db, cutoff),
  ]);
  return ledger.settle({ policies, elders });
}

function isBefore(a: IndexedChange, b: IndexedChange): boolean {
  return comparePositions(a.position, b.position) < 0;
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
  const closings = await Promise.all(months.map((earlier) => recordedClosing(source.store, earlier, cutoff)));
  return closings.filter((closing) => closing !== null);
}

/**
 * The changes of each canteen-month changed after its month's close by a change carried into `month`
 * (into the first month after it still open when the change was recorded), in recorded order.
 */
async function* canteenMonthsCarriedInto(
  source: SettlementSource,
  month: MonthKey,
  closings: readonly RecordedClosing[],
  cutoff: Position,
  canteenId: string | undefined,
): AsyncGenerator<IndexedChange[]> {
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
  if (previous === undefined) return;
  const windows = closings.map((closing) => ({
    month: closing.month,
    cutoff: comparePositions(previous, closing.cutoff) > 0 ? previous : closing.cutoff,
  }));
  const canteenMonths = new Map<string, { month: MonthKey; canteenId: string }>();
  for (const late of await changedAfterCutoffs(source.db, windows, cutoff)) {
    if (canteenId !== undefined && late.canteenId !== canteenId) continue;
    if (carriedInto(late.month, late.position) === month)
      canteenMonths.set(`${late.month}|${late.canteenId}`, late);
  }
  for (const carried of canteenMonths.values())
    yield* changesOfMonth(source.db, carried.month, cutoff, carried.canteenId);
}

/** Every page read, as `read` makes it, in one list in recorded order. */
async function collect(
  pages: AsyncIterable<IndexedChange[]>,
  read: (page: readonly IndexedChange[]) => Promise<readonly IndexedChange[]>,
): Promise<IndexedChange[]> {
  const all: IndexedChange[] = [];
  for await (const page of pages) all.push(...(await read(page)));
  return all.sort((a, b) => comparePositions(a.position, b.position));
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
    const change = event ? settlementChangeOf(upcastRecorded(event)) : null;
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

/**
 * Only what settlement reads of a sale: a month of sales is held in memory until it is settled. The
 * values that repeat from sale to sale (canteens, dates, elders, the same subsidy lines) are held
 * once, so that what a sale keeps is little more than its id: a million sales of small objects each
 * would be collected over and over while the month is read.
 */
class SaleKeeper {
  private readonly strings = new Map<string, string>();
  private readonly shapes = new Map<string, readonly unknown[]>();

  keep(sale: SettledSale): SettledSale {
    return {
      saleId: sale.saleId,
      canteenId: this.string(sale.canteenId),
      businessDate: this.string(sale.businessDate),
      elderId: sale.elderId === null ? null : this.string(sale.elderId),
      subsidyFen: sale.subsidyFen,
      lines: this.shared(sale.lines),
      excluded: this.shared(sale.excluded),
    };
  }

  private string(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  /** An equal array kept before, or this one (arrays read by settlement are never changed). */
  private shared<T>(values: readonly T[]): readonly T[] {
    if (values.length === 0) return NONE as readonly T[];
    const key = JSON.stringify(values);
    const known = this.shapes.get(key);
    if (known !== undefined) return known as readonly T[];
    this.shapes.set(key, values);
    return values;
  }
}

const NONE: readonly never[] = Object.freeze([]);
