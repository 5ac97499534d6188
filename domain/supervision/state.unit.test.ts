import { describe, expect, it } from 'vitest';
import { fen } from '../money.ts';
import { addDays, type BusinessDate } from '../time/calendar.ts';
import { businessDateOf, localTimeOfDay } from '../time/shanghai-time.ts';
import type { Alert } from './alert.ts';
import { instantOnDate } from './checks/check.ts';
import { ALWAYS_OPEN, type SupervisedSale, type SupervisionFact } from './facts.ts';
import { DEFAULT_SUPERVISION_SETTINGS } from './settings.ts';
import {
  applySupervisionFact,
  initialSupervisionState,
  newSupervisionState,
  type SupervisionState,
  superviseAll,
} from './supervision.ts';
import { generateScenario } from './testing/scenario.ts';

const settings = DEFAULT_SUPERVISION_SETTINGS;

function fold(state: SupervisionState, facts: readonly SupervisionFact[], alerts: Map<string, Alert>) {
  for (const fact of facts) {
    for (const alert of applySupervisionFact(state, fact, settings).alerts) {
      if (!alerts.has(alert.alertId)) alerts.set(alert.alertId, alert);
    }
  }
}

function canteen(canteenId: string, lng: number): SupervisionFact {
  return {
    type: 'canteen',
    canteen: {
      canteenId,
      name: `${canteenId}食堂`,
      eventId: `ev-${canteenId}`,
      effectiveFrom: null,
      district: '和平区',
      town: '南营门街道',
      location: { lat: 39.1, lng },
      periods: { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } },
      schedule: ALWAYS_OPEN,
    },
  };
}

let counter = 0;
function sale(canteenId: string, cardUid: string, date: BusinessDate, minutes: number): SupervisionFact {
  counter += 1;
  const occurredAt = instantOnDate(date, minutes);
  const saleId = `sale-${String(counter).padStart(8, '0')}`;
  const sold: SupervisedSale = {
    saleId,
    eventId: `ev-${saleId}`,
    canteenId,
    terminalId: `${canteenId}-t1`,
    cashierId: `${canteenId}-c1`,
    occurredAt,
    businessDate: businessDateOf(occurredAt),
    localTime: localTimeOfDay(occurredAt),
    period: 'lunch',
    cardUid,
    elderId: `elder-${cardUid}`,
    appliedSubsidyFen: fen(300),
    reimbursableFen: fen(300),
    overCapFen: fen(0),
    mismatchFen: fen(0),
    offline: false,
    decidedCardRetired: false,
    decidedElderDeceased: false,
  };
  return { type: 'sale', sale: sold };
}

const DAY1 = '2026-10-01';
/** Canteen `far` is 40 km east of `near`. */
const canteens = [canteen('near', 117.2), canteen('far', 117.2 + 40 / 86.4)];
/** Other cards eating at `near` on the days after `DAY1`, which moves the latest business date on. */
const daysLater = (days: number) =>
  Array.from({ length: days }, (_, n) => sale('near', `OTHER${n}`, addDays(DAY1, n + 1), 12 * 60));

describe('the state of the checks', () => {
  it('is consumed by applySupervisionFact; the frozen initial state is refused', () => {
    const state = newSupervisionState();
    expect(applySupervisionFact(state, canteens[0] as SupervisionFact, settings).state).toBe(state);
    expect(() =>
      applySupervisionFact(initialSupervisionState, canteens[0] as SupervisionFact, settings),
    ).toThrow(TypeError);
    expect(initialSupervisionState).toEqual(newSupervisionState());
  });

  it('is plain JSON: a month folded halfway, written, read and resumed raises the same alerts', () => {
    const { facts } = generateScenario(1);
    const whole = superviseAll(facts, settings);
    const half = Math.floor(facts.length / 2);
    const alerts = new Map<string, Alert>();
    const first = newSupervisionState();
    fold(first, facts.slice(0, half), alerts);
    const text = JSON.stringify(first);
    const resumed = JSON.parse(text) as SupervisionState;
    expect(resumed).toEqual(first);
    fold(resumed, facts.slice(half), alerts);
    expect([...alerts.values()]).toEqual(whole);
    expect(whole.length).toBeGreaterThan(40);
  });

  it('still pairs a tap that arrives late within lateArrivalDays, and forgets taps beyond it', () => {
    const lunch = sale('near', 'CARD1', DAY1, 12 * 60);
    const lateTap = () => sale('far', 'CARD1', DAY1, 12 * 60 + 10);
    const within = superviseAll([...canteens, lunch, ...daysLater(7), lateTap()], settings);
    const travel = (alerts: readonly Alert[]) => alerts.filter((alert) => alert.kind === 'impossible-travel');
    expect(travel(within)).toHaveLength(1);
    // Nine days on, DAY1's taps are out of the horizon (seven days and the twelve-hour window).
    const beyond = superviseAll([...canteens, lunch, ...daysLater(9), lateTap()], settings);
    expect(travel(beyond)).toEqual([]);
  });

  it('matches a death recorded a fortnight late with the meals since', () => {
    const meals = [1, 2, 3].map((n) => sale('near', 'CARD1', addDays(DAY1, n), 12 * 60));
    const death: SupervisionFact = { type: 'death', elderId: 'elder-CARD1', date: DAY1, eventId: 'death1' };
    const alerts = superviseAll([...canteens, ...meals, ...daysLater(17), death], settings);
    expect(alerts.filter((alert) => alert.kind === 'after-death')).toHaveLength(3);
  });

  it('stays the same size over a long run of steady traffic', () => {
    const cards = Array.from({ length: 60 }, (_, n) => `CARD${String(n).padStart(3, '0')}`);
    const dayOf = (n: number) =>
      cards.flatMap((cardUid, index) => [
        sale(index % 2 ? 'near' : 'far', cardUid, addDays(DAY1, n), 11 * 60 + index),
        ...(index % 3 ? [] : [sale(index % 2 ? 'near' : 'far', cardUid, addDays(DAY1, n), 17 * 60 + index)]),
      ]);
    const state = newSupervisionState();
    const alerts = new Map<string, Alert>();
    fold(state, canteens, alerts);
    const sizes = new Map<number, number>();
    for (let n = 0; n < 80; n += 1) {
      fold(state, dayOf(n), alerts);
      if (n === 39 || n === 79) sizes.set(n + 1, JSON.stringify(state).length);
    }
    const [after40, after80] = [sizes.get(40) ?? 0, sizes.get(80) ?? 0];
    expect(after40).toBeGreaterThan(10_000);
    expect(Math.abs(after80 - after40) / after40).toBeLessThan(0.02);
  });
});
