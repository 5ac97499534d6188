import type { Alert } from '../domain/supervision/alert.ts';
import { instantOnDate } from '../domain/supervision/checks/check.ts';
import type { SupervisedSale, SupervisionFact } from '../domain/supervision/facts.ts';
import { DEFAULT_SUPERVISION_SETTINGS } from '../domain/supervision/settings.ts';
import { applySupervisionFact, initialSupervisionState } from '../domain/supervision/supervision.ts';
import { addDays, type BusinessDate } from '../domain/time/calendar.ts';
import { businessDateOf, type EpochMs, localTimeOfDay } from '../domain/time/shanghai-time.ts';
import { perSecond } from './measure.ts';

/** The size of a generated month. */
export interface CityMonthOptions {
  readonly canteens: number;
  readonly cards: number;
  /** Sales in the month (about; drawn per elder and day). */
  readonly sales: number;
  readonly seed: number;
}

export interface SupervisionBenchOptions extends CityMonthOptions {
  readonly log: (line: string) => void;
}

/** mulberry32, as the scenario uses: deterministic traffic from a seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An id as long as the UUIDs the services record, so that the state's size is realistic. */
const uuid = (prefix: number, n: number) =>
  `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const MONTH_DAYS = 31;
const FIRST_DAY: BusinessDate = '2026-10-01';
/** The month generated, as `MonthClosed` names it. */
export const CITY_MONTH = '2026-10';

/**
 * A city's month as facts, one day at a time in recorded order: canteens spread over a 30 km square
 * (one in ten closed on Sundays), elders registered at their home canteen with a card, lunch and
 * dinner at random times in the periods (one in twenty elsewhere than at home), guests, a void in a
 * hundred, one sale in fifty sent by an offline counter one to three days late, a few deaths (some
 * recorded a fortnight late) and lost cards. Every fact's event id is a UUID, so the facts can be
 * recorded as events (bench/supervision-projection.ts does).
 */
export function* cityMonth(options: CityMonthOptions): Generator<{ day: number; facts: SupervisionFact[] }> {
  const random = generator(options.seed);
  const setup: SupervisionFact[] = [];
  const canteenIds = Array.from(
    { length: options.canteens },
    (_, n) => `canteen-${String(n).padStart(4, '0')}`,
  );
  canteenIds.forEach((canteenId, n) => {
    setup.push({
      type: 'canteen',
      canteen: {
        canteenId,
        name: `canteen ${n}`,
        eventId: uuid(1, n),
        effectiveFrom: null,
        district: `district-${n % 12}`,
        town: `town-${n}`,
        location: { lat: 39.0 + random() * 0.27, lng: 117.05 + random() * 0.35 },
        periods: { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } },
        schedule: { closedWeekdays: n % 10 === 0 ? [7] : [], closedDates: [] },
      },
    });
  });
  const elders = Array.from({ length: options.cards }, (_, n) => ({
    elderId: uuid(2, n),
    cardUid: `CARD${String(n).padStart(8, '0')}`,
    home: n % options.canteens,
  }));
  for (const [n, elder] of elders.entries()) {
    setup.push({
      type: 'elder',
      elder: {
        elderId: elder.elderId,
        eventId: uuid(3, n),
        effectiveFrom: null,
        district: `district-${elder.home % 12}`,
        town: `town-${elder.home}`,
      },
    });
    setup.push({
      type: 'card-assigned',
      cardUid: elder.cardUid,
      elderId: elder.elderId,
      from: null,
      eventId: uuid(4, n),
    });
  }
  yield { day: 0, facts: setup };

  // Meals per elder and day, split 3 : 1 between lunch and dinner.
  const perElderDay = options.sales / MONTH_DAYS / options.cards / 1.1;
  let saleCounter = 0;
  let otherCounter = 0;
  const late = new Map<number, SupervisionFact[]>();
  for (let day = 1; day <= MONTH_DAYS; day += 1) {
    const date = addDays(FIRST_DAY, day - 1);
    const sunday = (day + 3) % 7 === 0; // 2026-10-04 is a Sunday
    const sold: { at: EpochMs; fact: SupervisionFact; delay: number }[] = [];
    const sell = (canteen: number, cardUid: string | null, elderId: string | null, at: EpochMs) => {
      saleCounter += 1;
      const saleId = uuid(5, saleCounter);
      const offline = random() < 0.02;
      const sale: SupervisedSale = {
        saleId,
        eventId: uuid(6, saleCounter),
        canteenId: canteenIds[canteen] as string,
        terminalId: `t-${canteen}-${saleCounter % 2}`,
        cashierId: `cashier-${canteen}-${saleCounter % 2}`,
        occurredAt: at,
        businessDate: businessDateOf(at),
        localTime: localTimeOfDay(at),
        period: null,
        cardUid,
        elderId,
        appliedSubsidyFen: (elderId ? 300 : 0) as SupervisedSale['appliedSubsidyFen'],
        reimbursableFen: (elderId ? 300 : 0) as SupervisedSale['reimbursableFen'],
        overCapFen: 0 as SupervisedSale['overCapFen'],
        mismatchFen: 0 as SupervisedSale['mismatchFen'],
        offline,
        decidedCardRetired: false,
        decidedElderDeceased: false,
      };
      sold.push({ at, fact: { type: 'sale', sale }, delay: offline ? 1 + Math.floor(random() * 3) : 0 });
      if (random() < 0.01) {
        const voidedAt = at + 60_000 + Math.floor(random() * 240_000);
        otherCounter += 1;
        sold.push({
          at: voidedAt,
          delay: 0,
          fact: {
            type: 'void',
            void: {
              saleId,
              eventId: uuid(7, otherCounter),
              saleEventId: sale.eventId,
              canteenId: sale.canteenId,
              terminalId: sale.terminalId,
              cashierId: sale.cashierId,
              elderId: sale.elderId,
              businessDate: sale.businessDate,
              saleOccurredAt: at,
              voidedAt,
              reason: '点错菜品',
              reimbursableFen: sale.reimbursableFen,
            },
          },
        });
      }
    };
    // Whole milliseconds, as recorded instants are.
    const periodAt = (from: number, to: number) =>
      Math.round(instantOnDate(date, from + random() * (to - from))) as EpochMs;
    for (const elder of elders) {
      for (const [chance, from, to] of [
        [perElderDay * 0.75, 11 * 60, 13 * 60 + 20],
        [perElderDay * 0.25, 17 * 60, 18 * 60 + 50],
      ] as const) {
        if (random() >= chance) continue;
        let canteen = random() < 0.05 ? Math.floor(random() * options.canteens) : elder.home;
        if (sunday && canteen % 10 === 0) canteen = (canteen + 1) % options.canteens;
        sell(canteen, elder.cardUid, elder.elderId, periodAt(from, to));
      }
    }
    const guests = Math.round((options.sales * 0.1) / MONTH_DAYS);
    for (let n = 0; n < guests; n += 1) {
      const canteen = Math.floor(random() * options.canteens);
      if (sunday && canteen % 10 === 0) continue;
      sell(canteen, null, null, random() < 0.75 ? periodAt(660, 800) : periodAt(1020, 1130));
    }
    const facts: SupervisionFact[] = [];
    // Deaths and lost cards of the day, recorded in the morning.
    for (let n = 0; n < 2; n += 1) {
      const elder = elders[Math.floor(random() * elders.length)] as (typeof elders)[number];
      otherCounter += 1;
      const recordedLate = random() < 0.5 ? 14 : 0;
      const death: SupervisionFact = {
        type: 'death',
        elderId: elder.elderId,
        date: addDays(date, -recordedLate),
        eventId: uuid(8, otherCounter),
      };
      if (recordedLate === 0 || day > recordedLate) facts.push(death);
      const lost = elders[Math.floor(random() * elders.length)] as (typeof elders)[number];
      facts.push({
        type: 'card-retired',
        cardUid: lost.cardUid,
        elderId: lost.elderId,
        at: instantOnDate(date, 9 * 60),
        eventId: uuid(9, otherCounter),
      });
    }
    facts.push(...(late.get(day) ?? []));
    late.delete(day);
    sold.sort((a, b) => a.at - b.at);
    for (const entry of sold) {
      if (entry.delay === 0) facts.push(entry.fact);
      else late.set(day + entry.delay, [...(late.get(day + entry.delay) ?? []), entry.fact]);
    }
    if (day === MONTH_DAYS) {
      for (const [, facts2] of [...late.entries()].sort(([a], [b]) => a - b)) facts.push(...facts2);
      facts.push({ type: 'day-ended', businessDate: date });
    }
    yield { day, facts };
  }
}

/** Folds a city's month of facts through every check and prints rate, time, state size and heap. */
export function benchSupervision(options: SupervisionBenchOptions): string {
  let state = structuredClone(initialSupervisionState);
  let facts = 0;
  let sales = 0;
  let folding = 0;
  const alerts = new Map<string, Alert>();
  const sizes: { day: number; bytes: number }[] = [];
  const started = performance.now();
  for (const batch of cityMonth(options)) {
    const from = performance.now();
    for (const fact of batch.facts) {
      const step = applySupervisionFact(state, fact, DEFAULT_SUPERVISION_SETTINGS);
      state = step.state;
      for (const alert of step.alerts) alerts.set(alert.alertId, alert);
    }
    folding += performance.now() - from;
    facts += batch.facts.length;
    sales += batch.facts.filter((fact) => fact.type === 'sale').length;
    if (batch.day % 10 === 0 || batch.day === MONTH_DAYS) {
      sizes.push({ day: batch.day, bytes: JSON.stringify(state).length });
      options.log(
        `supervision: day ${batch.day}, ${facts.toLocaleString('en-US')} facts, ${(folding / 1000).toFixed(1)} s folding`,
      );
    }
  }
  const heap = process.memoryUsage().heapUsed;
  const parts = Object.entries(state)
    .map(([name, part]) => [name, JSON.stringify(part).length] as const)
    .sort((a, b) => b[1] - a[1]);
  const total = (performance.now() - started) / 1000;
  const byKind = new Map<string, number>();
  for (const alert of alerts.values()) byKind.set(alert.kind, (byKind.get(alert.kind) ?? 0) + 1);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  const rows = [
    [
      'canteens, cards',
      `${options.canteens.toLocaleString('en-US')}, ${options.cards.toLocaleString('en-US')}`,
    ],
    ['facts (sales)', `${facts.toLocaleString('en-US')} (${sales.toLocaleString('en-US')})`],
    ['fold rate', perSecond(facts / (folding / 1000))],
    ['fold time (generation and JSON sizes excluded)', `${(folding / 1000).toFixed(1)} s`],
    ['run time in all', `${total.toFixed(1)} s`],
    ...sizes.map((size) => [`JSON state after day ${size.day}`, mb(size.bytes)]),
    [
      'its largest parts',
      parts
        .slice(0, 4)
        .map(([name, bytes]) => `${name} ${mb(bytes)}`)
        .join(', '),
    ],
    ['heap used at the end', mb(heap)],
    ['alerts', [...byKind].map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none'],
  ];
  return [
    '| measure | value |',
    '| --- | --- |',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
  ].join('\n');
}
