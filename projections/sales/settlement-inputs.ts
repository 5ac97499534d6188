import { type Kysely, sql } from 'kysely';
import type { OperatingSaleFact } from '../../domain/policy/operating-subsidy.ts';
import type { SubsidyLine } from '../../domain/policy/subsidy-lines.ts';
import { ageOn, isAfter, type MonthKey } from '../../domain/time/calendar.ts';

/** 结算依据: what one canteen's month of settlement is computed from. */
export interface CanteenMonthInputs {
  readonly canteenId: string;
  readonly month: MonthKey;
  /** Non-voided sales, guests included. */
  readonly mealsSold: number;
  /** Those with a reimbursable subsidy above zero. */
  readonly subsidisedMeals: number;
  /** Subsidy advanced at the till. */
  readonly subsidyFen: number;
  /** What of it is not reimbursed, sale by sale. */
  readonly excluded: readonly { readonly saleId: string; readonly reason: string; readonly fen: number }[];
  /** The reimbursable subsidy by funding source. */
  readonly bySource: readonly { readonly source: string; readonly fen: number }[];
  /** One fact per non-voided sale, for the operating subsidy. */
  readonly operatingSales: readonly OperatingSaleFact[];
  /** Distinct elders served per day (elder-days) and meals per day, guests included. */
  readonly days: readonly { readonly date: string; readonly meals: number; readonly elderDays: number }[];
}

export interface SettlementInputsOptions {
  readonly canteenId?: string;
  /** Count only what had been recorded by then (a closed month is computed as of its close). */
  readonly asOf?: Date;
}

interface SaleRow {
  sale_id: string;
  canteen_id: string;
  business_date: string;
  elder_id: string | null;
  subsidy_fen: number;
  reimbursable_fen: number;
  lines: SubsidyLine[];
  excluded: { reason: string; fen: number }[];
  birth_date: string | null;
  died_on: string | null;
}

/** Per canteen, everything the month's settlement needs, from the sales and the elders directory. */
export async function settlementInputs(
  db: Kysely<unknown>,
  month: MonthKey,
  options: SettlementInputsOptions = {},
): Promise<CanteenMonthInputs[]> {
  const asOf = options.asOf ?? null;
  const { rows } = await sql<SaleRow>`
    SELECT sale.sale_id, sale.canteen_id, to_char(sale.business_date, 'YYYY-MM-DD') AS business_date, sale.elder_id,
      sale.subsidy_fen, sale.reimbursable_fen, sale.lines, sale.excluded,
      to_char(elder.birth_date, 'YYYY-MM-DD') AS birth_date, to_char(elder.died_on, 'YYYY-MM-DD') AS died_on
      FROM read_models.sales AS sale LEFT JOIN read_models.elders AS elder USING (elder_id)
     WHERE sale.month = ${month}
       AND ${options.canteenId === undefined ? sql`true` : sql`sale.canteen_id = ${options.canteenId}`}
       AND (${asOf}::timestamptz IS NULL OR sale.recorded_at <= ${asOf}::timestamptz)
       AND NOT (sale.voided AND (${asOf}::timestamptz IS NULL OR sale.void_recorded_at <= ${asOf}::timestamptz))
     ORDER BY sale.canteen_id, sale.business_date, sale.sale_id`.execute(db);
  const byCanteen = new Map<string, SaleRow[]>();
  for (const row of rows) {
    const list = byCanteen.get(row.canteen_id) ?? [];
    list.push(row);
    byCanteen.set(row.canteen_id, list);
  }
  return [...byCanteen].map(([canteenId, sales]) => inputsOf(canteenId, month, sales));
}

function operatingFactOf(sale: SaleRow): OperatingSaleFact {
  const { elder_id: elderId, birth_date: birthDate, died_on: diedOn, business_date: date } = sale;
  if (elderId === null)
    return { businessDate: date, elder: null, reimbursedSubsidy: sale.reimbursable_fen > 0 };
  if (birthDate === null) throw new Error(`elder ${elderId} of sale ${sale.sale_id} is not in the directory`);
  return {
    businessDate: date,
    elder: {
      elderId,
      ageOnDate: ageOn(birthDate, date),
      aliveOnDate: diedOn === null || !isAfter(date, diedOn),
    },
    reimbursedSubsidy: sale.reimbursable_fen > 0,
  };
}

function inputsOf(canteenId: string, month: MonthKey, sales: readonly SaleRow[]): CanteenMonthInputs {
  const bySource = new Map<string, number>();
  const days = new Map<string, { meals: number; elders: Set<string> }>();
  for (const sale of sales) {
    for (const line of sale.lines)
      for (const part of line.funding) bySource.set(part.source, (bySource.get(part.source) ?? 0) + part.fen);
    const day = days.get(sale.business_date) ?? { meals: 0, elders: new Set<string>() };
    day.meals += 1;
    if (sale.elder_id !== null) day.elders.add(sale.elder_id);
    days.set(sale.business_date, day);
  }
  return {
    canteenId,
    month,
    mealsSold: sales.length,
    subsidisedMeals: sales.filter((sale) => sale.reimbursable_fen > 0).length,
    subsidyFen: sales.reduce((sum, sale) => sum + sale.subsidy_fen, 0),
    excluded: sales.flatMap((sale) =>
      sale.excluded.map((entry) => ({ saleId: sale.sale_id, reason: entry.reason, fen: entry.fen })),
    ),
    bySource: [...bySource].sort(([a], [b]) => a.localeCompare(b)).map(([source, fen]) => ({ source, fen })),
    operatingSales: sales.map(operatingFactOf),
    days: [...days].map(([date, day]) => ({ date, meals: day.meals, elderDays: day.elders.size })),
  };
}
