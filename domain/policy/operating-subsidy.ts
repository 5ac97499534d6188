import { add, type Fen, min, multiply, ZERO } from '../money.ts';
import { type BusinessDate, type MonthKey, monthKeyOf } from '../time/calendar.ts';
import type { AgeBand, OperatingSubsidyItem, PolicyDocument } from './policy-types.ts';

/** One non-voided sale of the canteen in the month, as the operating subsidy sees it. */
export interface OperatingSaleFact {
  readonly businessDate: BusinessDate;
  /** The elder whose bound card the sale carried; null for a guest sale. */
  readonly elder: {
    readonly elderId: string;
    /** Whole years on the sale's business date. */
    readonly ageOnDate: number;
    /** Not yet past the date of death on the sale's business date. */
    readonly aliveOnDate: boolean;
  } | null;
  /** Its reimbursable subsidy is above zero. */
  readonly reimbursedSubsidy: boolean;
}

export interface CanteenMonthInput {
  /** The policy in force on the month's last day, or null. */
  readonly policy: PolicyDocument | null;
  readonly month: MonthKey;
  /** The canteen's non-voided sales whose business date falls in the month. */
  readonly sales: readonly OperatingSaleFact[];
}

/** What one operating-subsidy item counted, by kind. */
export type OperatingSubsidyBasis =
  | { readonly kind: 'perSubsidisedMeal'; readonly rateFen: Fen; readonly subsidisedMeals: number }
  | { readonly kind: 'perElderDay'; readonly rateFen: Fen; readonly elderDays: number }
  | {
      readonly kind: 'perDinerByAge';
      /** Elder-days per band, in the policy's band order. */
      readonly bands: readonly (AgeBand & { readonly elderDays: number })[];
      readonly elderDaysWithoutBand: number;
    }
  | { readonly kind: 'flatMonthly'; readonly rateFen: Fen; readonly mealsSold: number }
  | {
      readonly kind: 'minMealsPerDay';
      readonly minMeals: number;
      readonly daysBelowMinimum: readonly BusinessDate[];
    };

/** One item of the statement: its basis, its amount before and after the item's monthly cap. */
export type OperatingSubsidyLine = OperatingSubsidyBasis & {
  readonly uncappedFen: Fen;
  readonly monthlyCapFen: Fen | null;
  readonly fen: Fen;
};

/** 运营补贴: one canteen's operating subsidy for one month. */
export interface OperatingSubsidyStatement {
  readonly month: MonthKey;
  readonly policyId: string | null;
  readonly mealsSold: number;
  /** Items in the policy's order. */
  readonly lines: readonly OperatingSubsidyLine[];
  readonly totalFen: Fen;
}

interface DayTally {
  readonly date: BusinessDate;
  meals: number;
  subsidisedMeals: number;
  /** Age on the day per distinct elder served alive. */
  readonly elderAges: Map<string, number>;
}

/** Computes a canteen's month of operating subsidy (docs/policy-language.en.md, "How the operating subsidy is computed"). */
export function computeOperatingSubsidy(input: CanteenMonthInput): OperatingSubsidyStatement {
  const { policy, month, sales } = input;
  const days = tallyDays(month, sales);
  const items = policy?.operatingSubsidy ?? [];
  const minMeals = Math.max(0, ...items.map((item) => (item.kind === 'minMealsPerDay' ? item.meals : 0)));
  // Below the day minimum, a day earns nothing from per-meal and per-day items (guests count towards it).
  const qualifying = days.filter((day) => day.meals >= minMeals);
  const lines = items.map((item) => lineOf(item, { days, qualifying, mealsSold: sales.length }));
  return {
    month,
    policyId: policy?.policyId ?? null,
    mealsSold: sales.length,
    lines,
    totalFen: add(...lines.map((line) => line.fen)),
  };
}

function tallyDays(month: MonthKey, sales: readonly OperatingSaleFact[]): DayTally[] {
  const byDate = new Map<BusinessDate, DayTally>();
  for (const sale of sales) {
    if (monthKeyOf(sale.businessDate) !== month) {
      throw new RangeError(`sale of ${sale.businessDate} is not in ${month}`);
    }
    let day = byDate.get(sale.businessDate);
    if (!day) {
      day = { date: sale.businessDate, meals: 0, subsidisedMeals: 0, elderAges: new Map() };
      byDate.set(sale.businessDate, day);
    }
    day.meals += 1;
    if (sale.reimbursedSubsidy) day.subsidisedMeals += 1;
    if (sale.elder?.aliveOnDate) day.elderAges.set(sale.elder.elderId, sale.elder.ageOnDate);
  }
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

interface MonthTally {
  readonly days: readonly DayTally[];
  readonly qualifying: readonly DayTally[];
  readonly mealsSold: number;
}

function sumOver(days: readonly DayTally[], count: (day: DayTally) => number): number {
  return days.reduce((total, day) => total + count(day), 0);
}

function bandOf(bands: readonly AgeBand[], age: number): number {
  return bands.findIndex((band) => age >= band.minAge && (band.maxAge === null || age <= band.maxAge));
}

function lineOf(item: OperatingSubsidyItem, month: MonthTally): OperatingSubsidyLine {
  const capped = (basis: OperatingSubsidyBasis, uncappedFen: Fen): OperatingSubsidyLine => ({
    ...basis,
    uncappedFen,
    monthlyCapFen: item.monthlyCapFen,
    fen: item.monthlyCapFen === null ? uncappedFen : min(uncappedFen, item.monthlyCapFen),
  });
  switch (item.kind) {
    case 'perSubsidisedMeal': {
      const subsidisedMeals = sumOver(month.qualifying, (day) => day.subsidisedMeals);
      return capped(
        { kind: item.kind, rateFen: item.fen, subsidisedMeals },
        multiply(item.fen, subsidisedMeals),
      );
    }
    case 'perElderDay': {
      const elderDays = sumOver(month.qualifying, (day) => day.elderAges.size);
      return capped({ kind: item.kind, rateFen: item.fen, elderDays }, multiply(item.fen, elderDays));
    }
    case 'perDinerByAge': {
      const counts = item.bands.map(() => 0);
      let elderDaysWithoutBand = 0;
      for (const day of month.qualifying) {
        for (const age of day.elderAges.values()) {
          const band = bandOf(item.bands, age);
          if (band < 0) elderDaysWithoutBand += 1;
          else counts[band] = (counts[band] ?? 0) + 1;
        }
      }
      const bands = item.bands.map((band, index) => ({ ...band, elderDays: counts[index] ?? 0 }));
      return capped(
        { kind: item.kind, bands, elderDaysWithoutBand },
        add(...bands.map((band) => multiply(band.fen, band.elderDays))),
      );
    }
    case 'flatMonthly':
      return capped(
        { kind: item.kind, rateFen: item.fen, mealsSold: month.mealsSold },
        month.mealsSold > 0 ? item.fen : ZERO,
      );
    case 'minMealsPerDay':
      return capped(
        {
          kind: item.kind,
          minMeals: item.meals,
          daysBelowMinimum: month.days.filter((day) => day.meals < item.meals).map((day) => day.date),
        },
        ZERO,
      );
    default: {
      const _exhaustive: never = item;
      return _exhaustive;
    }
  }
}
