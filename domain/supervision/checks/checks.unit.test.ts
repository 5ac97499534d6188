import { describe, expect, it } from 'vitest';
import { fen } from '../../money.ts';
import { businessDateOf, localTimeOfDay } from '../../time/shanghai-time.ts';
import type { Alert } from '../alert.ts';
import { ALWAYS_OPEN, type GeoPoint, type SupervisedSale, type SupervisionFact } from '../facts.ts';
import {
  DEFAULT_SUPERVISION_SETTINGS,
  parseSupervisionSettings,
  type SupervisionSettingsInput,
} from '../settings.ts';
import { afterDeath } from './after-death.ts';
import { areaExcess } from './area-excess.ts';
import { type Check, instantOnDate, minutesOf } from './check.ts';
import { impossibleTravel } from './impossible-travel.ts';
import { offlineOverCap } from './offline-over-cap.ts';
import { openingHours } from './opening-hours.ts';
import { rapidTapping } from './rapid-tapping.ts';
import { regularCounts } from './regular-counts.ts';
import { retiredCard } from './retired-card.ts';
import { voidAfterClose } from './void-after-close.ts';
import { voidRate } from './void-rate.ts';
import { voidRatePeers } from './void-rate-peers.ts';

const DATE = '2026-10-08';
const at = (time: string, seconds = 0, date = DATE) => instantOnDate(date, minutesOf(time)) + seconds * 1000;

let counter = 0;
function sale(fields: Partial<SupervisedSale> & { occurredAt?: number } = {}): SupervisionFact {
  counter += 1;
  const occurredAt = fields.occurredAt ?? at('12:00');
  return {
    type: 'sale',
    sale: {
      saleId: `s${counter}`,
      eventId: `e${counter}`,
      canteenId: 'a',
      terminalId: 'a-t1',
      cashierId: 'a-c1',
      businessDate: businessDateOf(occurredAt),
      localTime: localTimeOfDay(occurredAt),
      period: 'lunch',
      cardUid: 'CARD1',
      elderId: 'elder1',
      appliedSubsidyFen: fen(300),
      reimbursableFen: fen(300),
      overCapFen: fen(0),
      mismatchFen: fen(0),
      offline: false,
      decidedCardRetired: false,
      decidedElderDeceased: false,
      ...fields,
      occurredAt,
    },
  };
}

function canteen(
  canteenId: string,
  fields: { location?: GeoPoint | null; closedWeekdays?: number[]; town?: string } = {},
): SupervisionFact {
  return {
    type: 'canteen',
    canteen: {
      canteenId,
      name: `${canteenId}食堂`,
      eventId: `canteen-${canteenId}`,
      effectiveFrom: null,
      district: '和平区',
      town: fields.town ?? '南营门街道',
      location: fields.location === undefined ? { lat: 39.1, lng: 117.2 } : fields.location,
      periods: { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } },
      schedule: { ...ALWAYS_OPEN, closedWeekdays: fields.closedWeekdays ?? [] },
    },
  };
}

function voidOf(fact: SupervisionFact, voidedAt: number): SupervisionFact {
  if (fact.type !== 'sale') throw new Error('not a sale');
  const {
    saleId,
    eventId,
    canteenId,
    terminalId,
    cashierId,
    elderId,
    businessDate,
    occurredAt,
    reimbursableFen,
  } = fact.sale;
  return {
    type: 'void',
    void: {
      saleId,
      eventId: `void-${saleId}`,
      saleEventId: eventId,
      canteenId,
      terminalId,
      cashierId,
      elderId,
      businessDate,
      saleOccurredAt: occurredAt,
      voidedAt,
      reason: '退餐',
      reimbursableFen,
    },
  };
}

function settingsWith(input: SupervisionSettingsInput) {
  const parsed = parseSupervisionSettings(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.settings;
}

function run<State>(
  check: Check<State>,
  facts: readonly SupervisionFact[],
  settings = DEFAULT_SUPERVISION_SETTINGS,
) {
  let state = structuredClone(check.initialState);
  const alerts: Alert[] = [];
  for (const fact of facts) {
    const step = check.apply(state, fact, settings);
    state = step.state;
    alerts.push(...step.alerts);
  }
  return alerts;
}

/** 1 km east at this latitude, in degrees of longitude. */
const KM_EAST = 1 / (111.32 * Math.cos((39.1 * Math.PI) / 180));

describe('impossible travel', () => {
  const far = canteen('b', { location: { lat: 39.1, lng: 117.2 + 30 * KM_EAST } });
  it('raises two taps 30 km apart 29 minutes apart (62 km/h) and not 31 minutes apart (58 km/h)', () => {
    const fast = run(impossibleTravel, [
      canteen('a'),
      far,
      sale(),
      sale({ canteenId: 'b', occurredAt: at('12:29') }),
    ]);
    expect(fast).toHaveLength(1);
    expect(fast[0]?.explanation.zh).toContain('相距 30.0 公里，间隔 29 分钟');
    expect(fast[0]?.severity).toBe('medium');
    const slow = run(impossibleTravel, [
      canteen('a'),
      far,
      sale(),
      sale({ canteenId: 'b', occurredAt: at('12:31') }),
    ]);
    expect(slow).toEqual([]);
  });

  it('gives the same alert whichever tap arrives first', () => {
    const first = sale();
    const second = sale({ canteenId: 'b', occurredAt: at('12:05') });
    const forward = run(impossibleTravel, [canteen('a'), far, first, second]);
    const backward = run(impossibleTravel, [canteen('a'), far, second, first]);
    expect(backward).toEqual(forward);
    expect(forward[0]?.severity).toBe('high');
    expect(forward[0]?.saleIds).toHaveLength(2);
  });

  it('leaves neighbouring canteens, canteens without location and taps beyond the window alone', () => {
    const near = canteen('n', { location: { lat: 39.1, lng: 117.2 + 2.9 * KM_EAST } });
    expect(
      run(impossibleTravel, [canteen('a'), near, sale(), sale({ canteenId: 'n', occurredAt: at('12:00') })]),
    ).toEqual([]);
    const unknown = canteen('u', { location: null });
    expect(run(impossibleTravel, [canteen('a'), unknown, sale(), sale({ canteenId: 'u' })])).toEqual([]);
    const windowed = settingsWith({ impossibleTravel: { windowHours: 0.25 } });
    const late = sale({ canteenId: 'b', occurredAt: at('12:20') });
    expect(run(impossibleTravel, [canteen('a'), far, sale(), late], windowed)).toEqual([]);
  });
});

describe('after death', () => {
  const death: SupervisionFact = { type: 'death', elderId: 'elder1', date: '2026-10-07', eventId: 'death1' };
  it('raises meals after the day of death, not on it, whichever is recorded first', () => {
    const onTheDay = sale({ occurredAt: at('12:00', 0, '2026-10-07') });
    const nextDay = sale({ occurredAt: at('12:00', 0, '2026-10-08') });
    const deathFirst = run(afterDeath, [death, onTheDay, nextDay]);
    const deathLast = run(afterDeath, [onTheDay, nextDay, death]);
    expect(deathFirst).toHaveLength(1);
    expect(deathLast).toEqual(deathFirst);
    expect(deathFirst[0]?.severity).toBe('high');
    expect(deathFirst[0]?.eventIds).toContain('death1');
    expect(deathFirst[0]?.explanation.zh).toContain('1 天后');
  });

  it('is medium when no subsidy would be reimbursed', () => {
    const unpaid = sale({ reimbursableFen: fen(0), appliedSubsidyFen: fen(300), offline: true });
    expect(run(afterDeath, [death, unpaid])[0]?.severity).toBe('medium');
  });
});

describe('retired card', () => {
  const retired: SupervisionFact = {
    type: 'card-retired',
    cardUid: 'CARD1',
    elderId: 'elder1',
    at: at('10:00'),
    eventId: 'retire1',
  };
  it('raises a tap at or after the retirement, not before', () => {
    const before = sale({ occurredAt: at('09:59') });
    const atRetirement = sale({
      occurredAt: at('10:00'),
      reimbursableFen: fen(0),
      appliedSubsidyFen: fen(0),
    });
    const alerts = run(retiredCard, [before, retired, atRetirement]);
    expect(alerts.map((alert) => alert.saleIds)).toEqual([
      [(atRetirement as { sale: SupervisedSale }).sale.saleId],
    ]);
    expect(alerts[0]?.severity).toBe('low');
  });

  it('leaves the card alone once it is assigned again', () => {
    const reassigned: SupervisionFact = {
      type: 'card-assigned',
      cardUid: 'CARD1',
      elderId: 'elder2',
      from: at('11:00'),
      eventId: 'assign2',
    };
    const alerts = run(retiredCard, [
      retired,
      reassigned,
      sale({ occurredAt: at('10:30') }),
      sale({ occurredAt: at('11:30') }),
    ]);
    expect(alerts).toHaveLength(1);
  });
});

describe('opening hours and closed days', () => {
  it('allows the grace after a period and raises a minute beyond it', () => {
    expect(run(openingHours, [canteen('a'), sale({ occurredAt: at('13:44') })])).toEqual([]);
    const beyond = run(openingHours, [canteen('a'), sale({ occurredAt: at('13:45'), period: null })]);
    expect(beyond).toMatchObject([{ kind: 'outside-hours', figures: { minutesOutside: 16 } }]);
    expect(run(openingHours, [canteen('a'), sale({ occurredAt: at('10:45') })])).toEqual([]);
    expect(run(openingHours, [canteen('a'), sale({ occurredAt: at('10:44') })])).toHaveLength(1);
  });

  it('leaves guest sales alone and falls back to the recorded period for an unknown canteen', () => {
    expect(run(openingHours, [canteen('a'), sale({ occurredAt: at('15:00'), cardUid: null })])).toEqual([]);
    expect(run(openingHours, [sale({ canteenId: 'x', period: null })])).toHaveLength(1);
    expect(run(openingHours, [sale({ canteenId: 'x', period: 'lunch' })])).toEqual([]);
  });

  it('raises a card meal on a closed weekday (2026-10-08 is a Thursday)', () => {
    const alerts = run(openingHours, [canteen('a', { closedWeekdays: [4] }), sale()]);
    expect(alerts).toMatchObject([{ kind: 'closed-day', severity: 'high' }]);
    expect(alerts[0]?.explanation.zh).toContain('星期四');
    expect(run(openingHours, [canteen('a', { closedWeekdays: [5] }), sale()])).toEqual([]);
  });
});

describe('regular daily counts', () => {
  const settings = settingsWith({
    regularCounts: { windowDays: 4, maxCoefficientOfVariation: 0.05, minMeanCount: 10 },
  });
  const month = (counts: number[]) =>
    counts.flatMap((count, index) => {
      const date = `2026-10-${String(index + 1).padStart(2, '0')}`;
      return Array.from({ length: count }, (_, n) =>
        sale({ occurredAt: at('12:00', n, date), elderId: `e${n}` }),
      );
    });
  const ended: SupervisionFact = { type: 'day-ended', businessDate: '2026-10-31' };

  it('raises once a window of days varies less than the threshold', () => {
    // 20, 20, 21, 20: mean 20.25, sd 0.433, cv 0.021
    const alerts = run(regularCounts, [...month([20, 20, 21, 20, 20, 20]), ended], settings);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      businessDate: '2026-10-04',
      figures: { days: 4, minCount: 20, maxCount: 21 },
    });
    expect(alerts[0]?.saleIds).toHaveLength(81);
  });

  it('leaves counts varying a little more than the threshold alone', () => {
    // 20, 22, 20, 22: cv 0.048 raises; 20, 23, 20, 23: cv 0.070 does not
    expect(run(regularCounts, [...month([20, 22, 20, 22]), ended], settings)).toHaveLength(1);
    expect(run(regularCounts, [...month([20, 23, 20, 23]), ended], settings)).toEqual([]);
  });

  it('does not judge small canteens or a window not yet ended', () => {
    expect(run(regularCounts, [...month([9, 9, 9, 9]), ended], settings)).toEqual([]);
    expect(run(regularCounts, month([20, 20, 20, 20]), settings)).toEqual([]);
  });

  it('says it counted the subsidised meals when they are the regular series', () => {
    const alerts = run(regularCounts, [...month([20, 20, 21, 20]), ended], settings);
    expect(alerts[0]?.figures).toMatchObject({ cardMeals: 0 });
    expect(alerts[0]?.explanation.zh).toContain('每日补贴餐数');
  });

  // 20 card meals every day, of which 14, 18, 12, 20 … earned a subsidy (age, caps): the subsidised
  // count varies (cv 0.18) while the card count does not; meals without a card are not counted.
  const cardDays = (subsidised: number[], cardMeals: number[] = subsidised.map(() => 20)) =>
    subsidised.flatMap((count, index) => {
      const date = `2026-10-${String(index + 1).padStart(2, '0')}`;
      const card = Array.from({ length: cardMeals[index] ?? 0 }, (_, n) =>
        sale({
          occurredAt: at('12:00', n, date),
          cardUid: `C${n}`,
          elderId: `e${n}`,
          reimbursableFen: n < count ? fen(300) : fen(0),
        }),
      );
      const guests = Array.from({ length: 3 + index * 2 }, (_, n) =>
        sale({ occurredAt: at('12:30', n, date), cardUid: null, elderId: null, reimbursableFen: fen(0) }),
      );
      return [...card, ...guests];
    });

  it('raises card meals of a fixed count though the subsidised count varies, once a month', () => {
    const alerts = run(regularCounts, [...cardDays([14, 18, 12, 20, 15, 13, 19]), ended], settings);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'regular-counts',
      businessDate: '2026-10-04',
      figures: { days: 4, cardMeals: 1, minCount: 20, maxCount: 20, cv: 0 },
    });
    expect(alerts[0]?.explanation.zh).toContain('卡餐');
    expect(alerts[0]?.explanation.zh).toContain('补贴餐数在 12–20 份之间');
    expect(alerts[0]?.explanation.en).toContain('card meals');
    // The evidence is the subsidised meals of the window: the sales a confirmation would exclude.
    expect(alerts[0]?.saleIds).toHaveLength(14 + 18 + 12 + 20);
  });

  it('leaves the card meals alone when they vary too, and counts a voided card meal out', () => {
    // 20, 23, 20, 23 card meals: cv 0.070
    const varying = cardDays([14, 18, 12, 20], [20, 23, 20, 23]);
    expect(run(regularCounts, [...varying, ended], settings)).toEqual([]);
    // 20, 20, 20, 17 card meals vary (cv 0.067); three more unsubsidised card meals on the fourth day
    // make them 20 every day, unless they are voided before the day ends.
    const short = cardDays([14, 18, 12, 17], [20, 20, 20, 17]);
    const extra = [1, 2, 3].map((n) =>
      sale({
        occurredAt: at('13:00', n, '2026-10-04'),
        cardUid: `CX${n}`,
        elderId: `ex${n}`,
        reimbursableFen: fen(0),
      }),
    );
    const voided = extra.map((fact) => voidOf(fact, at('13:05', 0, '2026-10-04')));
    expect(run(regularCounts, [...short, ended], settings)).toEqual([]);
    expect(run(regularCounts, [...short, ...extra, ended], settings)).toHaveLength(1);
    expect(run(regularCounts, [...short, ...extra, ...voided, ended], settings)).toEqual([]);
  });
});

describe('more subsidised elders than registered in the area', () => {
  const elder = (n: number, town = '南营门街道'): SupervisionFact => ({
    type: 'elder',
    elder: { elderId: `e${n}`, eventId: `reg${n}`, effectiveFrom: null, district: '和平区', town },
  });
  const judgedFromFour = settingsWith({ areaExcess: { minElders: 4 } });
  it('raises the moment the count passes the registered elders, once a day', () => {
    const registered = [elder(1), elder(2), elder(3), elder(4, '别的街道')];
    const meals = [1, 2, 3, 4, 5].map((n) => sale({ elderId: `e${n}`, occurredAt: at('12:00', n) }));
    const alerts = run(areaExcess, [canteen('a'), ...registered, ...meals], judgedFromFour);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ figures: { subsidisedElders: 4, registeredElders: 3 } });
  });

  it('leaves days with fewer elders than minElders alone: a few from other towns are normal', () => {
    const meals = [1, 2, 3].map((n) => sale({ elderId: `e${n}`, occurredAt: at('12:00', n) }));
    expect(run(areaExcess, [canteen('a'), elder(1, '别的街道'), ...meals], judgedFromFour)).toEqual([]);
    expect(DEFAULT_SUPERVISION_SETTINGS.areaExcess.minElders).toBe(10);
    const many = Array.from({ length: 10 }, (_, n) => sale({ elderId: `e${n}`, occurredAt: at('12:00', n) }));
    expect(run(areaExcess, [canteen('a'), ...many])).toHaveLength(1);
  });

  it('counts each elder once and leaves unsubsidised meals out', () => {
    const registered = [elder(1), elder(2)];
    const meals = [
      sale({ elderId: 'e1' }),
      sale({ elderId: 'e1', occurredAt: at('18:00') }),
      sale({ elderId: 'e2' }),
      sale({ elderId: 'e3', reimbursableFen: fen(0) }),
    ];
    expect(run(areaExcess, [canteen('a'), ...registered, ...meals])).toEqual([]);
  });
});

describe('rapid tapping', () => {
  const taps = (cards: number, gapSeconds: number, cashierId: string | null = 'a-c1') =>
    Array.from({ length: cards }, (_, n) =>
      sale({ cardUid: `C${n}`, elderId: `e${n}`, occurredAt: at('12:00', n * gapSeconds), cashierId }),
    );
  it('raises 10 cards within 120 s and not 10 cards within 126 s', () => {
    expect(run(rapidTapping, taps(10, 13))).toHaveLength(1); // 117 s
    expect(run(rapidTapping, taps(10, 14))).toEqual([]); // 126 s
    expect(run(rapidTapping, taps(9, 5))).toEqual([]);
  });

  it('counts different cards, raises a cashier day once and names a terminal without cashier', () => {
    const sameCard = Array.from({ length: 12 }, (_, n) => sale({ occurredAt: at('12:00', n * 5) }));
    expect(run(rapidTapping, sameCard)).toEqual([]);
    expect(run(rapidTapping, taps(25, 5))).toHaveLength(1);
    const alerts = run(rapidTapping, taps(10, 5, null));
    expect(alerts[0]?.explanation.zh).toContain('终端 a-t1');
  });
});

describe('void rate', () => {
  const settings = settingsWith({ voidRate: { minSales: 20, minVoids: 4, multiple: 3, floorRate: 0.03 } });
  const day = (date: string, sales: number, voids: number) => {
    const made = Array.from({ length: sales }, (_, n) => sale({ occurredAt: at('12:00', n, date) }));
    return [...made, ...made.slice(0, voids).map((fact) => voidOf(fact, at('12:30', 0, date)))];
  };
  const end = (date: string): SupervisionFact => ({ type: 'day-ended', businessDate: date });

  it('raises above three times the floor and not at it', () => {
    // 20 sales: 2 voids is 10% > 9%; but the minimum is 4 voids, so 40 sales with 4 voids (10%) raises
    expect(run(voidRate, [...day('2026-10-01', 40, 4), end('2026-10-01')], settings)).toHaveLength(1);
    // 4 of 45 is 8.9%, under 9%
    expect(run(voidRate, [...day('2026-10-01', 45, 4), end('2026-10-01')], settings)).toEqual([]);
    // 3 of 20 is 15%, but fewer than 4 voids
    expect(run(voidRate, [...day('2026-10-01', 20, 3), end('2026-10-01')], settings)).toEqual([]);
  });

  it('measures against the canteen’s own usual rate when it is above the floor', () => {
    // usual 4 of 50 = 8% (under the floor's 9%, so the days count): the line is 24%; 20% stays under it
    const usual = [...day('2026-10-01', 50, 4), ...day('2026-10-02', 50, 4)];
    expect(run(voidRate, [...usual, ...day('2026-10-03', 50, 10), end('2026-10-03')], settings)).toEqual([]);
    const over = run(voidRate, [...usual, ...day('2026-10-03', 50, 13), end('2026-10-03')], settings);
    expect(over).toMatchObject([{ figures: { voids: 13, sales: 50, ratePercent: 26, usualPercent: 8 } }]);
  });

  it('ignores voids that arrive after the day was judged', () => {
    const sales = Array.from({ length: 40 }, (_, n) => sale({ occurredAt: at('12:00', n, '2026-10-01') }));
    const voids = sales.slice(0, 10).map((fact) => voidOf(fact, at('10:00', 0, '2026-10-02')));
    expect(run(voidRate, [...sales, end('2026-10-01'), ...voids, end('2026-10-02')], settings)).toEqual([]);
  });
});

describe('voids after the day closed', () => {
  it('allows voids until the grace after the last period and raises a minute later', () => {
    const sold = sale({ occurredAt: at('18:30') });
    expect(run(voidAfterClose, [canteen('a'), sold, voidOf(sold, at('20:00'))])).toEqual([]);
    const late = run(voidAfterClose, [canteen('a'), sold, voidOf(sold, at('20:01'))]);
    expect(late).toMatchObject([{ severity: 'medium', figures: { minutesAfterClose: 1, daysLater: 0 } }]);
  });

  it('is high two days later and closes at midnight for an unknown canteen', () => {
    const sold = sale({ canteenId: 'x', occurredAt: at('12:00') });
    expect(run(voidAfterClose, [sold, voidOf(sold, at('23:59'))])).toEqual([]);
    expect(run(voidAfterClose, [sold, voidOf(sold, at('00:01', 0, '2026-10-10'))])[0]?.severity).toBe('high');
  });

  it("believes a counter's own time for a void that arrives within counterClockHours, and the bureau's always", () => {
    const sold = sale({ occurredAt: at('12:00') });
    /** Made at 12:10 by the sender's clock, recorded `hours` later. */
    const claimed = (hours: number, byBureau = false): SupervisionFact => {
      const made = voidOf(sold, at('12:10'));
      if (made.type !== 'void') throw new Error('not a void');
      const recordedAt = at('12:10') + hours * 3_600_000;
      return {
        type: 'void',
        void: {
          ...made.void,
          voidedAt: recordedAt,
          madeAt: at('12:10'),
          ...(byBureau ? { byBureau: true } : {}),
        },
      };
    };
    // An offline counter syncing the next morning: made before the close, judged so.
    expect(run(voidAfterClose, [canteen('a'), sold, claimed(20)])).toEqual([]);
    // Two days later claiming ten minutes after the sale: judged by when it arrived, both times told.
    const hidden = run(voidAfterClose, [canteen('a'), sold, claimed(48)]);
    expect(hidden).toMatchObject([{ severity: 'high', figures: { daysLater: 2, minutesToArrive: 48 * 60 } }]);
    expect(hidden[0]?.explanation.zh).toContain('终端称作废于 2026-10-08T12:10');
    expect(hidden[0]?.explanation.en).toContain('more than 24 h later, so the arrival is judged');
    // A bureau replaying its history a month later: the time it gives.
    expect(run(voidAfterClose, [canteen('a'), sold, claimed(30 * 24, true)])).toEqual([]);
    // The setting moves the line.
    const patient = settingsWith({ voidAfterClose: { counterClockHours: 72 } });
    expect(run(voidAfterClose, [canteen('a'), sold, claimed(48)], patient)).toEqual([]);
  });
});

describe('offline subsidy over a cap', () => {
  it('raises an offline sale with an over-cap exclusion, medium from 5 元', () => {
    expect(run(offlineOverCap, [sale({ offline: true, overCapFen: fen(300) })])[0]?.severity).toBe('low');
    expect(run(offlineOverCap, [sale({ offline: true, overCapFen: fen(500) })])[0]?.severity).toBe('medium');
    expect(run(offlineOverCap, [sale({ offline: true, mismatchFen: fen(300) })])).toEqual([]);
    expect(run(offlineOverCap, [sale()])).toEqual([]);
  });
});

describe('void rate against peers', () => {
  const settings = settingsWith({
    voidRate: { floorRate: 0.03 },
    voidRatePeers: { windowDays: 7, multiple: 3, sizeFactor: 2, minPeers: 2, minSales: 60, minVoids: 10 },
  });
  const date = (n: number) => `2026-10-${String(n).padStart(2, '0')}`;
  /** Each canteen's sales and voids of the day `n`, then the end of that day. */
  type Plan = Record<string, (n: number) => { sales: number; voids: number }>;
  const days = (plan: Plan, count: number, dateOf = date) =>
    Array.from({ length: count }, (_, index) => index + 1).flatMap((n) => [
      ...Object.entries(plan).flatMap(([canteenId, of]) => {
        const { sales, voids } = of(n);
        const made = Array.from({ length: sales }, (_, k) =>
          sale({ canteenId, occurredAt: at('12:00', k, dateOf(n)), cardUid: null, elderId: null }),
        );
        return [...made, ...made.slice(0, voids).map((fact) => voidOf(fact, at('12:30', 0, dateOf(n))))];
      }),
      { type: 'day-ended', businessDate: dateOf(n) } as SupervisionFact,
    ]);
  const names = ['x', 'a', 'b', 'c', 'big1', 'big2'].map((id) => canteen(id));
  // Peers of the same size voiding 1 in 80 (1.25%).
  const usual = (n: number) => ({ sales: 40, voids: n % 2 });

  it('raises a canteen voiding a quarter from its first day among peers voiding about 1%, once', () => {
    const quarter = () => ({ sales: 40, voids: 10 });
    const alerts = run(
      voidRatePeers,
      [...names, ...days({ x: quarter, a: usual, b: usual, c: usual }, 6)],
      settings,
    );
    // Judged from the second day, when the window holds 80 sales (at least 60) and 20 voids.
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'void-rate-peers',
      canteenId: 'x',
      businessDate: '2026-10-02',
      severity: 'high',
      figures: { days: 2, sales: 80, voids: 20, ratePercent: 25, peers: 3, similarSize: 1, usualPercent: 3 },
    });
    expect(alerts[0]?.saleIds).toHaveLength(10);
    expect(alerts[0]?.explanation.zh).toContain('规模相近的 3 家食堂');
    expect(alerts[0]?.explanation.zh).toContain('a食堂(a)');
    expect(alerts[0]?.explanation.en).toContain('25.0%');
  });

  it('does not raise when the peers void as much, nor before the window holds enough sales', () => {
    const quarter = () => ({ sales: 40, voids: 10 });
    expect(
      run(voidRatePeers, [...names, ...days({ x: quarter, a: quarter, b: quarter }, 6)], settings),
    ).toEqual([]);
    expect(run(voidRatePeers, [...names, ...days({ x: quarter, a: usual, b: usual }, 1)], settings)).toEqual(
      [],
    );
  });

  it('compares with canteens of similar size when there are enough of them, else with the city', () => {
    // x voids 10%; its size peers a and b none (the floor's 3% → line 9%); two big canteens void 10%.
    const tenth = () => ({ sales: 40, voids: 4 });
    const none = () => ({ sales: 40, voids: 0 });
    const big = () => ({ sales: 200, voids: 20 });
    const plan = { x: tenth, a: none, b: none, big1: big, big2: big };
    const bySize = run(voidRatePeers, [...names, ...days(plan, 4)], settings);
    expect(bySize).toMatchObject([{ canteenId: 'x', figures: { peers: 2, similarSize: 1, peerPercent: 0 } }]);
    // Needing three canteens of its size, x is compared with the city: 40 of 480 voided (8.3%).
    const cityWide = settingsWith({ voidRatePeers: { ...settings.voidRatePeers, minPeers: 3 } });
    expect(run(voidRatePeers, [...names, ...days(plan, 4)], cityWide)).toEqual([]);
    const alone = run(voidRatePeers, [...names, ...days({ x: tenth, a: none, big1: big }, 4)], cityWide);
    expect(alone).toEqual([]);
    const quiet = () => ({ sales: 200, voids: 1 });
    const city = run(voidRatePeers, [...names, ...days({ x: tenth, a: none, big1: quiet }, 4)], cityWide);
    expect(city).toMatchObject([{ canteenId: 'x', figures: { peers: 2, similarSize: 0 } }]);
    expect(city[0]?.explanation.zh).toContain('全市其他 2 家食堂');
  });

  it('raises again in the next month, once', () => {
    const quarter = () => ({ sales: 40, voids: 10 });
    const plan = { x: quarter, a: usual, b: usual };
    const november = (n: number) => `2026-11-${String(n).padStart(2, '0')}`;
    const alerts = run(voidRatePeers, [...names, ...days(plan, 4), ...days(plan, 4, november)], settings);
    expect(alerts.map((alert) => alert.businessDate)).toEqual(['2026-10-02', '2026-11-01']);
  });
});
