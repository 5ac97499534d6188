import { sql, type Transaction } from 'kysely';
import type { MealSoldData } from '../../domain/sales/sale-events.ts';
import { monthKeyOf } from '../../domain/time/calendar.ts';
import type { RecordedEvent } from '../../event-store/port.ts';
import type { Projection } from '../runner/projection.ts';
import { createSalesTables } from './sales.tables.ts';

/**
 * Sales, canteen days and terminal activity. A page of events becomes two statements: one inserts
 * its sales and adds them to the day and terminal counters, one marks its voids and takes them off.
 * Only rows that were really inserted or newly voided move a counter, so applying an event twice
 * changes nothing.
 */
export const salesProjection: Projection = {
  name: 'sales',
  version: 1,
  eventTypes: ['MealSold', 'SaleVoided'],
  tables: ['sales', 'canteen_days', 'canteen_day_subsidies', 'terminal_activity'],
  createTables: createSalesTables,
  async apply(trx, schema, events) {
    const sold: object[] = [];
    const voided: { sale_id: string }[] = [];
    for (const event of events) {
      if (event.type === 'MealSold') sold.push(saleRow(event));
      else if (event.type === 'SaleVoided') voided.push(voidRow(event));
    }
    if (sold.length > 0) await insertSales(trx, schema, sold);
    if (voided.length > 0) await markVoids(trx, schema, voided);
  },
};

function saleRow(event: RecordedEvent): object {
  const sale = event.data as unknown as MealSoldData;
  return {
    sale_id: sale.saleId,
    canteen_id: sale.canteenId,
    terminal_id: sale.terminalId,
    terminal_seq: sale.terminalSeq,
    cashier_id: sale.cashierId,
    elder_id: sale.elderId,
    card_uid: sale.cardUid,
    policy_id: sale.policyId,
    business_date: sale.businessDate,
    month: monthKeyOf(sale.businessDate),
    period: sale.period,
    channel: sale.channel,
    occurred_ms: sale.occurredAt,
    recorded_ms: event.recordedAt.getTime(),
    items: sale.items,
    total_fen: sale.totalFen,
    subsidy_fen: sale.subsidyFen,
    elder_pays_fen: sale.elderPaysFen,
    reimbursable_fen: sale.lines.reduce((sum, line) => sum + line.fen, 0),
    excluded_fen: sale.excluded.reduce((sum, entry) => sum + entry.fen, 0),
    lines: sale.lines,
    excluded: sale.excluded,
    reasons: sale.reasons,
    offline: sale.offline,
    payment_method: sale.payment?.method ?? null,
  };
}

function voidRow(event: RecordedEvent): { sale_id: string; [column: string]: unknown } {
  const data = event.data as { saleId: string; reason: string; voidedAt: number };
  return {
    sale_id: data.saleId,
    reason: data.reason,
    voided_ms: data.voidedAt,
    recorded_ms: event.recordedAt.getTime(),
  };
}

const SALE_COLUMNS = sql.raw(`sale_id uuid, canteen_id text, terminal_id text, terminal_seq integer,
  cashier_id text, elder_id text, card_uid text, policy_id text, business_date date, month text, period text,
  channel text, occurred_ms float8, recorded_ms float8, items jsonb, total_fen integer, subsidy_fen integer,
  elder_pays_fen integer, reimbursable_fen integer, excluded_fen integer, lines jsonb, excluded jsonb,
  reasons jsonb, offline boolean, payment_method text`);

async function insertSales(trx: Transaction<unknown>, schema: string, rows: object[]): Promise<void> {
  const table = (name: string) => sql.id(schema, name);
  await sql`
    WITH incoming AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS sale(${SALE_COLUMNS})
    ), inserted AS (
      INSERT INTO ${table('sales')} (sale_id, canteen_id, terminal_id, terminal_seq, cashier_id, elder_id, card_uid,
        policy_id, business_date, month, period, channel, occurred_at, recorded_at, items, total_fen, subsidy_fen,
        elder_pays_fen, reimbursable_fen, excluded_fen, lines, excluded, reasons, offline, payment_method)
      SELECT sale_id, canteen_id, terminal_id, terminal_seq, cashier_id, elder_id, card_uid, policy_id,
        business_date, month, period, channel, to_timestamp(occurred_ms / 1000), to_timestamp(recorded_ms / 1000),
        items, total_fen, subsidy_fen, elder_pays_fen, reimbursable_fen, excluded_fen, lines, excluded, reasons,
        offline, payment_method
        FROM incoming
      ON CONFLICT (sale_id) DO NOTHING
      RETURNING *
    ), days AS (
      INSERT INTO ${table('canteen_days')} AS day (canteen_id, business_date, period, meals, guest_meals,
        subsidised_meals, offline_meals, total_fen, subsidy_fen, reimbursable_fen, excluded_fen, elder_pays_fen)
      SELECT canteen_id, business_date, coalesce(period, 'none'), count(*), count(*) FILTER (WHERE elder_id IS NULL),
        count(*) FILTER (WHERE reimbursable_fen > 0), count(*) FILTER (WHERE offline), sum(total_fen),
        sum(subsidy_fen), sum(reimbursable_fen), sum(excluded_fen), sum(elder_pays_fen)
        FROM inserted GROUP BY 1, 2, 3
      ON CONFLICT (canteen_id, business_date, period) DO UPDATE SET
        meals = day.meals + excluded.meals, guest_meals = day.guest_meals + excluded.guest_meals,
        subsidised_meals = day.subsidised_meals + excluded.subsidised_meals,
        offline_meals = day.offline_meals + excluded.offline_meals, total_fen = day.total_fen + excluded.total_fen,
        subsidy_fen = day.subsidy_fen + excluded.subsidy_fen,
        reimbursable_fen = day.reimbursable_fen + excluded.reimbursable_fen,
        excluded_fen = day.excluded_fen + excluded.excluded_fen,
        elder_pays_fen = day.elder_pays_fen + excluded.elder_pays_fen
    ), subsidies AS (
      INSERT INTO ${table('canteen_day_subsidies')} AS part (canteen_id, business_date, period, rule_id, source, fen)
      SELECT canteen_id, business_date, coalesce(period, 'none'), line->>'ruleId', funding->>'source',
        sum((funding->>'fen')::bigint)
        FROM inserted, jsonb_array_elements(lines) AS line, jsonb_array_elements(line->'funding') AS funding
       GROUP BY 1, 2, 3, 4, 5
      ON CONFLICT (canteen_id, business_date, period, rule_id, source) DO UPDATE SET fen = part.fen + excluded.fen
    )
    INSERT INTO ${table('terminal_activity')} AS activity (terminal_id, last_sale_recorded_at, sales, offline_sales,
      refused_offline_sales, longest_offline_delay_seconds)
    SELECT terminal_id, max(recorded_at), count(*), count(*) FILTER (WHERE offline),
      count(*) FILTER (WHERE offline AND excluded_fen > 0),
      coalesce(max(extract(epoch FROM recorded_at - occurred_at)) FILTER (WHERE offline), 0)::integer
      FROM inserted GROUP BY terminal_id
    ON CONFLICT (terminal_id) DO UPDATE SET
      last_sale_recorded_at = greatest(activity.last_sale_recorded_at, excluded.last_sale_recorded_at),
      sales = activity.sales + excluded.sales, offline_sales = activity.offline_sales + excluded.offline_sales,
      refused_offline_sales = activity.refused_offline_sales + excluded.refused_offline_sales,
      longest_offline_delay_seconds = greatest(activity.longest_offline_delay_seconds,
        excluded.longest_offline_delay_seconds)`.execute(trx);
}

async function markVoids(
  trx: Transaction<unknown>,
  schema: string,
  rows: { sale_id: string }[],
): Promise<void> {
  const table = (name: string) => sql.id(schema, name);
  // The sales are named by id too, so that the planner finds them by key however few rows it expects.
  const ids = rows.map((row) => row.sale_id);
  const { rows: unknown } = await sql<{ sale_id: string }>`
    WITH incoming AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS void(sale_id uuid, reason text, voided_ms float8, recorded_ms float8)
    ), voided AS (
      UPDATE ${table('sales')} AS sale SET voided = true, void_reason = incoming.reason,
        voided_at = to_timestamp(incoming.voided_ms / 1000), void_recorded_at = to_timestamp(incoming.recorded_ms / 1000)
        FROM incoming WHERE sale.sale_id = incoming.sale_id AND sale.sale_id = ANY(${ids}::uuid[]) AND NOT sale.voided
      RETURNING sale.*
    ), days AS (
      UPDATE ${table('canteen_days')} AS day SET meals = day.meals - gone.meals,
        guest_meals = day.guest_meals - gone.guest_meals, subsidised_meals = day.subsidised_meals - gone.subsidised_meals,
        offline_meals = day.offline_meals - gone.offline_meals, total_fen = day.total_fen - gone.total_fen,
        subsidy_fen = day.subsidy_fen - gone.subsidy_fen, reimbursable_fen = day.reimbursable_fen - gone.reimbursable_fen,
        excluded_fen = day.excluded_fen - gone.excluded_fen, elder_pays_fen = day.elder_pays_fen - gone.elder_pays_fen,
        voids = day.voids + gone.meals
        FROM (SELECT canteen_id, business_date, coalesce(period, 'none') AS period, count(*) AS meals,
                count(*) FILTER (WHERE elder_id IS NULL) AS guest_meals,
                count(*) FILTER (WHERE reimbursable_fen > 0) AS subsidised_meals,
                count(*) FILTER (WHERE offline) AS offline_meals, sum(total_fen) AS total_fen,
                sum(subsidy_fen) AS subsidy_fen, sum(reimbursable_fen) AS reimbursable_fen,
                sum(excluded_fen) AS excluded_fen, sum(elder_pays_fen) AS elder_pays_fen
                FROM voided GROUP BY 1, 2, 3) AS gone
       WHERE day.canteen_id = gone.canteen_id AND day.business_date = gone.business_date AND day.period = gone.period
    ), subsidies AS (
      UPDATE ${table('canteen_day_subsidies')} AS part SET fen = part.fen - gone.fen
        FROM (SELECT canteen_id, business_date, coalesce(period, 'none') AS period, line->>'ruleId' AS rule_id,
                funding->>'source' AS source, sum((funding->>'fen')::bigint) AS fen
                FROM voided, jsonb_array_elements(lines) AS line, jsonb_array_elements(line->'funding') AS funding
               GROUP BY 1, 2, 3, 4, 5) AS gone
       WHERE part.canteen_id = gone.canteen_id AND part.business_date = gone.business_date
         AND part.period = gone.period AND part.rule_id = gone.rule_id AND part.source = gone.source
    )
    SELECT sale_id FROM unnest(${ids}::uuid[]) AS sale_id
     EXCEPT SELECT sale_id FROM ${table('sales')} WHERE sale_id = ANY(${ids}::uuid[])`.execute(trx);
  if (unknown.length > 0)
    throw new Error(`void of a sale never recorded: ${unknown.map((row) => row.sale_id).join(', ')}`);
}
