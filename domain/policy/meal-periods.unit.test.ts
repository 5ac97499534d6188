import { describe, expect, it } from 'vitest';
import { canteenPeriodProblems, mealPeriodAt } from './meal-periods.ts';
import { HOME_CANTEEN } from './test-support.ts';

describe("a sale's meal period", () => {
  it.each([
    ['06:29', null],
    ['06:30', 'breakfast'], // from inclusive
    ['08:59', 'breakfast'],
    ['09:00', null], // to exclusive
    ['11:00', 'lunch'],
    ['13:29', 'lunch'],
    ['13:30', null],
    ['18:59', 'dinner'],
    ['23:59', null],
  ])('%s is %s', (time, period) => {
    expect(mealPeriodAt(HOME_CANTEEN.periods, time)).toBe(period);
  });

  it('serves the last minute of the day in a period that ends at 24:00', () => {
    const evening = { dinner: { from: '17:00', to: '24:00' } };
    expect(mealPeriodAt(evening, '23:59')).toBe('dinner');
    expect(mealPeriodAt(evening, '00:00')).toBeNull();
  });

  it('finds nothing for a period the canteen does not serve', () => {
    expect(mealPeriodAt({ lunch: { from: '11:00', to: '13:00' } }, '07:00')).toBeNull();
  });
});

describe('registering canteen periods', () => {
  it('accepts periods that do not overlap', () => {
    expect(canteenPeriodProblems(HOME_CANTEEN.periods)).toEqual([]);
    expect(
      canteenPeriodProblems({
        breakfast: { from: '07:00', to: '11:00' },
        lunch: { from: '11:00', to: '13:00' },
      }),
    ).toEqual([]);
    // Midnight at the day's end closes a period that runs to the last minute.
    expect(canteenPeriodProblems({ dinner: { from: '17:00', to: '24:00' } })).toEqual([]);
  });

  it.each([
    [{ lunch: { from: '11:00', to: '13:00' }, dinner: { from: '12:59', to: '19:00' } }, 'periods.dinner'],
    [{ lunch: { from: '11:00', to: '11:00' } }, 'periods.lunch.to'],
    [{ lunch: { from: '11:00', to: '10:00' } }, 'periods.lunch.to'],
    [{ lunch: { from: '11h00', to: '13:00' } }, 'periods.lunch.from'],
    [{ dinner: { from: '24:00', to: '24:00' } }, 'periods.dinner.from'],
    [{ dinner: { from: '17:00', to: '24:01' } }, 'periods.dinner.to'],
    [{ dinner: { from: '17:00', to: '25:00' } }, 'periods.dinner.to'],
  ])('refuses %o at %s', (periods, path) => {
    expect(canteenPeriodProblems(periods).map((problem) => problem.path)).toEqual([path]);
  });

  it('says what is wrong in Chinese as well as in English', () => {
    expect(
      canteenPeriodProblems({
        lunch: { from: '11:00', to: '13:00' },
        dinner: { from: '12:59', to: '19:00' },
      }),
    ).toEqual([{ path: 'periods.dinner', message: 'overlaps lunch', messageZh: '与午餐(lunch)时段重叠' }]);
    expect(canteenPeriodProblems({ lunch: { from: '11:00', to: '10:00' } })).toEqual([
      {
        path: 'periods.lunch.to',
        message: 'a period must end after it starts',
        messageZh: '午餐的结束时间须晚于开始时间',
      },
    ]);
  });
});
