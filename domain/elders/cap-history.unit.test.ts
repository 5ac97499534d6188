import { describe, expect, it } from 'vitest';
import type { CanteenDetails } from '../canteens/canteen.ts';
import { stateFrom } from '../decider.ts';
import { fen } from '../money.ts';
import { type CapHistoryEntry, capHistoryEntryOf, capHistoryFrom } from '../policy/caps.ts';
import { testPolicy, wireRule } from '../policy/test-support.ts';
import { decideSale, type SellMeal } from '../sales/sale.ts';
import type { MealSoldData } from '../sales/sale-events.ts';
import { type CountedMeal, decideOffline, type OfflineCopy } from '../terminals/offline-copy.ts';
import type { BusinessDate } from '../time/calendar.ts';
import { capHistoryOf } from './allowance.ts';
import { type ElderEvent, elder, requireRegistered } from './elder.ts';

/**
 * The elder's cap history is what the service's decisions count; the offline copy's meals and the
 * terminal's own later sales are what the terminal's count. Both are made of the same entries
 * (capHistoryEntryOf), so a meal is decided alike on either side, voids and month ends included.
 */

// Two subsidised meals a week; the ISO week of 2026-10-01 (a Thursday) runs from Monday 2026-09-28.
const policy = testPolicy({
  policyId: 'two-a-week',
  effectiveFrom: '2026-01-01',
  rules: [wireRule({ ruleId: 'age-80', eligible: { minAge: 80 }, periods: ['lunch'], stackGroup: 'base' })],
  caps: [{ per: 'week', max: 2 }],
});
const canteen: CanteenDetails = {
  name: '幸福食堂',
  district: '西城区',
  town: '德胜街道',
  location: null,
  periods: { lunch: { from: '11:00', to: '13:30' } },
  menu: [{ itemId: 'set-a', name: '套餐A', priceFen: fen(1200) }],
};
const registered: ElderEvent = {
  type: 'ElderRegistered',
  data: {
    elderId: 'e1',
    profile: {
      name: '张三明',
      birthDate: '1940-03-01',
      idNumber: { sealed: 's', lookupHash: 'h', masked: 'm' },
      district: '西城区',
      town: '德胜街道',
      homeCanteenId: null,
      categories: [],
    },
  },
};

type Step = { readonly sell: string; readonly on: BusinessDate } | { readonly void: string };

interface Given {
  readonly events: readonly ElderEvent[];
  /** The sales as the service recorded them, and whether each was voided since. */
  readonly sales: readonly { readonly sale: MealSoldData; readonly voided: boolean }[];
}

const lunchOn = (date: BusinessDate) => Date.parse(`${date}T12:00:00+08:00`);

function sellCommand(saleId: string, on: BusinessDate): SellMeal {
  return {
    saleId,
    terminalSeq: 1,
    occurredAt: lunchOn(on),
    channel: 'dine-in',
    cardUid: 'K1',
    items: [{ itemId: 'set-a', qty: 1 }],
    payment: null,
    offline: null,
    fingerprint: saleId,
  };
}

/** The service deciding a sale for the elder as the events leave it. */
function serviceSells(events: readonly ElderEvent[], saleId: string, on: BusinessDate) {
  return decideSale(sellCommand(saleId, on), {
    terminalId: 't1',
    cashierId: null,
    canteenId: 'c1',
    canteen,
    card: { status: 'active', elderId: 'e1' },
    elder: requireRegistered(stateFrom(elder, events)),
    policy,
  });
}

/** The elder's events after the steps, each sale decided by the service as it came. */
function given(steps: readonly Step[]): Given {
  let events: ElderEvent[] = [registered];
  let sales: Given['sales'] = [];
  for (const step of steps) {
    if ('sell' in step) {
      const { sold, allowance } = serviceSells(events, step.sell, step.on);
      if (allowance === null) throw new Error('the elder holds the card');
      events = [...events, allowance];
      sales = [...sales, { sale: sold.data, voided: false }];
    } else {
      const voided = sales.find((entry) => entry.sale.saleId === step.void);
      if (!voided) throw new Error(`no sale ${step.void}`);
      events = [
        ...events,
        {
          type: 'MealSubsidyVoided',
          data: { elderId: 'e1', saleId: step.void, businessDate: voided.sale.businessDate },
        },
      ];
      sales = sales.map((entry) => (entry === voided ? { ...entry, voided: true } : entry));
    }
  }
  return { events, sales };
}

/** The copy the service hands the terminal on `today`: the elder's recorded, non-voided meals since capHistoryFrom. */
function offlineCopyOn(today: BusinessDate, { sales }: Given): OfflineCopy {
  const meals: CountedMeal[] = sales
    .filter((entry) => !entry.voided && entry.sale.businessDate >= capHistoryFrom(today))
    .map(({ sale }) => ({ saleId: sale.saleId, ...capHistoryEntryOf(sale) }));
  return {
    terminalId: 't1',
    canteenId: 'c1',
    generatedAt: lunchOn(today) - 3_600_000,
    canteen,
    policies: [policy],
    cards: [{ cardUid: 'K1', elderId: 'e1', status: 'active' }],
    elders: [
      {
        elderId: 'e1',
        maskedName: '张*明',
        birthDate: '1940-03-01',
        categories: [],
        district: '西城区',
        town: '德胜街道',
        homeCanteenId: null,
        deathDate: null,
        meals,
      },
    ],
  };
}

const asCapped = ({
  businessDate,
  period,
  subsidised,
  paidStackGroups,
}: CapHistoryEntry): CapHistoryEntry => ({
  businessDate,
  period,
  subsidised,
  paidStackGroups,
});

/**
 * Given the steps, when the service and the terminal (from that morning's copy) decide a lunch on
 * `on`, then both decide it alike, and the elder's cap history afterwards is the earlier one plus the
 * entry the terminal counts for the meal.
 */
function whenSold(steps: readonly Step[], saleId: string, on: BusinessDate) {
  const before = given(steps);
  const service = serviceSells(before.events, saleId, on);
  const terminal = decideOffline(offlineCopyOn(on, before), sellCommand(saleId, on), new Map());
  const elderBefore = requireRegistered(stateFrom(elder, before.events));
  const elderAfter = requireRegistered(
    stateFrom(elder, [...before.events, ...(service.allowance ? [service.allowance] : [])]),
  );
  return {
    service: service.sold.data,
    terminal,
    counted: capHistoryOf(elderBefore.allowance, on).map(asCapped),
    countedAfter: capHistoryOf(elderAfter.allowance, on).map(asCapped),
    copyMeals: offlineCopyOn(on, before).elders[0]?.meals.map(asCapped),
  };
}

describe('cap history: the elder counts what the deciders count', () => {
  it('given a voided meal in the same ISO week of the month before, when a lunch is sold, then it is not counted', () => {
    const steps: Step[] = [
      { sell: 's1', on: '2026-09-28' },
      { sell: 's2', on: '2026-09-29' },
      { void: 's1' },
    ];
    const { service, terminal, counted, countedAfter, copyMeals } = whenSold(steps, 's3', '2026-10-01');

    // Only Tuesday's meal counts, on both sides: the week reaches back into September, the void drops s1.
    const tuesday = {
      businessDate: '2026-09-29',
      period: 'lunch',
      subsidised: true,
      paidStackGroups: ['base'],
    };
    expect(counted).toEqual([tuesday]);
    expect(copyMeals).toEqual(counted);
    expect(service).toMatchObject({ subsidyFen: 300, reasons: [] });
    expect(terminal).toMatchObject({ subsidyFen: service.subsidyFen, reasons: service.reasons });

    // The decided meal enters the elder's history as the very entry the terminal counts for it.
    expect(terminal.counted).toEqual({ saleId: 's3', ...countedAfter.at(-1) });
    expect(countedAfter).toEqual([...counted, asCapped(capHistoryEntryOf(service))]);
  });

  it('given two subsidised meals in a week spanning two months, when a third is sold, then both sides stop it at the week cap', () => {
    const steps: Step[] = [
      { sell: 's1', on: '2026-09-29' },
      { sell: 's2', on: '2026-10-01' },
    ];
    const { service, terminal, counted, countedAfter, copyMeals } = whenSold(steps, 's3', '2026-10-02');

    expect(copyMeals).toEqual(counted);
    expect(counted.map((entry) => entry.businessDate)).toEqual(['2026-09-29', '2026-10-01']);
    expect(service).toMatchObject({ subsidyFen: 0, reasons: ['cap-week'] });
    expect(terminal).toMatchObject({ subsidyFen: 0, reasons: ['cap-week'] });
    // Unsubsidised, it stays in the history but counts towards no cap.
    expect(countedAfter.at(-1)).toEqual({
      businessDate: '2026-10-02',
      period: 'lunch',
      subsidised: false,
      paidStackGroups: [],
    });
    expect(terminal.counted).toEqual({ saleId: 's3', ...countedAfter.at(-1) });
  });

  it('given a full week, when a lunch is sold the next Monday, then the new week counts nothing', () => {
    const steps: Step[] = [
      { sell: 's1', on: '2026-09-29' },
      { sell: 's2', on: '2026-10-01' },
    ];
    const { service, terminal, counted, copyMeals } = whenSold(steps, 's3', '2026-10-05');

    // The month's meals are at hand (a month cap would count them); the week cap counts none of them.
    expect(counted.map((entry) => entry.businessDate)).toEqual(['2026-10-01']);
    expect(copyMeals).toEqual(counted);
    expect(service).toMatchObject({ subsidyFen: 300, reasons: [] });
    expect(terminal).toMatchObject({ subsidyFen: 300, reasons: [] });
  });
});
