import { type Kysely, sql } from 'kysely';
import type { MonthKey } from '../../domain/time/calendar.ts';
import { shanghaiInstantOf } from '../../domain/time/shanghai-time.ts';

export interface ElderLedgerMeal {
  readonly saleId: string;
  readonly canteenId: string;
  readonly terminalId: string;
  readonly businessDate: string;
  readonly period: string | null;
  readonly occurredAt: string;
  readonly items: unknown;
  readonly totalFen: number;
  /** Deducted at the till. */
  readonly subsidyFen: number;
  readonly elderPaysFen: number;
  /** The reimbursable subsidy by rule, each with its funding parts. */
  readonly lines: unknown;
  /** Deducted at the till but not reimbursed, and why. */
  readonly excluded: unknown;
  readonly reasons: unknown;
  readonly offline: boolean;
  readonly voided: boolean;
}

/** 老人台账: one elder's month, meal by meal, with what the caps counted. */
export interface ElderLedgerMonth {
  readonly elderId: string;
  readonly month: MonthKey;
  readonly meals: readonly ElderLedgerMeal[];
  /** Over the month's meals that were not voided. */
  readonly totals: {
    readonly meals: number;
    readonly subsidisedMeals: number;
    readonly subsidyFen: number;
    readonly reimbursableFen: number;
    readonly elderPaidFen: number;
  };
  /** Subsidised meals (reimbursable subsidy above zero) per day: what the daily caps counted. */
  readonly capsUsed: {
    readonly days: readonly { readonly date: string; readonly subsidisedMeals: number }[];
    readonly month: number;
  };
}

interface LedgerRow {
  sale_id: string;
  canteen_id: string;
  terminal_id: string;
  business_date: string;
  period: string | null;
  occurred_at: Date;
  items: unknown;
  total_fen: number;
  subsidy_fen: number;
  elder_pays_fen: number;
  reimbursable_fen: number;
  lines: unknown;
  excluded: unknown;
  reasons: unknown;
  offline: boolean;
  voided: boolean;
}

/** One elder's month as the ledger endpoint answers it. */
export async function elderLedgerMonth(
  db: Kysely<unknown>,
  elderId: string,
  month: MonthKey,
): Promise<ElderLedgerMonth> {
  const { rows } = await sql<LedgerRow>`
    SELECT sale_id, canteen_id, terminal_id, to_char(business_date, 'YYYY-MM-DD') AS business_date, period,
      occurred_at, items, total_fen, subsidy_fen, elder_pays_fen, reimbursable_fen, lines, excluded, reasons, offline,
      voided
      FROM read_models.sales WHERE elder_id = ${elderId} AND month = ${month}
     ORDER BY occurred_at, sale_id`.execute(db);
  const counted = rows.filter((row) => !row.voided);
  const subsidised = counted.filter((row) => row.reimbursable_fen > 0);
  const perDay = new Map<string, number>();
  for (const row of subsidised) perDay.set(row.business_date, (perDay.get(row.business_date) ?? 0) + 1);
  const sum = (pick: (row: LedgerRow) => number) => counted.reduce((total, row) => total + pick(row), 0);
  return {
    elderId,
    month,
    meals: rows.map((row) => ({
      saleId: row.sale_id,
      canteenId: row.canteen_id,
      terminalId: row.terminal_id,
      businessDate: row.business_date,
      period: row.period,
      occurredAt: shanghaiInstantOf(row.occurred_at),
      items: row.items,
      totalFen: row.total_fen,
      subsidyFen: row.subsidy_fen,
      elderPaysFen: row.elder_pays_fen,
      lines: row.lines,
      excluded: row.excluded,
      reasons: row.reasons,
      offline: row.offline,
      voided: row.voided,
    })),
    totals: {
      meals: counted.length,
      subsidisedMeals: subsidised.length,
      subsidyFen: sum((row) => row.subsidy_fen),
      reimbursableFen: sum((row) => row.reimbursable_fen),
      elderPaidFen: sum((row) => row.elder_pays_fen),
    },
    capsUsed: {
      days: [...perDay].map(([date, subsidisedMeals]) => ({ date, subsidisedMeals })),
      month: subsidised.length,
    },
  };
}
