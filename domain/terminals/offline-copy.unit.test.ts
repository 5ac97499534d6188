import { describe, expect, it } from 'vitest';
import { fen } from '../money.ts';
import { HOME_CANTEEN, instant, testPolicy, wireRule } from '../policy/test-support.ts';
import { type CountedMeal, countedMealOfAnswer, decideOffline, type OfflineCopy } from './offline-copy.ts';

const LUNCH = instant('2026-10-08T12:00:00+08:00'); // a Thursday
const policy = testPolicy({
  rules: [
    wireRule({
      ruleId: 'age-80',
      eligible: { minAge: 80 },
      periods: ['lunch', 'dinner'],
      stackGroup: 'base',
    }),
  ],
  caps: [
    { per: 'day', max: 1 },
    { per: 'week', max: 2 },
  ],
});

function copyWith(meals: CountedMeal[] = [], cardStatus: 'active' | 'retired' = 'active'): OfflineCopy {
  return {
    terminalId: 't1',
    canteenId: HOME_CANTEEN.canteenId,
    generatedAt: LUNCH - 3_600_000,
    canteen: {
      name: '荔城幸福食堂',
      district: HOME_CANTEEN.district,
      town: HOME_CANTEEN.town,
      location: null,
      periods: HOME_CANTEEN.periods,
      menu: [
        { itemId: 'set-a', name: '套餐', priceFen: fen(1200) },
        { itemId: 'soup', name: '例汤', priceFen: fen(200) },
      ],
    },
    policies: [policy],
    cards: [{ cardUid: 'K1', elderId: 'e1', status: cardStatus }],
    elders: [
      {
        elderId: 'e1',
        maskedName: '张*明',
        birthDate: '1940-03-15',
        categories: [],
        district: HOME_CANTEEN.district,
        town: HOME_CANTEEN.town,
        homeCanteenId: null,
        deathDate: null,
        meals,
      },
    ],
  };
}

const meal = (overrides: Partial<Parameters<typeof decideOffline>[1]> = {}) => ({
  saleId: 's-new',
  occurredAt: LUNCH,
  channel: 'dine-in' as const,
  cardUid: 'K1',
  items: [{ itemId: 'set-a', qty: 1 }],
  ...overrides,
});
const counted = (saleId: string, businessDate: string): CountedMeal => ({
  saleId,
  businessDate,
  period: 'lunch',
  subsidised: true,
  paidStackGroups: ['base'],
});

describe('deciding a meal from the offline copy (docs/policy-language.en.md, "Offline sales")', () => {
  it('prices from the copy’s menu and decides the subsidy the service would', () => {
    const decision = decideOffline(
      copyWith(),
      meal({
        items: [
          { itemId: 'set-a', qty: 1 },
          { itemId: 'soup', qty: 2 },
        ],
      }),
      new Map(),
    );
    expect(decision).toMatchObject({
      totalFen: 1600,
      subsidyFen: 300,
      elderPaysFen: 1300,
      period: 'lunch',
      elder: { elderId: 'e1', maskedName: '张*明' },
      counted: { saleId: 's-new', businessDate: '2026-10-08', subsidised: true, paidStackGroups: ['base'] },
    });
  });

  it('counts the meals in the copy and those sold since, once each, against the caps', () => {
    const today = counted('s-today', '2026-10-08');
    expect(decideOffline(copyWith([today]), meal(), new Map()).reasons).toEqual(['cap-day']);
    // A meal both in the copy and among the terminal's own later sales counts once: Monday's and today's
    // make two of the week's two, a duplicate of Monday's would make three.
    const monday = counted('s-monday', '2026-10-05');
    const tomorrow = meal({ occurredAt: LUNCH + 86_400_000 });
    expect(decideOffline(copyWith([monday]), tomorrow, new Map([['e1', [monday]]])).subsidyFen).toBe(300);
    expect(decideOffline(copyWith([monday]), tomorrow, new Map([['e1', [today]]])).reasons).toEqual([
      'cap-week',
    ]);
  });

  it('sells a retired card, an unknown card and a guest at full price, and says why', () => {
    expect(decideOffline(copyWith([], 'retired'), meal(), new Map())).toMatchObject({
      subsidyFen: 0,
      reasons: ['card-retired'],
    });
    expect(decideOffline(copyWith(), meal({ cardUid: 'NOPE' }), new Map())).toMatchObject({
      subsidyFen: 0,
      elderPaysFen: 1200,
      reasons: ['card-unknown'],
      elder: null,
      counted: null,
    });
    expect(decideOffline(copyWith(), meal({ cardUid: null }), new Map())).toMatchObject({
      subsidyFen: 0,
      reasons: ['no-card'],
    });
  });

  it('refuses an item that is not on the menu', () => {
    expect(() =>
      decideOffline(copyWith(), meal({ items: [{ itemId: 'caviar', qty: 1 }] }), new Map()),
    ).toThrow(expect.objectContaining({ code: 'item-unknown' }));
  });

  it('counts a sale the service recorded by the stack groups of its rules', () => {
    expect(
      countedMealOfAnswer(copyWith(), 's1', '2026-10-08', {
        period: 'lunch',
        lines: [{ ruleId: 'age-80', fen: 300 }],
      }),
    ).toEqual({
      saleId: 's1',
      businessDate: '2026-10-08',
      period: 'lunch',
      subsidised: true,
      paidStackGroups: ['base'],
    });
    expect(countedMealOfAnswer(copyWith(), 's2', '2026-10-08', { period: 'lunch', lines: [] })).toMatchObject(
      { subsidised: false },
    );
  });
});
