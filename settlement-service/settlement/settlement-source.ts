import type { ElderProfile } from '../../domain/elders/elder.ts';
import { maskName } from '../../domain/identity/national-id.ts';
import type { PolicyDocument } from '../../domain/policy/policy-types.ts';
import type { MealSoldData } from '../../domain/sales/sale.ts';
import { eventLeaf } from '../../domain/settlement/digest.ts';
import { type Cutoff, settlementStream } from '../../domain/settlement/settlement.ts';
import {
  type CanteenEvidence,
  type MonthSettlement,
  nextMonth,
  type SettledSale,
  type SettlementElder,
  SettlementLedger,
} from '../../domain/settlement/settlement-ledger.ts';
import type { AlertEvent } from '../../domain/supervision/alert-lifecycle.ts';
import { type MonthKey, monthKeyOf } from '../../domain/time/calendar.ts';
import type { EventStore, Position, RecordedEvent } from '../../event-store/port.ts';
import { comparePositions, positionFromString, START } from '../../event-store/position.ts';
import { upcastRecorded } from '../../event-store/upcast-recorded.ts';

/**
 * Events per page of the scan; the next one is read during the fold. Pages of 10,000 were cheaper in
 * round trips but dearer in garbage collection: two pages of parsed sales outgrew the young generation
 * and were promoted before they died (a million-meal close: 89 s with 10,000, 54 s with 2,500).
 */
const PAGE = 2_500;

/**
 * The events a settlement is computed from: sales, voids and confirmed supervision alerts, and the
 * facts of elders and policies.
 */
const SETTLEMENT_EVENT_TYPES = [
  'MealSold',
  'SaleVoided',
  'AlertConfirmed',
  'ElderRegistered',
  'ElderProfileChanged',
  'ElderDied',
  'PolicyRegistered',
];

type AlertConfirmedData = Extract<AlertEvent, { type: 'AlertConfirmed' }>['data'];

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

/**
 * 重算: a month's settlement from the events up to a cut-off, with the evidence behind each canteen.
 * The same events and cut-off always give the same figures and digests. With `canteenId`, only that
 * canteen's sales are folded: its figures, digest and evidence are the same as in the whole month.
 */
export async function computeSettlement(
  store: EventStore,
  month: MonthKey,
  cutoff: Position,
  options: { readonly canteenId?: string } = {},
): Promise<{ settlement: MonthSettlement; evidence: CanteenEvidence[] }> {
  const ledger = new SettlementLedger(month, []);
  const recorded = new PositionLog();
  const closings = new EarlierClosings(store, month, cutoff, ledger, recorded);
  const elders = new Map<string, SettlementElder>();
  const policies: PolicyDocument[] = [];
  const sales = new SaleKeeper();
  for await (const event of eventsOfTypes(store, SETTLEMENT_EVENT_TYPES, cutoff)) {
    closings.passTo(event.position);
    switch (event.type) {
      case 'MealSold': {
        const sale = upcastRecorded(event).data as unknown as MealSoldData;
        if (options.canteenId !== undefined && sale.canteenId !== options.canteenId) break;
        const saleMonth = monthKeyOf(sale.businessDate);
        if (saleMonth < month) await closings.learn(saleMonth, event.position);
        if (!ledger.takes({ kind: 'sold', saleId: sale.saleId, businessDate: sale.businessDate })) break;
        recorded.push(event.position);
        ledger.record({
          kind: 'sold',
          sale: sales.keep(sale),
          event: { eventId: event.id, leaf: eventLeaf(event) },
        });
        break;
      }
      case 'SaleVoided': {
        const { saleId, reason } = upcastRecorded(event).data as { saleId: string; reason: string };
        if (!ledger.takes({ kind: 'voided', saleId })) break;
        recorded.push(event.position);
        ledger.record({
          kind: 'voided',
          saleId,
          reason,
          event: { eventId: event.id, leaf: eventLeaf(event) },
        });
        break;
      }
      case 'AlertConfirmed': {
        const { alertId, exclusion } = upcastRecorded(event).data as unknown as AlertConfirmedData;
        if (!ledger.takes({ kind: 'confirmed', saleIds: exclusion.saleIds })) break;
        recorded.push(event.position);
        ledger.record({
          kind: 'confirmed',
          alertId,
          saleIds: exclusion.saleIds,
          reason: exclusion.reason.zh,
          event: { eventId: event.id, leaf: eventLeaf(event) },
        });
        break;
      }
      case 'ElderRegistered':
      case 'ElderProfileChanged': {
        const { elderId, profile } = upcastRecorded(event).data as unknown as {
          elderId: string;
          profile: ElderProfile;
        };
        elders.set(elderId, {
          elderId,
          birthDate: profile.birthDate,
          diedOn: elders.get(elderId)?.diedOn ?? null,
          maskedName: maskName(profile.name),
          maskedIdNumber: profile.idNumber.masked,
        });
        break;
      }
      case 'ElderDied': {
        const { elderId, date } = upcastRecorded(event).data as { elderId: string; date: string };
        const elder = elders.get(elderId);
        if (elder) elders.set(elderId, { ...elder, diedOn: date });
        break;
      }
      case 'PolicyRegistered':
        policies.push((upcastRecorded(event).data as unknown as { policy: PolicyDocument }).policy);
        break;
    }
  }
  return ledger.settle({ policies, elders });
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

  keep(sale: MealSoldData): SettledSale {
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

/**
 * The months closed before the cut-off, learnt as the scan meets their sales (a closed month without
 * sales in the store changes nothing unless a later month's adjustments pass through it, and those
 * months are learnt together with the earliest month that has sales). Each closing's cut-off is marked
 * in the ledger where the scan passes it, or, for one learnt after that, by counting the changes
 * recorded up to it.
 */
class EarlierClosings {
  private readonly known = new Set<MonthKey>();
  /** Learnt closings whose cut-off the scan has not passed yet, by cut-off. */
  private pending: RecordedClosing[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly month: MonthKey,
    private readonly upTo: Position,
    private readonly ledger: SettlementLedger,
    private readonly recorded: PositionLog,
  ) {}

  /** Looks up `earlier` and every month after it up to the settled one, before the event at `at` is taken. */
  async learn(earlier: MonthKey, at: Position): Promise<void> {
    if (this.known.has(earlier)) return;
    const months: MonthKey[] = [];
    for (let month = earlier; month < this.month; month = nextMonth(month)) {
      if (!this.known.has(month)) months.push(month);
      this.known.add(month);
    }
    const closings = await Promise.all(months.map((month) => recordedClosing(this.store, month, this.upTo)));
    for (const closing of closings) {
      if (closing === null) continue;
      if (comparePositions(closing.cutoff, at) < 0) {
        this.ledger.addClosedEarlier(closing.month, this.recorded.countUpTo(closing.cutoff));
      } else {
        this.ledger.addClosedEarlier(closing.month);
        this.pending.push(closing);
      }
    }
    this.pending.sort((a, b) => comparePositions(a.cutoff, b.cutoff));
  }

  /** Marks the cut-offs before the event at `at`: the changes recorded so far were before them. */
  passTo(at: Position): void {
    while (this.pending.length > 0 && comparePositions((this.pending[0] as RecordedClosing).cutoff, at) < 0) {
      this.ledger.cutOff((this.pending.shift() as RecordedClosing).month);
    }
  }
}

/** The positions of the changes the ledger recorded, in order, held compactly. */
class PositionLog {
  private commits = new BigUint64Array(1024);
  private prepares = new BigUint64Array(1024);
  private length = 0;

  push(position: Position): void {
    if (this.length === this.commits.length) {
      const commits = new BigUint64Array(this.length * 2);
      const prepares = new BigUint64Array(this.length * 2);
      commits.set(this.commits);
      prepares.set(this.prepares);
      this.commits = commits;
      this.prepares = prepares;
    }
    this.commits[this.length] = position.commit;
    this.prepares[this.length] = position.prepare;
    this.length += 1;
  }

  /** How many positions are at or before `position`. */
  countUpTo(position: Position): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const at = { commit: this.commits[middle] as bigint, prepare: this.prepares[middle] as bigint };
      if (comparePositions(at, position) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** The events of the given types in recorded order, up to `upTo`. */
async function* eventsOfTypes(
  store: EventStore,
  eventTypes: readonly string[],
  upTo: Position,
): AsyncGenerator<RecordedEvent> {
  const read = (from: Position) => {
    const page = store.readAllOfTypes({ fromPosition: from, limit: PAGE, eventTypes });
    // A page read ahead is dropped unread when the scan stops early: its failure then matters to no one.
    page.catch(() => undefined);
    return page;
  };
  let next = read(START);
  for (;;) {
    const page = await next;
    const more =
      page.lastPosition !== null && page.read >= PAGE && comparePositions(page.lastPosition, upTo) < 0;
    // The next page is read while this one is folded: the database and the fold use different cores.
    if (more && page.lastPosition !== null) next = read(page.lastPosition);
    for (const event of page.events) {
      if (comparePositions(event.position, upTo) > 0) return;
      yield event;
    }
    if (!more) return;
  }
}
