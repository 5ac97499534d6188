import { type Kysely, sql } from 'kysely';
import type { BureauUser } from '../../domain/settlement/settlement.ts';
import type { Alert, AlertKind, AlertSeverity } from '../../domain/supervision/alert.ts';
import type { BusinessDate } from '../../domain/time/calendar.ts';
import { shanghaiInstantOf } from '../../domain/time/shanghai-time.ts';

export type AlertStatus = 'open' | 'confirmed' | 'dismissed';

/** 预警: an alert as the read model holds it, with the bureau's decision once made. */
export interface AlertView extends Alert {
  /** The elder all of the alert's sales were for, when there is exactly one. */
  readonly elderId: string | null;
  readonly status: AlertStatus;
  /** When the event that raised it was recorded. */
  readonly raisedAt: string;
  readonly decision: { readonly by: BureauUser; readonly reason: string; readonly at: string } | null;
}

export interface AlertFilter {
  readonly month?: string;
  readonly status?: AlertStatus;
  readonly canteenId?: string;
  readonly kind?: AlertKind;
}

interface AlertRow {
  alert_id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  canteen_id: string;
  elder_id: string | null;
  business_date: string;
  month: string;
  sale_ids: string[];
  event_ids: string[];
  explanation_zh: string;
  explanation_en: string;
  figures: Record<string, number>;
  raised_at: Date;
  status: AlertStatus;
  decided_by: BureauUser | null;
  decision_reason: string | null;
  decided_at: Date | null;
}

const COLUMNS = sql`alert_id, kind, severity, canteen_id, elder_id, to_char(business_date, 'YYYY-MM-DD') AS business_date,
  month, sale_ids, event_ids, explanation_zh, explanation_en, figures, raised_at, status, decided_by, decision_reason,
  decided_at`;

const SEVERITY_ORDER = sql`CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END`;

/** Alerts matching the filter: open ones first, then by severity, the latest day first. */
export async function listAlerts(
  db: Kysely<unknown>,
  filter: AlertFilter,
  limit = 1000,
): Promise<AlertView[]> {
  const conditions = [
    filter.month === undefined ? sql`true` : sql`month = ${filter.month}`,
    filter.status === undefined ? sql`true` : sql`status = ${filter.status}`,
    filter.canteenId === undefined ? sql`true` : sql`canteen_id = ${filter.canteenId}`,
    filter.kind === undefined ? sql`true` : sql`kind = ${filter.kind}`,
  ];
  const { rows } = await sql<AlertRow>`
    SELECT ${COLUMNS} FROM read_models.alerts
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY status <> 'open', ${SEVERITY_ORDER}, alerts.business_date DESC, alert_id
    LIMIT ${limit}`.execute(db);
  return rows.map(viewOf);
}

export async function alertById(db: Kysely<unknown>, alertId: string): Promise<AlertView | null> {
  const { rows } = await sql<AlertRow>`
    SELECT ${COLUMNS} FROM read_models.alerts WHERE alert_id = ${alertId}`.execute(db);
  return rows[0] ? viewOf(rows[0]) : null;
}

function viewOf(row: AlertRow): AlertView {
  return {
    alertId: row.alert_id,
    kind: row.kind,
    severity: row.severity,
    canteenId: row.canteen_id,
    elderId: row.elder_id,
    businessDate: row.business_date,
    month: row.month,
    saleIds: row.sale_ids,
    eventIds: row.event_ids,
    explanation: { zh: row.explanation_zh, en: row.explanation_en },
    figures: row.figures,
    status: row.status,
    raisedAt: shanghaiInstantOf(row.raised_at),
    decision:
      row.decided_by === null
        ? null
        : {
            by: row.decided_by,
            reason: row.decision_reason ?? '',
            at: shanghaiInstantOf(row.decided_at ?? row.raised_at),
          },
  };
}

/**
 * 核实不予结算: the reimbursable subsidy of the sales in [from, to] (not voided) that confirmed alerts
 * name, each sale once, per canteen and funding source, in whole fen.
 */
export async function subsidyExcludedByConfirmedAlerts(
  db: Kysely<unknown>,
  from: BusinessDate,
  to: BusinessDate,
): Promise<{ readonly canteenId: string; readonly source: string; readonly fen: number }[]> {
  // Driven from the few confirmed alerts, so that the sales are found by their key.
  const { rows } = await sql<{ canteen_id: string; source: string; fen: string }>`
    SELECT sale.canteen_id, funding->>'source' AS source, sum((funding->>'fen')::bigint)::bigint AS fen
      FROM read_models.sales AS sale, jsonb_array_elements(sale.lines) AS line,
        jsonb_array_elements(line->'funding') AS funding
     WHERE sale.sale_id IN (SELECT jsonb_array_elements_text(sale_ids)::uuid FROM read_models.alerts
                             WHERE status = 'confirmed')
       AND NOT sale.voided AND sale.business_date BETWEEN ${from} AND ${to}
     GROUP BY 1, 2`.execute(db);
  return rows.map((row) => ({ canteenId: row.canteen_id, source: row.source, fen: Number(row.fen) }));
}
