import { describe, expect, it } from 'vitest';
import { fen } from '../money.ts';
import type { MealSoldData } from '../sales/sale-events.ts';
import { instantFromIso } from '../time/shanghai-time.ts';
import { supervisedSaleOf, supervisionFactOf } from './facts.ts';

const occurredAt = instantFromIso('2026-10-08T12:05:30+08:00') as number;
const sold: MealSoldData = {
  saleId: 's1',
  terminalId: 't1',
  terminalSeq: 3,
  cashierId: 'c1',
  canteenId: 'heping-01',
  occurredAt,
  businessDate: '2026-10-08',
  period: 'lunch',
  channel: 'dine-in',
  items: [{ itemId: 'set-a', name: '套餐A', unitPriceFen: fen(1200), qty: 1 }],
  totalFen: fen(1200),
  cardUid: 'CARD0001',
  elderId: 'e1',
  policyId: 'p',
  subsidyFen: fen(500),
  elderPaysFen: fen(700),
  lines: [
    { ruleId: 'age-80', stackGroup: 'base', fen: fen(200), funding: [{ source: 'city', fen: fen(200) }] },
  ],
  excluded: [
    { reason: 'offline-over-cap', fen: fen(200) },
    { reason: 'offline-mismatch', fen: fen(100) },
  ],
  reasons: ['cap-day', 'card-retired'],
  offline: true,
  payment: null,
  fingerprint: 'f',
  notice: null,
};

describe('facts from recorded events', () => {
  it('takes a sale from MealSold', () => {
    expect(supervisionFactOf({ id: 'ev1', type: 'MealSold', data: sold }, () => null)).toEqual({
      type: 'sale',
      sale: {
        saleId: 's1',
        eventId: 'ev1',
        canteenId: 'heping-01',
        terminalId: 't1',
        cashierId: 'c1',
        occurredAt,
        businessDate: '2026-10-08',
        localTime: '12:05',
        period: 'lunch',
        cardUid: 'CARD0001',
        elderId: 'e1',
        appliedSubsidyFen: 500,
        reimbursableFen: 200,
        overCapFen: 200,
        mismatchFen: 100,
        offline: true,
        decidedCardRetired: true,
        decidedElderDeceased: false,
      },
    });
  });

  it('takes a void from SaleVoided with its sale, and none without it', () => {
    const voided = { saleId: 's1', reason: '退餐', voidedAt: occurredAt + 60_000 };
    const fact = supervisionFactOf({ id: 'ev2', type: 'SaleVoided', data: voided }, () =>
      supervisedSaleOf('ev1', sold),
    );
    expect(fact).toMatchObject({
      type: 'void',
      void: {
        saleId: 's1',
        eventId: 'ev2',
        saleEventId: 'ev1',
        canteenId: 'heping-01',
        businessDate: '2026-10-08',
      },
    });
    expect(supervisionFactOf({ id: 'ev2', type: 'SaleVoided', data: voided }, () => null)).toBeNull();
  });

  it("keeps when a void was recorded, when it was made (the caller's occurredAt) and whether the bureau recorded it", () => {
    const soldOf = () => supervisedSaleOf('ev1', sold);
    const recordedAt = occurredAt + 30 * 86_400_000;
    const recordedOnly = { saleId: 's1', reason: '退餐', voidedAt: recordedAt };
    const withTime = { ...recordedOnly, occurredAt: occurredAt + 5 * 60_000 };
    const voidOf = (data: object, actor?: { type: string }) => {
      const fact = supervisionFactOf(
        { id: 'ev2', type: 'SaleVoided', data, ...(actor ? { metadata: { actor } } : {}) },
        soldOf,
      );
      if (fact?.type !== 'void') throw new Error('not a void');
      return fact.void;
    };
    const recorded = voidOf(recordedOnly, { type: 'terminal' });
    expect(recorded).toMatchObject({ voidedAt: recordedAt, saleOccurredAt: occurredAt });
    expect(recorded.madeAt).toBeUndefined();
    expect(recorded.byBureau).toBeUndefined();
    expect(voidOf(withTime, { type: 'terminal' })).toMatchObject({
      voidedAt: recordedAt,
      madeAt: occurredAt + 5 * 60_000,
    });
    expect(voidOf(withTime, { type: 'terminal' }).byBureau).toBeUndefined();
    expect(voidOf(withTime, { type: 'admin' }).byBureau).toBe(true);
    expect(voidOf(withTime, { type: 'bureau-user' }).byBureau).toBe(true);
    expect(voidOf(withTime).byBureau).toBeUndefined();
  });

  it('takes canteens, elders, deaths and cards, and ignores other events', () => {
    const details = {
      name: '食堂',
      district: '和平区',
      town: '南营门街道',
      location: { lat: 39.1, lng: 117.2 },
      periods: { lunch: { from: '11:00', to: '13:30' } },
      menu: [],
      closedDays: { weekdays: [7], dates: ['2026-10-01'] },
    };
    const canteen = supervisionFactOf(
      { id: 'c', type: 'CanteenChanged', data: { canteenId: 'a', details, effectiveFrom: 5 } },
      () => null,
    );
    expect(canteen).toMatchObject({
      type: 'canteen',
      canteen: {
        canteenId: 'a',
        effectiveFrom: 5,
        location: { lat: 39.1, lng: 117.2 },
        schedule: { closedWeekdays: [7], closedDates: ['2026-10-01'] },
      },
    });
    expect(
      supervisionFactOf(
        { id: 'd', type: 'ElderDied', data: { elderId: 'e1', date: '2026-10-01' } },
        () => null,
      ),
    ).toEqual({
      type: 'death',
      elderId: 'e1',
      date: '2026-10-01',
      eventId: 'd',
    });
    expect(
      supervisionFactOf(
        { id: 'r', type: 'CardRetired', data: { cardUid: 'C', elderId: 'e1', effectiveFrom: 9 } },
        () => null,
      ),
    ).toEqual({ type: 'card-retired', cardUid: 'C', elderId: 'e1', at: 9, eventId: 'r' });
    expect(
      supervisionFactOf({ id: 'x', type: 'MonthClosed', data: { month: '2026-02' } }, () => null),
    ).toEqual({
      type: 'day-ended',
      businessDate: '2026-02-28',
    });
    expect(supervisionFactOf({ id: 'y', type: 'PolicyRegistered', data: {} }, () => null)).toBeNull();
  });
});
