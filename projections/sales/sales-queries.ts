import { type Kysely, sql } from 'kysely';
import type { MealPeriod } from '../../domain/policy/policy-types.ts';
import type { SubsidyLine } from '../../domain/policy/subsidy-lines.ts';
import type { BusinessDate } from '../../domain/time/calendar.ts';

/** A canteen's canteen days summed over a range of business dates, in whole fen. */
export interface CanteenTotals {
  readonly canteenId: string;
  readonly meals: number;
  readonly subsidisedMeals: number;
  readonly subsidyFen: number;
  readonly reimbursableFen: number;
}

/** A canteen's subsidy from one funding source, in whole fen. */
export interface CanteenSourceFen {
  readonly canteenId: string;
  readonly source: string;
  readonly fen: number;
}

/** All canteens' sales on one business date. */
export interface DayTotals {
  readonly date: BusinessDate;
  readonly meals: number;
  readonly subsidisedMeals: number;
  readonly subsidyFen: number;
}

/** A sale that counts for an elder's caps, with its subsidy lines. */
export interface CountedSale {
  readonly saleId: string;
  readonly elderId: string;
  readonly businessDate: BusinessDate;
  readonly period: MealPeriod | null;
  readonly lines: SubsidyLine[];
}

/** Per canteen with sales, its canteen days in [from, to] summed. */
export async function canteenTotals(
  db: Kysely<unknown>,
  from: BusinessDate,
  to: BusinessDate,
): Promise<CanteenTotals[]> {
  const { rows } = await sql<{
    canteen_id: string;
    meals: number;
    subsidised_meals: number;
    subsidy_fen: string;
    reimbursable_fen: string;
  }>`
    SELECT canteen_id, sum(meals)::integer AS meals, sum(subsidised_meals)::integer AS subsidised_meals,
      sum(subsidy_fen)::bigint AS subsidy_fen, sum(reimbursable_fen)::bigint AS reimbursable_fen
      FROM read_models.canteen_days WHERE business_date BETWEEN ${from} AND ${to}
     GROUP BY canteen_id`.execute(db);
  return rows.map((row) => ({
    canteenId: row.canteen_id,
    meals: row.meals,
    subsidisedMeals: row.subsidised_meals,
    subsidyFen: Number(row.subsidy_fen),
    reimbursableFen: Number(row.reimbursable_fen),
  }));
}

/** The reimbursable subsidy in [from, to] per canteen and funding source, sources at zero left out. */
export async function subsidiesBySource(
  db: Kysely<unknown>,
  from: BusinessDate,
  to: BusinessDate,
): Promise<CanteenSourceFen[]> {
  const { rows } = await sql<{ canteen_id: string; source: string; fen: string }>`
    SELECT canteen_id, source, sum(fen)::bigint AS fen FROM read_models.canteen_day_subsidies
     WHERE business_date BETWEEN ${from} AND ${to}
     GROUP BY canteen_id, source HAVING sum(fen) <> 0 ORDER BY source`.execute(db);
  return rows.map((row) => ({ canteenId: row.canteen_id, source: row.source, fen: Number(row.fen) }));
}

/** All canteens' sales per business date in [from, to]; dates without sales are absent. */
export async function dailyTotals(
  db: Kysely<unknown>,
  from: BusinessDate,
  to: BusinessDate,
): Promise<DayTotals[]> {
  const { rows } = await sql<{ date: string; meals: number; subsidised_meals: number; subsidy_fen: string }>`
    SELECT to_char(business_date, 'YYYY-MM-DD') AS date, sum(meals)::integer AS meals,
      sum(subsidised_meals)::integer AS subsidised_meals, sum(subsidy_fen)::bigint AS subsidy_fen
      FROM read_models.canteen_days WHERE business_date BETWEEN ${from} AND ${to}
     GROUP BY business_date`.execute(db);
  return rows.map((row) => ({
    date: row.date,
    meals: row.meals,
    subsidisedMeals: row.subsidised_meals,
    subsidyFen: Number(row.subsidy_fen),
  }));
}

/** The canteens with a canteen day in [from, to], by id. */
export async function canteensWithSales(
  db: Kysely<unknown>,
  from: BusinessDate,
  to: BusinessDate,
): Promise<string[]> {
  const { rows } = await sql<{ canteen_id: string }>`
    SELECT DISTINCT canteen_id FROM read_models.canteen_days
     WHERE business_date BETWEEN ${from} AND ${to}
     ORDER BY canteen_id`.execute(db);
  return rows.map((row) => row.canteen_id);
}

/** The elders' sales (not voided) from business date `from` on, in the order they were recorded. */
export async function countedSalesOf(
  db: Kysely<unknown>,
  elderIds: readonly string[],
  from: BusinessDate,
): Promise<CountedSale[]> {
  const { rows } = await sql<{
    sale_id: string;
    elder_id: string;
    business_date: string;
    period: MealPeriod | null;
    lines: SubsidyLine[];
  }>`
    SELECT sale_id, elder_id, to_char(business_date, 'YYYY-MM-DD') AS business_date, period, lines
      FROM read_models.sales
     WHERE elder_id = ANY(${elderIds}) AND business_date >= ${from}::date AND NOT voided
     ORDER BY recorded_at`.execute(db);
  return rows.map((row) => ({
    saleId: row.sale_id,
    elderId: row.elder_id,
    businessDate: row.business_date,
    period: row.period,
    lines: row.lines,
  }));
}
