import type { ElderProfile } from '../../domain/elders/elder.ts';
import { maskName } from '../../domain/identity/national-id.ts';
import type { PolicyDocument } from '../../domain/policy/policy-types.ts';
import type { MealSoldData } from '../../domain/sales/sale.ts';
import { eventLeaf } from '../../domain/settlement/digest.ts';
import type { Cutoff } from '../../domain/settlement/settlement.ts';
import {
  type CanteenEvidence,
  type MonthSettlement,
  type SettlementElder,
  SettlementLedger,
} from '../../domain/settlement/settlement-ledger.ts';
import type { MonthKey } from '../../domain/time/calendar.ts';
import type { EventStore, Position, RecordedEvent } from '../../event-store/port.ts';
import { comparePositions, positionFromString, START } from '../../event-store/position.ts';
import { upcastRecorded } from '../../event-store/upcast-recorded.ts';

const PAGE = 5000;

/** The events a settlement is computed from: sales and voids, and the facts of elders and policies. */
const SETTLEMENT_EVENT_TYPES = [
  'MealSold',
  'SaleVoided',
  'ElderRegistered',
  'ElderProfileChanged',
  'ElderDied',
  'PolicyRegistered',
];

/** A month's closing as recorded: its cut-off and where the closing itself stands in the store. */
export interface RecordedClosing {
  readonly month: MonthKey;
  readonly cutoff: Position;
  readonly recordedAt: Position;
}

/** Every month closed so far, in the order they were closed. */
export async function recordedClosings(store: EventStore): Promise<RecordedClosing[]> {
  const closings: RecordedClosing[] = [];
  for await (const event of eventsOfTypes(store, ['MonthClosed'], null)) {
    const data = event.data as unknown as { month: MonthKey; cutoff: Cutoff };
    closings.push({
      month: data.month,
      cutoff: positionFromString(data.cutoff.position),
      recordedAt: event.position,
    });
  }
  return closings;
}

/**
 * 重算: a month's settlement from the events up to a cut-off, with the evidence behind each canteen.
 * The same events and cut-off always give the same figures and digests.
 */
export async function computeSettlement(
  store: EventStore,
  month: MonthKey,
  cutoff: Position,
): Promise<{ settlement: MonthSettlement; evidence: CanteenEvidence[] }> {
  const closedEarlier = (await recordedClosings(store))
    .filter((closing) => closing.month !== month && comparePositions(closing.recordedAt, cutoff) <= 0)
    .sort((a, b) => comparePositions(a.cutoff, b.cutoff));
  const ledger = new SettlementLedger(
    month,
    closedEarlier.map((closing) => closing.month),
  );
  const elders = new Map<string, SettlementElder>();
  const policies: PolicyDocument[] = [];
  let nextClosing = 0;
  for await (const event of eventsOfTypes(store, SETTLEMENT_EVENT_TYPES, cutoff)) {
    for (; nextClosing < closedEarlier.length; nextClosing += 1) {
      const closing = closedEarlier[nextClosing] as RecordedClosing;
      if (comparePositions(closing.cutoff, event.position) >= 0) break;
      ledger.cutOff(closing.month);
    }
    const current = upcastRecorded(event);
    switch (event.type) {
      case 'MealSold': {
        const sale = current.data as unknown as MealSoldData;
        ledger.record({ kind: 'sold', sale, event: { eventId: event.id, leaf: eventLeaf(event) } });
        break;
      }
      case 'SaleVoided': {
        const { saleId, reason } = current.data as { saleId: string; reason: string };
        ledger.record({
          kind: 'voided',
          saleId,
          reason,
          event: { eventId: event.id, leaf: eventLeaf(event) },
        });
        break;
      }
      case 'ElderRegistered':
      case 'ElderProfileChanged': {
        const { elderId, profile } = current.data as unknown as { elderId: string; profile: ElderProfile };
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
        const { elderId, date } = current.data as { elderId: string; date: string };
        const elder = elders.get(elderId);
        if (elder) elders.set(elderId, { ...elder, diedOn: date });
        break;
      }
      case 'PolicyRegistered':
        policies.push((current.data as unknown as { policy: PolicyDocument }).policy);
        break;
    }
  }
  return ledger.settle({ policies, elders });
}

/** The events of the given types in recorded order, up to `upTo` (everything when null). */
async function* eventsOfTypes(
  store: EventStore,
  eventTypes: readonly string[],
  upTo: Position | null,
): AsyncGenerator<RecordedEvent> {
  let from = START;
  for (;;) {
    const page = await store.readAllOfTypes({ fromPosition: from, limit: PAGE, eventTypes });
    for (const event of page.events) {
      if (upTo !== null && comparePositions(event.position, upTo) > 0) return;
      yield event;
    }
    if (page.lastPosition === null || page.read < PAGE) return;
    if (upTo !== null && comparePositions(page.lastPosition, upTo) >= 0) return;
    from = page.lastPosition;
  }
}
