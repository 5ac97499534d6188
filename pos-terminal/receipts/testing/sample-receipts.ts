import type { DayReportInput, SaleReceiptInput } from '../receipt-model.ts';

export const SALE_ID = '0b7c1f7e-6d0a-4a0e-9d7e-1c2b3a4d5e6f';

/** 12:00:05 in Shanghai is 04:00:05 UTC: a terminal on UTC would print the wrong hour. */
export const NOON_IN_SHANGHAI = Date.UTC(2026, 9, 8, 4, 0, 5);

export function sampleSale(overrides: Partial<SaleReceiptInput> = {}): SaleReceiptInput {
  return {
    canteenName: '和平街道长者食堂',
    terminalId: 'heping-01-t1',
    saleNumber: 1207,
    saleId: SALE_ID,
    occurredAt: NOON_IN_SHANGHAI,
    cashierName: '李小红',
    items: [
      { name: '红烧肉套餐', qty: 1, unitPriceFen: 1200, lineFen: 1200 },
      { name: '小米粥', qty: 2, unitPriceFen: 150, lineFen: 300 },
    ],
    totalFen: 1500,
    subsidyFen: 300,
    elderPaysFen: 1200,
    subsidyNote: null,
    maskedName: '张*明',
    paymentMethod: '现金',
    offline: false,
    lang: 'zh-CN',
    ...overrides,
  };
}

export function sampleDay(overrides: Partial<DayReportInput> = {}): DayReportInput {
  return {
    canteenName: '和平街道长者食堂',
    terminalId: 'heping-01-t1',
    businessDate: '2026-10-08',
    printedAt: Date.UTC(2026, 9, 8, 12, 30, 0),
    periods: [
      {
        period: 'lunch',
        meals: 41,
        subsidisedMeals: 37,
        unsubsidisedMeals: 4,
        portions: 45,
        totalFen: 49200,
        subsidyFen: 11100,
        elderPaysFen: 38100,
      },
      {
        period: 'dinner',
        meals: 23,
        subsidisedMeals: 20,
        unsubsidisedMeals: 3,
        portions: 23,
        totalFen: 23000,
        subsidyFen: 6000,
        elderPaysFen: 17000,
      },
    ],
    totals: {
      meals: 64,
      subsidisedMeals: 57,
      unsubsidisedMeals: 7,
      guestMeals: 5,
      portions: 68,
      totalFen: 72200,
      subsidyFen: 17100,
      elderPaysFen: 55100,
      voids: 2,
      offlineMeals: 5,
    },
    lang: 'zh-CN',
    ...overrides,
  };
}
