import { type Kysely, sql } from 'kysely';
import type { BusinessDate } from '../../domain/time/calendar.ts';

export interface CanteenPeriodFigures {
  /** The meal period, or `none` for a sale outside every period. */
  readonly period: string;
  readonly meals: number;
  readonly guestMeals: number;
  readonly subsidisedMeals: number;
  readonly offlineMeals: number;
  readonly totalFen: number;
  readonly subsidyFen: number;
  readonly reimbursableFen: number;
  readonly excludedFen: number;
  readonly elderPaysFen: number;
  readonly voids: number;
  /** The reimbursable subsidy by rule and funding source. */
  readonly subsidies: readonly { readonly ruleId: string; readonly source: string; readonly fen: number }[];
}

/** 食堂日报: a canteen's day by meal period (voided sales are only counted as voids). */
export interface CanteenDay {
  readonly canteenId: string;
  readonly date: BusinessDate;
  readonly periods: readonly CanteenPeriodFigures[];
}

export async function canteenDay(
  db: Kysely<unknown>,
  canteenId: string,
  date: BusinessDate,
): Promise<CanteenDay> {
  const { rows: days } = await sql<{
    period: string;
    meals: number;
    guest_meals: number;
    subsidised_meals: number;
    offline_meals: number;
    total_fen: string;
    subsidy_fen: string;
    reimbursable_fen: string;
    excluded_fen: string;
    elder_pays_fen: string;
    voids: number;
  }>`
    SELECT period, meals, guest_meals, subsidised_meals, offline_meals, total_fen, subsidy_fen, reimbursable_fen,
      excluded_fen, elder_pays_fen, voids
      FROM read_models.canteen_days WHERE canteen_id = ${canteenId} AND business_date = ${date}
     ORDER BY array_position(ARRAY['breakfast', 'lunch', 'dinner', 'none'], period)`.execute(db);
  const { rows: parts } = await sql<{ period: string; rule_id: string; source: string; fen: string }>`
    SELECT period, rule_id, source, fen FROM read_models.canteen_day_subsidies
     WHERE canteen_id = ${canteenId} AND business_date = ${date} AND fen <> 0
     ORDER BY period, rule_id, source`.execute(db);
  return {
    canteenId,
    date,
    periods: days.map((day) => ({
      period: day.period,
      meals: day.meals,
      guestMeals: day.guest_meals,
      subsidisedMeals: day.subsidised_meals,
      offlineMeals: day.offline_meals,
      totalFen: Number(day.total_fen),
      subsidyFen: Number(day.subsidy_fen),
      reimbursableFen: Number(day.reimbursable_fen),
      excludedFen: Number(day.excluded_fen),
      elderPaysFen: Number(day.elder_pays_fen),
      voids: day.voids,
      subsidies: parts
        .filter((part) => part.period === day.period)
        .map((part) => ({ ruleId: part.rule_id, source: part.source, fen: Number(part.fen) })),
    })),
  };
}
