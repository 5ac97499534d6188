import { type Kysely, sql } from 'kysely';
import type { SettlementEvent, SettlementStatus } from '../../domain/settlement/settlement.ts';
import { settlementStream } from '../../domain/settlement/settlement.ts';
import {
  addDays,
  type BusinessDate,
  compareDates,
  firstDayOfMonth,
  lastDayOfMonth,
  type MonthKey,
  monthKeyOf,
} from '../../domain/time/calendar.ts';
import { type EpochMs, formatShanghaiInstant } from '../../domain/time/shanghai-time.ts';
import type { EventStore } from '../../event-store/port.ts';
import { hoursSinceContact, type TerminalStatus, terminalStatus } from './terminal-status.ts';

/** What the canteens sold and the subsidy it cost, in whole fen. */
export interface Figures {
  readonly meals: number;
  readonly subsidisedMeals: number;
  readonly subsidyFen: number;
  /** The subsidy to reimburse: the sales' reimbursable subsidy less `excludedByAlertsFen`. */
  readonly reimbursableFen: number;
  /**
   * 核实不予结算: the reimbursable subsidy of the period's sales (not voided) that confirmed alerts
   * name, each sale once, which settlement leaves out (README, Supervision).
   */
  readonly excludedByAlertsFen: number;
  /** The reimbursable subsidy by funding source (资金来源), less the same exclusions. */
  readonly bySource: readonly { readonly source: string; readonly fen: number }[];
}

export interface PeriodFigures extends Figures {
  readonly from: BusinessDate;
  readonly to: BusinessDate;
  readonly canteens: readonly (Figures & { readonly canteenId: string; readonly name: string })[];
}

export interface TrendDay {
  readonly date: BusinessDate;
  readonly meals: number;
  readonly subsidisedMeals: number;
  readonly subsidyFen: number;
}

export interface DashboardCanteen {
  readonly canteenId: string;
  readonly name: string;
  readonly district: string;
  readonly town: string;
  readonly location: { readonly lat: number; readonly lng: number } | null;
}

export interface DashboardTerminal {
  readonly terminalId: string;
  readonly canteenId: string;
  readonly lastSaleRecordedAt: string | null;
  readonly queueReportedAt: string | null;
  readonly queuedSales: number;
  readonly lastContactAt: string | null;
  readonly hoursSinceContact: number | null;
  readonly status: TerminalStatus;
}

export interface SettlementMonth {
  readonly month: MonthKey;
  readonly status: SettlementStatus;
  readonly closedAt: string | null;
  readonly statementPath: string;
  readonly canteenStatements: readonly { readonly canteenId: string; readonly path: string }[];
}

/**
 * Sums over canteen days in [from, to], the reimbursable less what confirmed alerts exclude, per
 * canteen; canteens of the directory without sales count zero.
 */
export async function periodFigures(
  db: Kysely<unknown>,
  from: BusinessDate,
  to: BusinessDate,
): Promise<PeriodFigures> {
  const { rows: days } = await sql<{
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
  const { rows: parts } = await sql<SourceRow>`
    SELECT canteen_id, source, sum(fen)::bigint AS fen FROM read_models.canteen_day_subsidies
     WHERE business_date BETWEEN ${from} AND ${to}
     GROUP BY canteen_id, source HAVING sum(fen) <> 0 ORDER BY source`.execute(db);
  // Driven from the few confirmed alerts, so that the sales are found by their key.
  const { rows: withheld } = await sql<SourceRow>`
    SELECT sale.canteen_id, funding->>'source' AS source, sum((funding->>'fen')::bigint)::bigint AS fen
      FROM read_models.sales AS sale, jsonb_array_elements(sale.lines) AS line,
        jsonb_array_elements(line->'funding') AS funding
     WHERE sale.sale_id IN (SELECT jsonb_array_elements_text(sale_ids)::uuid FROM read_models.alerts
                             WHERE status = 'confirmed')
       AND NOT sale.voided AND sale.business_date BETWEEN ${from} AND ${to}
     GROUP BY 1, 2`.execute(db);
  const names = await canteenNames(db);
  const dayOf = new Map(days.map((day) => [day.canteen_id, day]));
  const canteenIds = [...new Set([...names.keys(), ...dayOf.keys()])].sort();
  const canteens = canteenIds.map((canteenId) => {
    const day = dayOf.get(canteenId);
    const excludedByAlertsFen = sumFen(withheld.filter((part) => part.canteen_id === canteenId));
    return {
      canteenId,
      name: names.get(canteenId) ?? canteenId,
      meals: day?.meals ?? 0,
      subsidisedMeals: day?.subsidised_meals ?? 0,
      subsidyFen: Number(day?.subsidy_fen ?? 0),
      reimbursableFen: Number(day?.reimbursable_fen ?? 0) - excludedByAlertsFen,
      excludedByAlertsFen,
      bySource: netBySource(parts, withheld, canteenId),
    };
  });
  const sum = (pick: (figures: Figures) => number) =>
    canteens.reduce((total, canteen) => total + pick(canteen), 0);
  return {
    from,
    to,
    meals: sum((figures) => figures.meals),
    subsidisedMeals: sum((figures) => figures.subsidisedMeals),
    subsidyFen: sum((figures) => figures.subsidyFen),
    reimbursableFen: sum((figures) => figures.reimbursableFen),
    excludedByAlertsFen: sum((figures) => figures.excludedByAlertsFen),
    bySource: netBySource(parts, withheld),
    canteens,
  };
}

interface SourceRow {
  readonly canteen_id: string;
  readonly source: string;
  readonly fen: string;
}

const sumFen = (rows: readonly SourceRow[]) => rows.reduce((total, row) => total + Number(row.fen), 0);

/** Per funding source, one canteen's or all: the parts less what is withheld, sources at zero left out. */
function netBySource(parts: readonly SourceRow[], withheld: readonly SourceRow[], canteenId?: string) {
  const fenOf = new Map<string, number>();
  for (const [rows, sign] of [
    [parts, 1],
    [withheld, -1],
  ] as const)
    for (const row of rows)
      if (canteenId === undefined || row.canteen_id === canteenId)
        fenOf.set(row.source, (fenOf.get(row.source) ?? 0) + sign * Number(row.fen));
  return [...fenOf].filter(([, fen]) => fen !== 0).map(([source, fen]) => ({ source, fen }));
}

/** Every day from `from` to `to`, days without sales included. */
export async function dailyTrend(
  db: Kysely<unknown>,
  from: BusinessDate,
  to: BusinessDate,
): Promise<TrendDay[]> {
  const { rows } = await sql<{ date: string; meals: number; subsidised_meals: number; subsidy_fen: string }>`
    SELECT to_char(business_date, 'YYYY-MM-DD') AS date, sum(meals)::integer AS meals,
      sum(subsidised_meals)::integer AS subsidised_meals, sum(subsidy_fen)::bigint AS subsidy_fen
      FROM read_models.canteen_days WHERE business_date BETWEEN ${from} AND ${to}
     GROUP BY business_date`.execute(db);
  const rowOf = new Map(rows.map((row) => [row.date, row]));
  const trend: TrendDay[] = [];
  for (let date = from; compareDates(date, to) <= 0; date = addDays(date, 1)) {
    const row = rowOf.get(date);
    trend.push({
      date,
      meals: row?.meals ?? 0,
      subsidisedMeals: row?.subsidised_meals ?? 0,
      subsidyFen: Number(row?.subsidy_fen ?? 0),
    });
  }
  return trend;
}

async function canteenNames(db: Kysely<unknown>): Promise<Map<string, string>> {
  const { rows } = await sql<{ canteen_id: string; name: string }>`
    SELECT canteen_id, name FROM read_models.canteens`.execute(db);
  return new Map(rows.map((row) => [row.canteen_id, row.name]));
}

export async function dashboardCanteens(db: Kysely<unknown>): Promise<DashboardCanteen[]> {
  const { rows } = await sql<{
    canteen_id: string;
    name: string;
    district: string;
    town: string;
    lat: number | null;
    lng: number | null;
  }>`
    SELECT canteen_id, name, district, town, lat, lng FROM read_models.canteens ORDER BY canteen_id`.execute(
    db,
  );
  return rows.map((row) => ({
    canteenId: row.canteen_id,
    name: row.name,
    district: row.district,
    town: row.town,
    location: row.lat === null || row.lng === null ? null : { lat: row.lat, lng: row.lng },
  }));
}

/** Each terminal's last contact and the status it gives at `now`. */
export async function dashboardTerminals(db: Kysely<unknown>, now: EpochMs): Promise<DashboardTerminal[]> {
  const { rows } = await sql<{
    terminal_id: string;
    canteen_id: string;
    last_sale_recorded_at: Date | null;
    queue_reported_at: Date | null;
    queued_sales: number;
  }>`
    SELECT terminal.terminal_id, terminal.canteen_id, activity.last_sale_recorded_at, terminal.queue_reported_at,
      terminal.queued_sales
      FROM read_models.terminals AS terminal
      LEFT JOIN read_models.terminal_activity AS activity USING (terminal_id)
     ORDER BY terminal.canteen_id, terminal.terminal_id`.execute(db);
  return rows.map((row) => {
    const contacts = [row.last_sale_recorded_at, row.queue_reported_at].filter((at) => at !== null);
    const lastContactAt = contacts.length === 0 ? null : Math.max(...contacts.map((at) => at.getTime()));
    const instant = (at: Date | number | null) =>
      at === null ? null : formatShanghaiInstant(typeof at === 'number' ? at : at.getTime());
    return {
      terminalId: row.terminal_id,
      canteenId: row.canteen_id,
      lastSaleRecordedAt: instant(row.last_sale_recorded_at),
      queueReportedAt: instant(row.queue_reported_at),
      queuedSales: row.queued_sales,
      lastContactAt: instant(lastContactAt),
      hoursSinceContact: hoursSinceContact(lastContactAt, now),
      status: terminalStatus({ lastContactAt, queuedSales: row.queued_sales }, now),
    };
  });
}

/** The status a month's settlement stream has after its last event (none: open). */
const STATUS_AFTER: Record<SettlementEvent['type'], SettlementStatus> = {
  MonthClosed: 'closed',
  CanteenMonthSettled: 'closed',
  SettlementReviewed: 'reviewed',
  SettlementApproved: 'approved',
  SettlementPaid: 'paid',
};

/**
 * 月结状态 of the `count` months up to `month`, latest first, with the paths of their statements:
 * a closed month's canteens as closed, an open month's as the read models know them. Open months
 * without sales are left out. Reads two events per closed month, never its figures.
 */
export async function recentSettlements(
  store: EventStore,
  db: Kysely<unknown>,
  month: MonthKey,
  count: number,
): Promise<SettlementMonth[]> {
  const months: MonthKey[] = [month];
  while (months.length < count) {
    months.push(monthKeyOf(addDays(firstDayOfMonth(months.at(-1) ?? month), -1)));
  }
  const answers: SettlementMonth[] = [];
  for (const key of months) {
    const stream = settlementStream(key);
    const [last] = await store.readStream(stream, { direction: 'backwards', limit: 1 });
    let status: SettlementStatus = 'open';
    let closedAt: string | null = null;
    let canteenIds: readonly string[];
    if (last) {
      const [closed] = await store.readStream(stream, { limit: 1 });
      const data = closed?.data as unknown as Extract<SettlementEvent, { type: 'MonthClosed' }>['data'];
      status = STATUS_AFTER[last.type as SettlementEvent['type']];
      closedAt = formatShanghaiInstant(data.cutoff.at);
      canteenIds = data.canteenIds;
    } else {
      canteenIds = await canteensWithSales(db, key);
      if (canteenIds.length === 0) continue;
    }
    answers.push({
      month: key,
      status,
      closedAt,
      statementPath: `/api/v1/settlements/${key}/statement.pdf`,
      canteenStatements: canteenIds.map((canteenId) => ({
        canteenId,
        path: `/api/v1/settlements/${key}/canteens/${encodeURIComponent(canteenId)}/statement.pdf`,
      })),
    });
  }
  return answers;
}

async function canteensWithSales(db: Kysely<unknown>, month: MonthKey): Promise<string[]> {
  const { rows } = await sql<{ canteen_id: string }>`
    SELECT DISTINCT canteen_id FROM read_models.canteen_days
     WHERE business_date BETWEEN ${firstDayOfMonth(month)} AND ${lastDayOfMonth(month)}
     ORDER BY canteen_id`.execute(db);
  return rows.map((row) => row.canteen_id);
}
