import { describe, expect, it } from 'vitest';
import type { CanteenDetails } from '../canteens/canteen.ts';
import { stateFrom } from '../decider.ts';
import type { DomainError } from '../domain-error.ts';
import { type ElderEvent, elder, requireRegistered } from '../elders/elder.ts';
import { fen } from '../money.ts';
import { parsePolicyDocument } from '../policy/policy-document.ts';
import type { PolicyDocument } from '../policy/policy-types.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import { CLOCK_SKEW_ALLOWANCE_MS, decideSale, type SaleContext, type SellMeal, sale } from './sale.ts';
import type { MealSoldData, SaleEvent } from './sale-events.ts';

const parsed = parsePolicyDocument({
  policyId: 'tianjin-like',
  name: '80周岁以上每餐3元',
  effectiveFrom: '2026-01-01',
  scope: 'citywide',
  offlineExcess: 'elder-owes',
  rules: [
    {
      ruleId: 'age-80',
      eligible: { minAge: 80 },
      periods: ['lunch', 'dinner'],
      benefit: { kind: 'fixed', fen: 300 },
      stackGroup: 'base',
      funding: [
        { source: 'city-welfare-lottery', shareBp: 6000 },
        { source: 'district-finance', shareBp: 4000 },
      ],
    },
  ],
  caps: [{ per: 'day', max: 1 }],
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const policy: PolicyDocument = parsed.policy;

const canteen: CanteenDetails = {
  name: '幸福食堂',
  district: '西城区',
  town: '德胜街道',
  location: null,
  periods: { lunch: { from: '11:00', to: '13:30' } },
  menu: [
    { itemId: 'set-a', name: '套餐A', priceFen: fen(1200) },
    { itemId: 'soup', name: '例汤', priceFen: fen(200) },
  ],
};
const elderRegistered: ElderEvent = {
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
const NOON = Date.parse('2026-10-08T12:00:00+08:00');

const command = (overrides: Partial<SellMeal> = {}): SellMeal => ({
  saleId: 'sale-1',
  terminalSeq: 1,
  occurredAt: NOON,
  channel: 'dine-in',
  cardUid: 'K1',
  items: [{ itemId: 'set-a', qty: 1 }],
  payment: { method: 'cash' },
  offline: null,
  fingerprint: 'f1',
  ...overrides,
});
const context = (
  elderEvents: readonly ElderEvent[] = [elderRegistered],
  overrides: Partial<SaleContext> = {},
): SaleContext => ({
  terminalId: 't1',
  cashierId: 'cashier-7',
  canteenId: 'c1',
  canteen,
  card: { status: 'active', elderId: 'e1' },
  elder: requireRegistered(stateFrom(elder, elderEvents)),
  policy,
  ...overrides,
});

function refusal(run: () => unknown): DomainError | undefined {
  try {
    run();
  } catch (error) {
    return error as DomainError;
  }
  return undefined;
}

describe('deciding a sale', () => {
  it('sells a guest meal at full price and touches no allowance', () => {
    const { sold, allowance } = decideSale(
      command({ cardUid: null }),
      context([elderRegistered], { card: null, elder: null }),
    );
    expect(sold.data).toMatchObject({
      totalFen: 1200,
      subsidyFen: 0,
      elderPaysFen: 1200,
      elderId: null,
      reasons: ['no-card'],
    });
    expect(allowance).toBeNull();
  });

  it('prices every item by the menu at the sale time and subsidises an eligible elder with funding parts', () => {
    const { sold, allowance } = decideSale(
      command({
        items: [
          { itemId: 'set-a', qty: 1 },
          { itemId: 'soup', qty: 2 },
        ],
      }),
      context(),
    );
    expect(sold.data).toMatchObject({
      businessDate: '2026-10-08',
      period: 'lunch',
      totalFen: 1600,
      subsidyFen: 300,
      elderPaysFen: 1300,
      elderId: 'e1',
      policyId: 'tianjin-like',
      cashierId: 'cashier-7',
      excluded: [],
    });
    expect(sold.data.items).toEqual([
      { itemId: 'set-a', name: '套餐A', unitPriceFen: 1200, qty: 1 },
      { itemId: 'soup', name: '例汤', unitPriceFen: 200, qty: 2 },
    ]);
    expect(sold.data.lines).toEqual([
      {
        ruleId: 'age-80',
        stackGroup: 'base',
        fen: 300,
        funding: [
          { source: 'city-welfare-lottery', fen: 180 },
          { source: 'district-finance', fen: 120 },
        ],
      },
    ]);
    expect(allowance?.data).toMatchObject({
      elderId: 'e1',
      saleId: 'sale-1',
      businessDate: '2026-10-08',
      owedFen: 0,
    });
  });

  it('sells a second meal the same day at full price: the daily cap is used up', () => {
    const first = decideSale(command(), context()).allowance as ElderEvent;
    const { sold } = decideSale(
      command({ saleId: 'sale-2', occurredAt: NOON + 60_000 }),
      context([elderRegistered, first]),
    );
    expect(sold.data).toMatchObject({ subsidyFen: 0, elderPaysFen: 1200, reasons: ['cap-day'] });
  });

  it('sells at full price with a card retired before the sale', () => {
    const { sold } = decideSale(
      command(),
      context([elderRegistered], { card: { status: 'retired', elderId: 'e1' } }),
    );
    expect(sold.data).toMatchObject({ subsidyFen: 0, reasons: ['card-retired'], elderId: 'e1' });
  });

  it('refuses an item that is not on the menu and a card that is not registered, naming the field', () => {
    expect(
      refusal(() =>
        decideSale(
          command({
            items: [
              { itemId: 'set-a', qty: 1 },
              { itemId: 'caviar', qty: 1 },
            ],
          }),
          context(),
        ),
      ),
    ).toMatchObject({
      code: 'item-unknown',
      field: 'items[1].itemId',
    });
    expect(
      refusal(() =>
        decideSale(command(), context([elderRegistered], { card: { status: 'unknown' }, elder: null })),
      ),
    ).toMatchObject({
      code: 'card-unknown',
    });
  });

  it('reconciles an offline sale over the cap: the applied subsidy stands, the over-cap part is excluded and owed', () => {
    const first = decideSale(command(), context()).allowance as ElderEvent;
    const { sold, allowance } = decideSale(
      command({ saleId: 'sale-2', offline: { appliedSubsidyFen: fen(300) } }),
      context([elderRegistered, first]),
    );
    expect(sold.data).toMatchObject({
      offline: true,
      subsidyFen: 300,
      elderPaysFen: 900,
      lines: [],
      excluded: [{ reason: 'offline-over-cap', fen: 300 }],
    });
    expect(allowance?.data).toMatchObject({ lines: [], owedFen: 300 });
  });

  it("shows an offline debt once, at the elder's next sale", () => {
    const first = decideSale(command(), context()).allowance as ElderEvent;
    const overCap = decideSale(
      command({ saleId: 'sale-2', offline: { appliedSubsidyFen: fen(300) } }),
      context([elderRegistered, first]),
    ).allowance as ElderEvent;
    const next = decideSale(
      command({ saleId: 'sale-3', occurredAt: NOON + 86_400_000 }),
      context([elderRegistered, first, overCap]),
    );
    expect(next.sold.data.notice).toEqual({ owedFen: 300 });
    const after = decideSale(
      command({ saleId: 'sale-4', occurredAt: NOON + 2 * 86_400_000 }),
      context([elderRegistered, first, overCap, next.allowance as ElderEvent]),
    );
    expect(after.sold.data.notice).toBeNull();
  });

  it('records an offline sale with an unknown card at zero reimbursement instead of refusing it', () => {
    const { sold, allowance } = decideSale(
      command({ cardUid: 'K-UNKNOWN', offline: { appliedSubsidyFen: fen(300) } }),
      context([elderRegistered], { card: { status: 'unknown' }, elder: null }),
    );
    expect(sold.data).toMatchObject({
      subsidyFen: 300,
      elderPaysFen: 900,
      lines: [],
      excluded: [{ reason: 'offline-mismatch', fen: 300 }],
      reasons: ['card-unknown'],
      elderId: null,
    });
    expect(allowance).toBeNull();
  });

  it('refuses an offline subsidy above the price', () => {
    expect(
      refusal(() => decideSale(command({ offline: { appliedSubsidyFen: fen(5000) } }), context())),
    ).toMatchObject({
      code: 'invalid-body',
      field: 'appliedSubsidyFen',
    });
  });
});

describe('voiding a sale', () => {
  const soldEvent = (): SaleEvent => ({
    type: 'MealSold',
    data: decideSale(command(), context()).sold.data as MealSoldData,
  });
  const spec = deciderSpec(sale);
  const voidIt = { saleId: 'sale-1', reason: '点错餐', at: NOON + 5000 };

  it('voids a sold meal once; voiding again records nothing', () => {
    const voided: SaleEvent = {
      type: 'SaleVoided',
      data: { saleId: 'sale-1', reason: '点错餐', voidedAt: NOON + 5000 },
    };
    spec.given([soldEvent()]).when(voidIt).expect([voided]);
    spec.given([soldEvent(), voided]).when(voidIt).expect([]);
  });

  it('refuses to void a sale that was never recorded', () => {
    spec.given([]).when(voidIt).expectRefusal('not-found');
  });

  it("records the caller's time of the void beside the service's, as given", () => {
    const madeAt = NOON + 3 * 60_000;
    spec
      .given([soldEvent()])
      .when({ ...voidIt, at: NOON + 30 * 86_400_000, occurredAt: madeAt })
      .expect([
        {
          type: 'SaleVoided',
          data: { saleId: 'sale-1', reason: '点错餐', voidedAt: NOON + 30 * 86_400_000, occurredAt: madeAt },
        },
      ]);
  });

  it('refuses a void time beyond the clock allowance, and one before the sale', () => {
    spec
      .given([soldEvent()])
      .when({ ...voidIt, occurredAt: voidIt.at + CLOCK_SKEW_ALLOWANCE_MS + 1 })
      .expectRefusal('clock-skew', 'occurredAt');
    spec
      .given([soldEvent()])
      .when({ ...voidIt, occurredAt: voidIt.at + CLOCK_SKEW_ALLOWANCE_MS })
      .expect([
        {
          type: 'SaleVoided',
          data: {
            saleId: 'sale-1',
            reason: '点错餐',
            voidedAt: voidIt.at,
            occurredAt: voidIt.at + CLOCK_SKEW_ALLOWANCE_MS,
          },
        },
      ]);
    spec
      .given([soldEvent()])
      .when({ ...voidIt, occurredAt: NOON - 1 })
      .expectRefusal('void-before-sale', 'occurredAt');
  });

  it('voids again with nothing recorded whatever time the repeat gives', () => {
    const voided: SaleEvent = {
      type: 'SaleVoided',
      data: { saleId: 'sale-1', reason: '点错餐', voidedAt: NOON + 5000, occurredAt: NOON + 1000 },
    };
    for (const occurredAt of [undefined, NOON - 1, NOON + 999 * 86_400_000])
      spec
        .given([soldEvent(), voided])
        .when({ ...voidIt, occurredAt })
        .expect([]);
  });
});
