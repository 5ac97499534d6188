import type { Kysely } from 'kysely';
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
import {
  canteenNames,
  type DirectoryCanteen,
  listCanteens,
  terminalContacts,
} from '../../projections/directory/directory-queries.ts';
import { printedNames } from '../../projections/names/names-queries.ts';
import {
  type CanteenSourceFen,
  canteensWithSales,
  canteenTotals,
  dailyTotals,
  subsidiesBySource,
} from '../../projections/sales/sales-queries.ts';
import { subsidyExcludedByConfirmedAlerts } from '../../projections/supervision/alert-queries.ts';
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
  readonly bySource: readonly {
    readonly source: string;
    readonly fen: number;
    readonly name?: string | null;
    readonly nameEn?: string | null;
  }[];
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

export type DashboardCanteen = DirectoryCanteen;

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
  const days = await canteenTotals(db, from, to);
  const parts = await subsidiesBySource(db, from, to);
  const withheld = await subsidyExcludedByConfirmedAlerts(db, from, to);
  const names = await canteenNames(db);
  const { sources, sourcesEn } = await printedNames(db);
  /** Each source with the names the bureau registered (null where none), for the page to print. */
  const named = (parts: readonly { source: string; fen: number }[]) =>
    parts.map((part) => ({
      ...part,
      name: sources[part.source] ?? null,
      nameEn: sourcesEn[part.source] ?? null,
    }));
  const dayOf = new Map(days.map((day) => [day.canteenId, day]));
  const canteenIds = [...new Set([...names.keys(), ...dayOf.keys()])].sort();
  const canteens = canteenIds.map((canteenId) => {
    const day = dayOf.get(canteenId);
    const excludedByAlertsFen = sumFen(withheld.filter((part) => part.canteenId === canteenId));
    return {
      canteenId,
      name: names.get(canteenId) ?? canteenId,
      meals: day?.meals ?? 0,
      subsidisedMeals: day?.subsidisedMeals ?? 0,
      subsidyFen: day?.subsidyFen ?? 0,
      reimbursableFen: (day?.reimbursableFen ?? 0) - excludedByAlertsFen,
      excludedByAlertsFen,
      bySource: named(netBySource(parts, withheld, canteenId)),
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
    bySource: named(netBySource(parts, withheld)),
    canteens,
  };
}

const sumFen = (rows: readonly CanteenSourceFen[]) => rows.reduce((total, row) => total + row.fen, 0);

/** Per funding source, one canteen's or all: the parts less what is withheld, sources at zero left out. */
function netBySource(
  parts: readonly CanteenSourceFen[],
  withheld: readonly CanteenSourceFen[],
  canteenId?: string,
) {
  const fenOf = new Map<string, number>();
  for (const [rows, sign] of [
    [parts, 1],
    [withheld, -1],
  ] as const)
    for (const row of rows)
      if (canteenId === undefined || row.canteenId === canteenId)
        fenOf.set(row.source, (fenOf.get(row.source) ?? 0) + sign * row.fen);
  return [...fenOf].filter(([, fen]) => fen !== 0).map(([source, fen]) => ({ source, fen }));
}

/** Every day from `from` to `to`, days without sales included. */
export async function dailyTrend(
  db: Kysely<unknown>,
  from: BusinessDate,
  to: BusinessDate,
): Promise<TrendDay[]> {
  const rows = await dailyTotals(db, from, to);
  const rowOf = new Map(rows.map((row) => [row.date, row]));
  const trend: TrendDay[] = [];
  for (let date = from; compareDates(date, to) <= 0; date = addDays(date, 1)) {
    const row = rowOf.get(date);
    trend.push({
      date,
      meals: row?.meals ?? 0,
      subsidisedMeals: row?.subsidisedMeals ?? 0,
      subsidyFen: row?.subsidyFen ?? 0,
    });
  }
  return trend;
}

export async function dashboardCanteens(db: Kysely<unknown>): Promise<DashboardCanteen[]> {
  return listCanteens(db);
}

/** Each terminal's last contact and the status it gives at `now`. */
export async function dashboardTerminals(db: Kysely<unknown>, now: EpochMs): Promise<DashboardTerminal[]> {
  const rows = await terminalContacts(db);
  return rows.map((row) => {
    const contacts = [row.lastSaleRecordedAt, row.queueReportedAt].filter((at) => at !== null);
    const lastContactAt = contacts.length === 0 ? null : Math.max(...contacts.map((at) => at.getTime()));
    const instant = (at: Date | number | null) =>
      at === null ? null : formatShanghaiInstant(typeof at === 'number' ? at : at.getTime());
    return {
      terminalId: row.terminalId,
      canteenId: row.canteenId,
      lastSaleRecordedAt: instant(row.lastSaleRecordedAt),
      queueReportedAt: instant(row.queueReportedAt),
      queuedSales: row.queuedSales,
      lastContactAt: instant(lastContactAt),
      hoursSinceContact: hoursSinceContact(lastContactAt, now),
      status: terminalStatus({ lastContactAt, queuedSales: row.queuedSales }, now),
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
      canteenIds = await canteensWithSales(db, firstDayOfMonth(key), lastDayOfMonth(key));
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
