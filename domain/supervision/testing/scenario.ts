import type { CanteenDetails } from '../../canteens/canteen.ts';
import { type Fen, fen } from '../../money.ts';
import type { ExcludedSubsidy } from '../../policy/offline.ts';
import type { MealPeriod } from '../../policy/policy-types.ts';
import type { SubsidyReasonCode } from '../../policy/reasons.ts';
import type { MealSoldData } from '../../sales/sale-events.ts';
import { addDays, type BusinessDate, isoWeekdayOf } from '../../time/calendar.ts';
import type { EpochMs } from '../../time/shanghai-time.ts';
import type { AlertKind } from '../alert.ts';
import { instantOnDate, minutesOf } from '../checks/check.ts';
import {
  type CanteenSchedule,
  type SourceEvent,
  type SupervisionFact,
  supervisedSaleOf,
  supervisionFactOf,
  type VoidedSale,
} from '../facts.ts';

/**
 * 模拟月份: a month of traffic at seven canteens of one city, deterministic from a seed, with frauds
 * of every kind planted among ordinary meals: five ordinary canteens, a small one voiding a quarter of
 * its sales from the first day, and one whose card taps are a fixed count every lunch. Ordinary traffic is shaped so that it should not
 * alarm: elders come to the counter one at a time (a sale takes 20–45 s), lunch and dinner are hours
 * apart, voids are rare and made within minutes, closed canteens sell nothing.
 */
export interface Scenario {
  readonly month: string;
  /** The recorded events, in recorded order. */
  readonly events: readonly SourceEvent[];
  /** The facts the checks read, taken from the events, ending with the month's last day. */
  readonly facts: readonly SupervisionFact[];
  /** Every planted case, the migrated month's too. */
  readonly planted: readonly PlantedCase[];
  /** The month before, replayed by a migration ahead of the month's events (`recordMigratedMonth`). */
  readonly migrated: { readonly month: string; readonly planted: readonly PlantedCase[] };
}

/** One planted fraud: its kind and the sales it consists of. */
export interface PlantedCase {
  readonly kind: AlertKind;
  readonly saleIds: readonly string[];
  readonly note: string;
}

interface CanteenPlan {
  readonly canteenId: string;
  readonly details: CanteenDetails;
  readonly schedule: CanteenSchedule;
}

const PERIODS = {
  lunch: { from: '11:00', to: '13:30' },
  dinner: { from: '17:00', to: '19:00' },
} as const;

const CANTEENS: readonly CanteenPlan[] = [
  canteenPlan('heping-01', '和平区', '南营门街道', 39.117, 117.195, []),
  canteenPlan('hexi-01', '河西区', '友谊路街道', 39.085, 117.215, [7]),
  canteenPlan('nankai-01', '南开区', '学府街道', 39.105, 117.165, []),
  canteenPlan('hedong-01', '河东区', '大王庄街道', 39.125, 117.235, []),
  canteenPlan('jinghai-01', '静海区', '静海镇', 38.947, 116.911, []),
];

/**
 * Two canteens with frauds of their own, traffic drawn from a generator of their own so that the
 * five canteens' month is the same with them or without: xiqing-01, a small canteen (13–18 sales a
 * day, too few for `void-rate` to judge a single day) that voids about a quarter of its sales from
 * the month's first day; beichen-01, whose card taps are 14 every lunch for four weeks, some of them
 * cards that earn no subsidy (too young, or over their monthly cap).
 */
const VOIDING = canteenPlan('xiqing-01', '西青区', '杨柳青镇', 39.139, 117.012, []);
const FIXED_TAPS = canteenPlan('beichen-01', '北辰区', '果园新村街道', 39.18, 117.15, []);
const OWN_TRAFFIC: readonly CanteenPlan[] = [VOIDING, FIXED_TAPS];
const OWN_ELDERS: Readonly<Record<string, number>> = { 'xiqing-01': 24, 'beichen-01': 30 };
/** beichen-01's first elders are too young for a subsidy; the others are capped at this many a month. */
const FIXED_TAPS_INELIGIBLE = 8;
const FIXED_TAPS_MONTHLY_CAP = 10;
/** beichen-01's made-up count of card taps every lunch. */
const FIXED_TAPS_COUNT = 14;

function canteenPlan(
  canteenId: string,
  district: string,
  town: string,
  lat: number,
  lng: number,
  closedWeekdays: number[],
): CanteenPlan {
  return {
    canteenId,
    details: {
      name: `${town}老年幸福食堂`,
      district,
      town,
      location: { lat, lng },
      periods: PERIODS,
      menu: [{ itemId: 'set-a', name: '套餐A', priceFen: fen(1200) }],
      closedDays: { weekdays: closedWeekdays, dates: [] },
    },
    schedule: { closedWeekdays, closedDates: [] },
  };
}

const ELDERS_PER_CANTEEN = 60;
const SUBSIDY = fen(300);
const PRICE = fen(1200);
/** The regular canteen's made-up target of subsidised meals a day. */
const REGULAR_TARGET = 36;

/** mulberry32: a small seeded generator, enough for test traffic. */
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

interface Elder {
  readonly elderId: string;
  readonly home: CanteenPlan;
  cardUid: string;
}

interface Meal {
  readonly elder: Elder | null;
  readonly cardUid: string | null;
  readonly canteenId: string;
  readonly date: BusinessDate;
  readonly period: MealPeriod | null;
  /** Wanted time; ordinary meals are then queued at their counter. */
  at: EpochMs;
  terminalId: string;
  cashierId: string;
  queued: boolean;
  offline: boolean;
  subsidised: boolean;
  /** Offline: the subsidy the terminal applied, when it differs from the decided one. */
  applied: Fen | null;
  excluded: ExcludedSubsidy[];
  reasons: SubsidyReasonCode[];
  planted: AlertKind | null;
  saleId: string;
}

export function generateScenario(seed: number): Scenario {
  const random = generator(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (low: number, high: number) => low + random() * (high - low);
  const month = '2026-10';
  const days: BusinessDate[] = Array.from({ length: 31 }, (_, index) => addDays('2026-10-01', index));
  const day = (n: number) => days[n - 1] as BusinessDate;
  const events: { at: EpochMs; order: number; event: SourceEvent }[] = [];
  let order = 0;
  const record = (
    at: EpochMs,
    type: string,
    id: string,
    data: unknown,
    metadata?: SourceEvent['metadata'],
  ) => {
    events.push({ at, order: order++, event: { id, type, data, ...(metadata ? { metadata } : {}) } });
  };
  const setupAt = instantOnDate('2026-09-30', 9 * 60);

  for (const canteen of [...CANTEENS, ...OWN_TRAFFIC]) {
    record(setupAt, 'CanteenRegistered', `ev-canteen-${canteen.canteenId}`, {
      canteenId: canteen.canteenId,
      details: canteen.details,
    });
  }
  const elders: Elder[] = [];
  const byHome = new Map<string, Elder[]>();
  for (const canteen of [...CANTEENS, ...OWN_TRAFFIC]) {
    const list: Elder[] = [];
    const ownTraffic = OWN_TRAFFIC.includes(canteen);
    for (let index = 1; index <= (OWN_ELDERS[canteen.canteenId] ?? ELDERS_PER_CANTEEN); index += 1) {
      const elderId = `${canteen.canteenId.slice(0, -3)}-e${String(index).padStart(2, '0')}`;
      const elder: Elder = { elderId, home: canteen, cardUid: `CARD-${elderId}` };
      list.push(elder);
      if (!ownTraffic) elders.push(elder);
      const tooYoung = canteen === FIXED_TAPS && index <= FIXED_TAPS_INELIGIBLE;
      record(setupAt, 'ElderRegistered', `ev-elder-${elderId}`, {
        elderId,
        profile: {
          name: '某某',
          birthDate: tooYoung ? '1968-05-01' : '1940-01-01',
          idNumber: { sealed: '', lookupHash: elderId, masked: '1201**********0000' },
          district: canteen.details.district,
          town: canteen.details.town,
          homeCanteenId: canteen.canteenId,
          categories: [],
        },
      });
      record(setupAt, 'CardAssigned', `ev-card-${elder.cardUid}`, {
        cardUid: elder.cardUid,
        elderId,
        effectiveFrom: null,
      });
    }
    byHome.set(canteen.canteenId, list);
  }
  const homeOf = (canteenId: string) => byHome.get(canteenId) ?? [];
  const canteenOf = (canteenId: string) => CANTEENS.find((c) => c.canteenId === canteenId) as CanteenPlan;
  const closedOn = (canteen: CanteenPlan, date: BusinessDate) =>
    canteen.schedule.closedWeekdays.includes(isoWeekdayOf(date));

  const planted: PlantedCase[] = [];
  /** Elder days kept free of ordinary meals for a planted case. */
  const reserved = new Set<string>();
  const reserve = (elder: Elder, date: BusinessDate) => reserved.add(`${elder.elderId}|${date}`);
  const meals: Meal[] = [];
  let saleCounter = 0;
  const newMeal = (fields: Partial<Meal> & Pick<Meal, 'canteenId' | 'date' | 'at'>): Meal => {
    saleCounter += 1;
    const meal: Meal = {
      elder: null,
      cardUid: null,
      period: null,
      terminalId: `${fields.canteenId}-t1`,
      cashierId: `${fields.canteenId}-c1`,
      queued: false,
      offline: false,
      subsidised: false,
      applied: null,
      excluded: [],
      reasons: [],
      planted: null,
      saleId: `sale-${String(saleCounter).padStart(6, '0')}`,
      ...fields,
    };
    meals.push(meal);
    return meal;
  };
  const periodAt = (date: BusinessDate, period: 'lunch' | 'dinner', lateBy = 20) =>
    // Whole milliseconds, as recorded instants are.
    Math.round(
      instantOnDate(
        date,
        between(minutesOf(PERIODS[period].from) + 5, minutesOf(PERIODS[period].to) - lateBy),
      ),
    );

  // Deaths: two recorded the day they happen, two recorded a fortnight late while the card is still used.
  const deaths = [
    { elder: pick(homeOf('hexi-01')), died: day(10), recorded: day(10) },
    { elder: pick(homeOf('jinghai-01')), died: day(20), recorded: day(20) },
    { elder: homeOf('heping-01')[3] as Elder, died: day(8), recorded: day(22) },
    { elder: homeOf('hedong-01')[7] as Elder, died: day(12), recorded: day(26) },
  ];
  const deathOf = new Map(deaths.map((death) => [death.elder.elderId, death]));
  for (const death of deaths) {
    record(instantOnDate(death.recorded, 15 * 60), 'ElderDied', `ev-death-${death.elder.elderId}`, {
      elderId: death.elder.elderId,
      date: death.died,
    });
  }

  // Cards replaced: one ordinary, and one whose old card goes on being tapped by whoever found it.
  const replaced = homeOf('nankai-01')[5] as Elder;
  const lost = homeOf('hexi-01')[9] as Elder;
  const replacements = [
    { elder: replaced, date: day(5) },
    { elder: lost, date: day(12) },
  ];
  const cardOn = (elder: Elder, date: BusinessDate) => {
    const replacement = replacements.find((r) => r.elder === elder);
    if (!replacement) return elder.cardUid;
    return date >= replacement.date ? `${elder.cardUid}-2` : elder.cardUid;
  };
  for (const { elder, date } of replacements) {
    const at = instantOnDate(date, 9 * 60);
    record(at, 'CardRetired', `ev-retire-${elder.cardUid}`, {
      cardUid: elder.cardUid,
      elderId: elder.elderId,
      effectiveFrom: at,
    });
    record(at, 'CardAssigned', `ev-card-${elder.cardUid}-2`, {
      cardUid: `${elder.cardUid}-2`,
      elderId: elder.elderId,
      effectiveFrom: at,
    });
  }

  // Reservations for plants that bring their own elders.
  const rapidPlans = [
    { canteenId: 'hedong-01', date: day(6), count: 14, start: '13:05', gap: [5, 8] as const },
    { canteenId: 'heping-01', date: day(20), count: 11, start: '11:20', gap: [8, 11] as const },
  ];
  const rapidElders = rapidPlans.map((plan) => {
    const chosen = homeOf(plan.canteenId)
      .filter((elder) => !deathOf.has(elder.elderId) && elder !== lost)
      .slice(20, 20 + plan.count);
    for (const elder of chosen) reserve(elder, plan.date);
    return chosen;
  });
  const excessDate = day(24);
  const excessElders = ['heping-01', 'hexi-01', 'nankai-01']
    .flatMap((canteenId) => homeOf(canteenId).slice(40, 52))
    .filter((elder) => !deathOf.has(elder.elderId));
  for (const elder of excessElders) reserve(elder, excessDate);
  const closedDate = days.find((date) => isoWeekdayOf(date) === 7 && date > day(14)) as BusinessDate;
  const closedElders = homeOf('hexi-01').slice(30, 34);
  for (const elder of closedElders) reserve(elder, closedDate);

  // Ordinary traffic.
  for (const date of days) {
    const weekend = isoWeekdayOf(date) >= 6;
    for (const elder of elders) {
      if (reserved.has(`${elder.elderId}|${date}`)) continue;
      const death = deathOf.get(elder.elderId);
      if (death && date >= death.recorded) continue;
      for (const period of ['lunch', 'dinner'] as const) {
        const chance = (period === 'lunch' ? 0.55 : 0.2) * (weekend ? 0.85 : 1);
        if (random() >= chance) continue;
        let canteen = elder.home;
        if (random() < 0.06 && elder.home.canteenId !== 'jinghai-01') {
          canteen = canteenOf(pick(['heping-01', 'hexi-01', 'nankai-01', 'hedong-01']));
        }
        if (closedOn(canteen, date)) {
          if (random() < 0.3) canteen = canteenOf('heping-01');
          else continue;
        }
        const offline = canteen.canteenId === 'jinghai-01' && date === day(9);
        newMeal({
          elder,
          cardUid: cardOn(elder, date),
          canteenId: canteen.canteenId,
          date,
          period,
          at: periodAt(date, period),
          queued: true,
          offline,
        });
      }
    }
    for (const canteen of CANTEENS) {
      if (closedOn(canteen, date)) continue;
      for (const period of ['lunch', 'dinner'] as const) {
        const guests = 4 + Math.floor(random() * 6);
        for (let index = 0; index < guests; index += 1) {
          newMeal({ canteenId: canteen.canteenId, date, period, at: periodAt(date, period), queued: true });
        }
      }
    }
  }

  // 过于规律: nankai-01 makes its subsidised count up to the same figure every day.
  const regularSales: Meal[] = [];
  for (const date of days) {
    const firsts = firstMealsOf(meals.filter((meal) => meal.date === date && meal.elder !== null));
    let atNankai = firsts.filter((meal) => meal.canteenId === 'nankai-01');
    const target = REGULAR_TARGET + (random() < 0.5 ? 1 : 0);
    while (atNankai.length > target) {
      // The elder does not come that day at all, so no later meal becomes the day's subsidised one.
      const dropped = atNankai.pop() as Meal;
      for (const meal of meals.filter((m) => m.date === date && m.elder === dropped.elder)) {
        meals.splice(meals.indexOf(meal), 1);
      }
    }
    const eating = new Set(meals.filter((meal) => meal.date === date).map((meal) => meal.elder?.elderId));
    const idle = homeOf('nankai-01').filter(
      (elder) =>
        !eating.has(elder.elderId) &&
        !deathOf.has(elder.elderId) &&
        !reserved.has(`${elder.elderId}|${date}`),
    );
    while (atNankai.length < target && idle.length > 0) {
      const elder = idle.shift() as Elder;
      const meal = newMeal({
        elder,
        cardUid: cardOn(elder, date),
        canteenId: 'nankai-01',
        date,
        period: 'lunch',
        at: periodAt(date, 'lunch'),
        queued: true,
      });
      atNankai = [...atNankai, meal];
    }
    regularSales.push(...atNankai);
  }

  // Counters serve one elder at a time: ordinary sales are queued at one of two terminals.
  const queues = new Map<string, Meal[]>();
  for (const meal of meals) {
    if (!meal.queued) continue;
    const terminal = random() < 0.5 ? 1 : 2;
    meal.terminalId = `${meal.canteenId}-t${terminal}`;
    meal.cashierId = `${meal.canteenId}-c${terminal}`;
    const key = `${meal.terminalId}|${meal.date}|${meal.period}`;
    queues.set(key, [...(queues.get(key) ?? []), meal]);
  }
  for (const queue of queues.values()) {
    queue.sort((a, b) => a.at - b.at);
    let free = 0;
    for (const meal of queue) {
      meal.at = Math.round(Math.max(meal.at, free));
      free = meal.at + between(20, 45) * 1000;
    }
  }

  // 代刷卡: a member of staff taps a stack of cards at the back-office terminal.
  rapidPlans.forEach((plan, index) => {
    let at = instantOnDate(plan.date, minutesOf(plan.start));
    const saleIds = (rapidElders[index] ?? []).map((elder) => {
      at += Math.round(between(plan.gap[0], plan.gap[1]) * 1000);
      const meal = newMeal({
        elder,
        cardUid: cardOn(elder, plan.date),
        canteenId: plan.canteenId,
        date: plan.date,
        period: 'lunch',
        at,
        terminalId: `${plan.canteenId}-t3`,
        cashierId: `${plan.canteenId}-staff`,
        planted: 'card-farming',
      });
      return meal.saleId;
    });
    planted.push({
      kind: 'card-farming',
      saleIds,
      note: `${plan.count} cards at ${plan.canteenId} on ${plan.date}`,
    });
  });

  // 超出辖区登记人数: hedong-01 bills elders of other towns, at an ordinary pace over lunch.
  const excessSaleIds = excessElders.map((elder) => {
    const meal = newMeal({
      elder,
      cardUid: cardOn(elder, excessDate),
      canteenId: 'hedong-01',
      date: excessDate,
      period: 'lunch',
      at: periodAt(excessDate, 'lunch'),
      terminalId: 'hedong-01-t2',
      cashierId: 'hedong-01-c2',
      planted: 'area-excess',
    });
    return meal.saleId;
  });
  planted.push({ kind: 'area-excess', saleIds: excessSaleIds, note: `hedong-01 on ${excessDate}` });

  // 闭店日售餐: hexi-01 closes on Sundays, yet four of its elders are billed lunch there.
  for (const elder of closedElders) {
    const meal = newMeal({
      elder,
      cardUid: cardOn(elder, closedDate),
      canteenId: 'hexi-01',
      date: closedDate,
      period: 'lunch',
      at: periodAt(closedDate, 'lunch'),
      planted: 'closed-day',
    });
    planted.push({ kind: 'closed-day', saleIds: [meal.saleId], note: `hexi-01 on Sunday ${closedDate}` });
  }

  // 非营业时间: card meals in the afternoon gap, late at night and before opening.
  for (const [n, time] of [
    [4, '15:20'],
    [16, '21:40'],
    [27, '07:30'],
  ] as const) {
    const elder = homeOf('heping-01')[50 + (n % 5)] as Elder;
    const date = day(n);
    const meal = newMeal({
      elder,
      cardUid: cardOn(elder, date),
      canteenId: 'heping-01',
      date,
      at: instantOnDate(date, minutesOf(time)),
      reasons: ['outside-periods'],
      planted: 'outside-hours',
    });
    planted.push({ kind: 'outside-hours', saleIds: [meal.saleId], note: `heping-01 on ${date} at ${time}` });
  }

  // 异地刷卡: a card tapped again at a far canteen minutes after an ordinary lunch.
  const travelPlans = [
    { from: 'heping-01', to: 'jinghai-01', date: day(7), minutes: 25 },
    { from: 'hexi-01', to: 'hedong-01', date: day(13), minutes: 3 },
    { from: 'jinghai-01', to: 'nankai-01', date: day(21), minutes: 18 },
  ];
  for (const plan of travelPlans) {
    const original = meals.find(
      (meal) =>
        meal.canteenId === plan.from &&
        meal.date === plan.date &&
        meal.period === 'lunch' &&
        meal.elder !== null &&
        meal.planted === null &&
        meal.at < instantOnDate(plan.date, 12 * 60 + 30),
    ) as Meal;
    const meal = newMeal({
      elder: original.elder,
      cardUid: original.cardUid,
      canteenId: plan.to,
      date: plan.date,
      period: 'lunch',
      at: original.at + plan.minutes * 60_000,
      terminalId: `${plan.to}-t1`,
      cashierId: `${plan.to}-c1`,
      planted: 'impossible-travel',
    });
    planted.push({
      kind: 'impossible-travel',
      saleIds: [original.saleId, meal.saleId],
      note: `${plan.from} → ${plan.to} in ${plan.minutes} min`,
    });
  }

  // 挂失卡: the lost card goes on being tapped at another canteen; once at an offline counter.
  for (const n of [13, 15, 17]) {
    const date = day(n);
    const offline = n === 15;
    const meal = newMeal({
      elder: lost,
      cardUid: lost.cardUid,
      canteenId: 'heping-01',
      date,
      period: 'lunch',
      at: periodAt(date, 'lunch'),
      offline,
      applied: offline ? SUBSIDY : null,
      excluded: offline ? [{ reason: 'offline-mismatch', fen: SUBSIDY }] : [],
      reasons: ['card-retired'],
      planted: 'retired-card',
    });
    planted.push({ kind: 'retired-card', saleIds: [meal.saleId], note: `${lost.cardUid} on ${date}` });
  }

  // 脱机超限: the offline counter at jinghai-01 subsidises a second meal of four elders.
  const offlineDate = day(9);
  const lunchers = meals.filter(
    (meal) =>
      meal.canteenId === 'jinghai-01' && meal.date === offlineDate && meal.period === 'lunch' && meal.elder,
  );
  const dinners = new Set(
    meals
      .filter((meal) => meal.date === offlineDate && meal.period === 'dinner')
      .map((meal) => meal.elder?.elderId),
  );
  for (const lunch of lunchers.filter((meal) => !dinners.has(meal.elder?.elderId)).slice(0, 4)) {
    const meal = newMeal({
      elder: lunch.elder,
      cardUid: lunch.cardUid,
      canteenId: 'jinghai-01',
      date: offlineDate,
      period: 'dinner',
      at: instantOnDate(offlineDate, 18 * 60 + planted.length),
      offline: true,
      applied: SUBSIDY,
      excluded: [{ reason: 'offline-over-cap', fen: SUBSIDY }],
      reasons: ['cap-day'],
      planted: 'offline-over-cap',
    });
    planted.push({
      kind: 'offline-over-cap',
      saleIds: [meal.saleId],
      note: `jinghai-01 offline on ${offlineDate}`,
    });
  }

  // Near misses that must not alarm: a queue running ten minutes past lunch (within the grace),
  // and elders eating lunch at jinghai-01 and dinner in the city, 35 km and hours apart.
  for (const n of [2, 9, 16, 23, 30]) {
    const late = meals.find(
      (meal) =>
        meal.canteenId === 'heping-01' && meal.date === day(n) && meal.period === 'lunch' && meal.elder,
    );
    if (late?.planted === null) late.at = instantOnDate(day(n), minutesOf(PERIODS.lunch.to) + 10);
    const date = day(n + 1);
    const dinners = new Set(
      meals
        .filter((meal) => meal.date === date && meal.period === 'dinner')
        .map((meal) => meal.elder?.elderId),
    );
    const luncher = meals.find(
      (meal) =>
        meal.canteenId === 'jinghai-01' &&
        meal.date === date &&
        meal.period === 'lunch' &&
        meal.elder &&
        !dinners.has(meal.elder.elderId),
    );
    if (luncher) {
      newMeal({
        elder: luncher.elder,
        cardUid: luncher.cardUid,
        canteenId: 'heping-01',
        date,
        period: 'dinner',
        at: instantOnDate(date, 17 * 60 + 30),
      });
    }
  }

  // The two canteens with traffic of their own, from a generator of their own.
  const own = generator(seed ^ 0x6f776e);
  const ownBetween = (low: number, high: number) => low + own() * (high - low);
  const ownCount = (low: number, high: number) => low + Math.floor(own() * (high - low + 1));
  const ownShuffled = <T>(items: readonly T[]): T[] => {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index -= 1) {
      const other = Math.floor(own() * (index + 1));
      [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
    }
    return copy;
  };
  const ownMeals: Meal[] = [];
  const ownMeal = (
    canteen: CanteenPlan,
    date: BusinessDate,
    period: 'lunch' | 'dinner',
    elder: Elder | null,
    fields: Partial<Meal> = {},
  ) => {
    const from = minutesOf(PERIODS[period].from) + 5;
    const meal = newMeal({
      elder,
      cardUid: elder ? elder.cardUid : null,
      canteenId: canteen.canteenId,
      date,
      period,
      at: Math.round(instantOnDate(date, ownBetween(from, minutesOf(PERIODS[period].to) - 20))),
      ...fields,
    });
    ownMeals.push(meal);
    return meal;
  };
  // 作废率高于同类食堂: xiqing-01 serves 9–11 lunches and 2–3 dinners to its elders and 1–2 guests a
  // period (at most 18 sales a day), and voids about a quarter of them (below).
  for (const date of days) {
    const [lunchers, diners] = [ownCount(9, 11), ownCount(2, 3)];
    const chosen = ownShuffled(homeOf(VOIDING.canteenId));
    for (const elder of chosen.slice(0, lunchers)) ownMeal(VOIDING, date, 'lunch', elder);
    for (const elder of chosen.slice(lunchers, lunchers + diners)) ownMeal(VOIDING, date, 'dinner', elder);
    for (const period of ['lunch', 'dinner'] as const) {
      for (let guest = ownCount(1, 2); guest > 0; guest -= 1) ownMeal(VOIDING, date, period, null);
    }
  }
  // 卡餐过于规律: beichen-01 bills exactly 14 card lunches a day for four weeks (then 8–15), to
  // cards of which some earn no subsidy: too young, or over their monthly cap. Guests pay in cash.
  const fixedTaps: Meal[] = [];
  const subsidisedThisMonth = new Map<string, number>();
  for (const [index, date] of days.entries()) {
    const fourWeeks = index < 28;
    const taps = fourWeeks ? FIXED_TAPS_COUNT : ownCount(8, 15);
    for (const elder of ownShuffled(homeOf(FIXED_TAPS.canteenId)).slice(0, taps)) {
      const tooYoung = Number(elder.elderId.slice(-2)) <= FIXED_TAPS_INELIGIBLE;
      const used = subsidisedThisMonth.get(elder.elderId) ?? 0;
      const reasons: SubsidyReasonCode[] = tooYoung
        ? ['not-eligible']
        : used >= FIXED_TAPS_MONTHLY_CAP
          ? ['cap-month']
          : [];
      if (reasons.length === 0) subsidisedThisMonth.set(elder.elderId, used + 1);
      const meal = ownMeal(FIXED_TAPS, date, 'lunch', elder, {
        reasons,
        planted: fourWeeks ? 'regular-counts' : null,
      });
      if (fourWeeks) fixedTaps.push(meal);
    }
    for (const period of ['lunch', 'dinner'] as const) {
      for (let guest = ownCount(3, 6); guest > 0; guest -= 1) ownMeal(FIXED_TAPS, date, period, null);
    }
  }
  // One elder at a time at either of two counters, as everywhere.
  const ownQueues = new Map<string, Meal[]>();
  for (const meal of ownMeals) {
    const terminal = own() < 0.5 ? 1 : 2;
    meal.terminalId = `${meal.canteenId}-t${terminal}`;
    meal.cashierId = `${meal.canteenId}-c${terminal}`;
    const key = `${meal.terminalId}|${meal.date}|${meal.period}`;
    ownQueues.set(key, [...(ownQueues.get(key) ?? []), meal]);
  }
  for (const queue of ownQueues.values()) {
    queue.sort((a, b) => a.at - b.at);
    let free = 0;
    for (const meal of queue) {
      meal.at = Math.round(Math.max(meal.at, free));
      free = meal.at + ownBetween(20, 45) * 1000;
    }
  }

  // Subsidy: the first card meal of an elder's day, unless the decision refused it.
  const sorted = [...meals].sort((a, b) => a.at - b.at || (a.saleId < b.saleId ? -1 : 1));
  const subsidisedDays = new Set<string>();
  for (const meal of sorted) {
    if (!meal.elder || meal.period === null || meal.reasons.length > 0) continue;
    const key = `${meal.elder.elderId}|${meal.date}`;
    if (subsidisedDays.has(key)) {
      meal.reasons = ['cap-day'];
      continue;
    }
    subsidisedDays.add(key);
    meal.subsidised = true;
  }
  for (const meal of sorted) {
    const death = meal.elder ? deathOf.get(meal.elder.elderId) : undefined;
    if (death && meal.date > death.died) {
      planted.push({
        kind: 'after-death',
        saleIds: [meal.saleId],
        note: `${death.elder.elderId} died ${death.died}`,
      });
    }
  }
  planted.push({
    kind: 'regular-counts',
    saleIds: regularSales.map((meal) => meal.saleId),
    note: `nankai-01 at ${REGULAR_TARGET}–${REGULAR_TARGET + 1} a day`,
  });
  planted.push({
    kind: 'regular-counts',
    saleIds: fixedTaps.map((meal) => meal.saleId),
    note: `${FIXED_TAPS.canteenId} at ${FIXED_TAPS_COUNT} card lunches a day for four weeks, ${fixedTaps.filter((meal) => meal.subsidised).length} of them subsidised`,
  });

  // Sales are recorded when made; an offline counter sends its sales when the period is over.
  const sold = new Map<string, VoidedSale>();
  for (const meal of sorted) {
    const data = mealSoldOf(meal);
    const eventId = `ev-sold-${meal.saleId}`;
    sold.set(meal.saleId, supervisedSaleOf(eventId, data));
    const recordedAt = meal.offline ? instantOnDate(meal.date, minutesOf(PERIODS.dinner.to) + 30) : meal.at;
    record(recordedAt, 'MealSold', eventId, data);
  }

  // Voids: a few ordinary ones within minutes, then the planted ones.
  const voidAt = (meal: Meal, at: EpochMs, reason: string) =>
    record(at, 'SaleVoided', `ev-void-${meal.saleId}`, { saleId: meal.saleId, reason, voidedAt: at });
  const voided = new Set<string>();
  const ownTraffic = new Set(ownMeals);
  const ordinary = sorted.filter((meal) => meal.planted === null && !meal.offline && !ownTraffic.has(meal));
  const voidRateDays = [
    { canteenId: 'heping-01', date: day(15) },
    { canteenId: 'jinghai-01', date: day(27) },
  ];
  for (const plan of voidRateDays) {
    const ofDay = ordinary.filter((meal) => meal.canteenId === plan.canteenId && meal.date === plan.date);
    const chosen = ofDay.filter(() => random() < 0.3);
    for (const meal of chosen) {
      voided.add(meal.saleId);
      voidAt(meal, meal.at + Math.round(between(2, 10) * 60_000), '顾客退餐');
    }
    planted.push({
      kind: 'void-rate',
      saleIds: chosen.map((meal) => meal.saleId),
      note: `${chosen.length} of ${ofDay.length} voided at ${plan.canteenId} on ${plan.date}`,
    });
  }
  const lateVoids = [
    { date: day(3), daysLater: 1 },
    { date: day(10), daysLater: 3 },
    { date: day(25), daysLater: 1 },
  ];
  for (const plan of lateVoids) {
    const meal = ordinary.find(
      (candidate) =>
        candidate.date === plan.date && candidate.canteenId !== 'nankai-01' && !voided.has(candidate.saleId),
    ) as Meal;
    voided.add(meal.saleId);
    voidAt(meal, instantOnDate(addDays(plan.date, plan.daysLater), 10 * 60), '补录退款');
    planted.push({
      kind: 'void-after-close',
      saleIds: [meal.saleId],
      note: `${meal.canteenId} sale of ${plan.date} voided ${plan.daysLater} days later`,
    });
  }
  // A void after dinner but before the day closes (the last period's end plus the grace).
  for (const n of [5, 12, 19, 26]) {
    const meal = ordinary.find(
      (candidate) =>
        candidate.date === day(n) && candidate.period === 'dinner' && !voided.has(candidate.saleId),
    );
    if (!meal) continue;
    voided.add(meal.saleId);
    voidAt(meal, instantOnDate(day(n), minutesOf(PERIODS.dinner.to) + 45), '顾客退餐');
  }
  for (const meal of ordinary) {
    if (voided.has(meal.saleId) || random() >= 0.01) continue;
    voidAt(meal, meal.at + Math.round(between(1, 3) * 60_000), '点错菜品');
  }
  // xiqing-01 voids about a quarter of its sales, each within minutes, from the month's first day.
  const quarter = sorted.filter((meal) => meal.canteenId === VOIDING.canteenId && own() < 0.25);
  for (const meal of quarter) voidAt(meal, meal.at + Math.round(ownBetween(1, 5) * 60_000), '顾客退餐');
  planted.push({
    kind: 'void-rate-peers',
    saleIds: quarter.map((meal) => meal.saleId),
    note: `${quarter.length} of ${sorted.filter((meal) => meal.canteenId === VOIDING.canteenId).length} sales voided at ${VOIDING.canteenId}`,
  });

  const migrated = recordMigratedMonth(seed, elders, record, sold);

  events.sort((a, b) => a.at - b.at || a.order - b.order);
  const recorded = events.map((entry) => entry.event);
  const facts: SupervisionFact[] = [];
  for (const event of recorded) {
    const fact = supervisionFactOf(event, (saleId) => sold.get(saleId) ?? null);
    if (fact) facts.push(fact);
  }
  facts.push({ type: 'day-ended', businessDate: day(31) });
  return { month, events: recorded, facts, planted: [...planted, ...migrated.planted], migrated };
}

/** The first card meal of each elder among the given meals of one day. */
function firstMealsOf(meals: readonly Meal[]): Meal[] {
  const first = new Map<string, Meal>();
  for (const meal of meals) {
    const elderId = meal.elder?.elderId as string;
    const known = first.get(elderId);
    if (!known || (meal.period === 'lunch' && known.period === 'dinner')) first.set(elderId, meal);
  }
  return [...first.values()];
}

function mealSoldOf(meal: Meal): MealSoldData {
  const reimbursable = meal.subsidised ? SUBSIDY : fen(0);
  const applied = meal.applied ?? reimbursable;
  return {
    saleId: meal.saleId,
    terminalId: meal.terminalId,
    terminalSeq: 0,
    cashierId: meal.cashierId,
    canteenId: meal.canteenId,
    occurredAt: meal.at,
    businessDate: meal.date,
    period: meal.period,
    channel: 'dine-in',
    items: [{ itemId: 'set-a', name: '套餐A', unitPriceFen: PRICE, qty: 1 }],
    totalFen: PRICE,
    cardUid: meal.cardUid,
    elderId: meal.elder?.elderId ?? null,
    policyId: 'tianjin-like',
    subsidyFen: applied,
    elderPaysFen: fen(PRICE - applied),
    lines: meal.subsidised
      ? [
          {
            ruleId: 'age-80',
            stackGroup: 'base',
            fen: SUBSIDY,
            funding: [{ source: 'city-welfare-lottery', fen: SUBSIDY }],
          },
        ]
      : [],
    excluded: meal.excluded,
    reasons: meal.cardUid === null ? ['no-card'] : meal.reasons,
    offline: meal.offline,
    payment: { method: 'cash' },
    fingerprint: meal.saleId,
    notice: null,
  };
}

const MIGRATED_SALES = 300;
const BY_THE_ADMIN = { actor: { type: 'admin', userId: 'bureau-admin' } };
const MIGRATED_VOIDS = 20;

/**
 * 迁移月份: the bureau's previous month (September), replayed through the API on the morning of
 * October 1st before the counters open, in the order things happened. Ordinary traffic: one
 * subsidised lunch of an elder at their home canteen on an open day, a couple a day per canteen.
 * Every void is recorded at the migration's time (`voidedAt`) with the time it was made
 * (`occurredAt`): minutes after its sale, except two made the next morning, after their day closed
 * (planted `void-after-close`). Judged by `voidedAt`, every migrated void would be after the close;
 * the admin records them, so the checks believe the times they give.
 */
function recordMigratedMonth(
  seed: number,
  elders: readonly Elder[],
  record: (at: EpochMs, type: string, id: string, data: unknown, metadata?: SourceEvent['metadata']) => void,
  sold: Map<string, VoidedSale>,
): { readonly month: string; readonly planted: readonly PlantedCase[] } {
  const random = generator(seed ^ 0x6d16_7a7e);
  const month = '2026-09';
  const recordedAt = instantOnDate('2026-10-01', 6 * 60);
  const meals: Meal[] = [];
  const taken = new Set<string>();
  while (meals.length < MIGRATED_SALES) {
    const elder = elders[Math.floor(random() * elders.length)] as Elder;
    const date = addDays('2026-09-01', Math.floor(random() * 30));
    const { schedule, canteenId } = elder.home;
    const closed =
      schedule.closedWeekdays.includes(isoWeekdayOf(date)) || schedule.closedDates.includes(date);
    if (closed || taken.has(`${elder.elderId}|${date}`)) continue;
    taken.add(`${elder.elderId}|${date}`);
    const minutes = minutesOf(PERIODS.lunch.from) + 5 + random() * 120;
    meals.push({
      elder,
      cardUid: elder.cardUid,
      canteenId,
      date,
      period: 'lunch',
      at: Math.round(instantOnDate(date, minutes)),
      terminalId: `${canteenId}-t1`,
      cashierId: `${canteenId}-c1`,
      queued: false,
      offline: false,
      subsidised: true,
      applied: null,
      excluded: [],
      reasons: [],
      planted: null,
      saleId: `migrated-${String(meals.length + 1).padStart(6, '0')}`,
    });
  }
  meals.sort((a, b) => a.at - b.at);

  const planted: PlantedCase[] = [];
  const replayed: { at: EpochMs; type: string; id: string; data: unknown }[] = [];
  for (const meal of meals) {
    const data = mealSoldOf(meal);
    sold.set(meal.saleId, supervisedSaleOf(`ev-sold-${meal.saleId}`, data));
    replayed.push({ at: meal.at, type: 'MealSold', id: `ev-sold-${meal.saleId}`, data });
  }
  // Voids spread over the month; the late ones well before its last days, so made before the migration.
  const voided = meals.filter((_, index) => index % Math.floor(MIGRATED_SALES / MIGRATED_VOIDS) === 3);
  voided.forEach((meal, index) => {
    const late = index === 2 || index === 9;
    const occurredAt = late
      ? Math.round(instantOnDate(addDays(meal.date, 1), 9 * 60 + random() * 60))
      : meal.at + Math.round((2 + random() * 8) * 60_000);
    const reason = late ? '补录退款' : '顾客退餐';
    replayed.push({
      at: occurredAt,
      type: 'SaleVoided',
      id: `ev-void-${meal.saleId}`,
      data: { saleId: meal.saleId, reason, voidedAt: recordedAt, occurredAt },
    });
    if (late)
      planted.push({
        kind: 'void-after-close',
        saleIds: [meal.saleId],
        note: `${meal.canteenId} sale of ${meal.date} voided the next morning, migrated`,
      });
  });
  // The migration replays in the order things happened, all of it recorded on its morning, by the
  // bureau's admin: the voids are judged by the times they give.
  replayed.sort((a, b) => a.at - b.at);
  for (const entry of replayed) record(recordedAt, entry.type, entry.id, entry.data, BY_THE_ADMIN);
  return { month, planted };
}
