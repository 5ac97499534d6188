import { describe, expect, it } from 'vitest';
import { computeOperatingSubsidy, type OperatingSaleFact } from './operating-subsidy.ts';
import { testPolicy } from './test-support.ts';

const guest = (businessDate: string): OperatingSaleFact => ({
  businessDate,
  elder: null,
  reimbursedSubsidy: false,
});

const elderMeal = (
  businessDate: string,
  elderId: string,
  ageOnDate: number,
  { subsidised = true, alive = true } = {},
): OperatingSaleFact => ({
  businessDate,
  elder: { elderId, ageOnDate, aliveOnDate: alive },
  reimbursedSubsidy: subsidised,
});

/**
 * 3 June: A twice (subsidised), B once (not subsidised), a guest — 4 meals, elders A and B.
 * 4 June: A once (subsidised), C who died the day before (not subsidised) — 2 meals, elder A.
 */
const JUNE: OperatingSaleFact[] = [
  elderMeal('2024-06-03', 'A', 70),
  elderMeal('2024-06-03', 'A', 70),
  elderMeal('2024-06-03', 'B', 80, { subsidised: false }),
  guest('2024-06-03'),
  elderMeal('2024-06-04', 'A', 70),
  elderMeal('2024-06-04', 'C', 90, { subsidised: false, alive: false }),
];

const operating = (operatingSubsidy: Record<string, unknown>[], sales = JUNE) =>
  computeOperatingSubsidy({ policy: testPolicy({ operatingSubsidy }), month: '2024-06', sales });

describe('operating subsidy for a canteen month', () => {
  it('pays per reimbursed subsidised meal', () => {
    const result = operating([{ kind: 'perSubsidisedMeal', fen: 100 }]);
    expect(result.lines).toEqual([
      {
        kind: 'perSubsidisedMeal',
        rateFen: 100,
        subsidisedMeals: 3,
        uncappedFen: 300,
        monthlyCapFen: null,
        fen: 300,
      },
    ]);
    expect(result.totalFen).toBe(300);
  });

  it('pays per distinct elder served alive each day, subsidised or not; guests are not elder-days', () => {
    // 3 June: A and B; 4 June: A (C had died).
    expect(operating([{ kind: 'perElderDay', fen: 300 }]).lines[0]).toMatchObject({ elderDays: 3, fen: 900 });
  });

  it('pays the same elder-days by age band on the day, nothing outside every band', () => {
    const result = operating([
      {
        kind: 'perDinerByAge',
        bands: [
          { minAge: 65, maxAge: 74, fen: 80 },
          { minAge: 75, fen: 120 },
        ],
      },
    ]);
    // A (70) on two days = 160, B (80) once = 120.
    expect(result.lines[0]).toMatchObject({ fen: 280, elderDaysWithoutBand: 0 });
    const younger = operating([{ kind: 'perDinerByAge', bands: [{ minAge: 75, fen: 120 }] }]);
    expect(younger.lines[0]).toMatchObject({ fen: 120, elderDaysWithoutBand: 2 });
  });

  it('pays a flat amount to a canteen with at least one sale, guests included', () => {
    expect(operating([{ kind: 'flatMonthly', fen: 150_000 }], [guest('2024-06-10')]).totalFen).toBe(150_000);
    expect(operating([{ kind: 'flatMonthly', fen: 150_000 }], []).totalFen).toBe(0);
  });

  it('pays nothing per meal or per day for a day below the minimum meals, counting guests', () => {
    const result = operating([
      { kind: 'perSubsidisedMeal', fen: 100 },
      { kind: 'perElderDay', fen: 300 },
      { kind: 'flatMonthly', fen: 1000 },
      { kind: 'minMealsPerDay', meals: 3 },
    ]);
    // 3 June has 4 meals (the guest counts), 4 June only 2: only 3 June earns.
    expect(result.lines.map((line) => line.fen)).toEqual([200, 600, 1000, 0]);
    expect(result.lines[3]).toMatchObject({
      kind: 'minMealsPerDay',
      minMeals: 3,
      daysBelowMinimum: ['2024-06-04'],
    });
    expect(result.totalFen).toBe(1800);
    const withoutGuest = operating(
      [
        { kind: 'perElderDay', fen: 300 },
        { kind: 'minMealsPerDay', meals: 4 },
      ],
      JUNE.filter((sale) => sale.elder !== null),
    );
    expect(withoutGuest.totalFen).toBe(0);
  });

  it('holds an item to its monthly cap', () => {
    const result = operating([
      { kind: 'perElderDay', fen: 300, monthlyCapFen: 500 },
      { kind: 'perSubsidisedMeal', fen: 100, monthlyCapFen: 1000 },
    ]);
    expect(result.lines.map((line) => [line.uncappedFen, line.fen])).toEqual([
      [900, 500],
      [300, 300],
    ]);
    expect(result.totalFen).toBe(800);
  });

  it('pays nothing without a policy', () => {
    expect(computeOperatingSubsidy({ policy: null, month: '2024-06', sales: JUNE })).toEqual({
      month: '2024-06',
      policyId: null,
      mealsSold: 6,
      lines: [],
      totalFen: 0,
    });
  });

  it('refuses a sale of another month', () => {
    expect(() =>
      computeOperatingSubsidy({ policy: null, month: '2024-06', sales: [guest('2024-07-01')] }),
    ).toThrow(RangeError);
  });
});
