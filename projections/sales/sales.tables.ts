import { type Kysely, sql } from 'kysely';

/**
 * 售餐明细: one row per sale with its subsidy lines (the elder ledger and the settlement read it),
 * 食堂日报: per canteen, day and meal period, and what each terminal sent.
 */
export async function createSalesTables(db: Kysely<unknown>, schema: string): Promise<void> {
  const table = (name: string) => sql.id(schema, name);
  await sql`
    CREATE TABLE ${table('sales')} (
      sale_id uuid PRIMARY KEY,
      canteen_id text NOT NULL,
      terminal_id text NOT NULL,
      terminal_seq integer NOT NULL,
      cashier_id text,
      elder_id text,
      card_uid text,
      policy_id text,
      business_date date NOT NULL,
      month text NOT NULL,
      period text,
      channel text NOT NULL,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL,
      items jsonb NOT NULL,
      total_fen integer NOT NULL,
      subsidy_fen integer NOT NULL,
      elder_pays_fen integer NOT NULL,
      reimbursable_fen integer NOT NULL,
      excluded_fen integer NOT NULL,
      lines jsonb NOT NULL,
      excluded jsonb NOT NULL,
      reasons jsonb NOT NULL,
      offline boolean NOT NULL,
      payment_method text,
      voided boolean NOT NULL DEFAULT false,
      void_reason text,
      voided_at timestamptz,
      void_recorded_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX ON ${table('sales')} (elder_id, month) WHERE elder_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX ON ${table('sales')} (month, canteen_id)`.execute(db);
  await sql`
    CREATE TABLE ${table('canteen_days')} (
      canteen_id text NOT NULL,
      business_date date NOT NULL,
      period text NOT NULL,
      meals integer NOT NULL,
      guest_meals integer NOT NULL,
      subsidised_meals integer NOT NULL,
      offline_meals integer NOT NULL,
      total_fen bigint NOT NULL,
      subsidy_fen bigint NOT NULL,
      reimbursable_fen bigint NOT NULL,
      excluded_fen bigint NOT NULL,
      elder_pays_fen bigint NOT NULL,
      voids integer NOT NULL DEFAULT 0,
      PRIMARY KEY (canteen_id, business_date, period)
    )`.execute(db);
  await sql`
    CREATE TABLE ${table('canteen_day_subsidies')} (
      canteen_id text NOT NULL,
      business_date date NOT NULL,
      period text NOT NULL,
      rule_id text NOT NULL,
      source text NOT NULL,
      fen bigint NOT NULL,
      PRIMARY KEY (canteen_id, business_date, period, rule_id, source)
    )`.execute(db);
  await sql`
    CREATE TABLE ${table('terminal_activity')} (
      terminal_id text PRIMARY KEY,
      last_sale_recorded_at timestamptz NOT NULL,
      sales integer NOT NULL,
      offline_sales integer NOT NULL,
      refused_offline_sales integer NOT NULL,
      longest_offline_delay_seconds integer NOT NULL
    )`.execute(db);
}
