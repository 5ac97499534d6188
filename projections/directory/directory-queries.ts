import { type Kysely, sql } from 'kysely';
import type { CategoryHolding } from '../../domain/policy/meal-facts.ts';
import type { BusinessDate } from '../../domain/time/calendar.ts';
import { shanghaiInstantOf } from '../../domain/time/shanghai-time.ts';
import { fragmentGrams } from './name-grams.ts';

export interface DirectoryElder {
  readonly elderId: string;
  readonly name: string;
  readonly idNumberMasked: string;
  readonly birthDate: string;
  readonly district: string;
  readonly town: string;
  readonly homeCanteenId: string | null;
  readonly categories: unknown;
  readonly cardUid: string | null;
  readonly diedOn: string | null;
}

export async function elderIsListed(db: Kysely<unknown>, elderId: string): Promise<boolean> {
  const { rows } = await sql`SELECT 1 FROM read_models.elders WHERE elder_id = ${elderId}`.execute(db);
  return rows.length > 0;
}

/** Elders by card (any card they ever held) or by the keyed hash of their ID number. */
export async function findElders(
  db: Kysely<unknown>,
  by: { readonly cardUid: string } | { readonly idLookupHash: string },
): Promise<DirectoryElder[]> {
  const where =
    'cardUid' in by
      ? sql`elder_id IN (SELECT elder_id FROM read_models.cards WHERE card_uid = ${by.cardUid})`
      : sql`id_lookup_hash = ${by.idLookupHash}`;
  const { rows } = await sql<{
    elder_id: string;
    name: string;
    id_number_masked: string;
    birth_date: string;
    district: string;
    town: string;
    home_canteen_id: string | null;
    categories: unknown;
    card_uid: string | null;
    died_on: string | null;
  }>`
    SELECT elder_id, name, id_number_masked, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, district, town,
      home_canteen_id, categories, card_uid, to_char(died_on, 'YYYY-MM-DD') AS died_on
      FROM read_models.elders WHERE ${where} ORDER BY elder_id`.execute(db);
  return rows.map((row) => ({
    elderId: row.elder_id,
    name: row.name,
    idNumberMasked: row.id_number_masked,
    birthDate: row.birth_date,
    district: row.district,
    town: row.town,
    homeCanteenId: row.home_canteen_id,
    categories: row.categories,
    cardUid: row.card_uid,
    diedOn: row.died_on,
  }));
}

/** 终端状态: each terminal with its last contact and what it sent offline. */
export interface TerminalOverview {
  readonly terminalId: string;
  readonly canteenId: string;
  readonly registeredAt: string;
  /** When the service last recorded a sale or a queue report from it (null: neither yet). */
  readonly lastContactAt: string | null;
  readonly sales: number;
  readonly offlineSales: number;
  /** Offline sales whose subsidy the service did not (fully) accept. */
  readonly refusedOfflineSales: number;
  /** The longest an offline sale waited before it reached the service. */
  readonly longestOfflineDelaySeconds: number;
  /** Sales the terminal last said it still holds, and since when; null before any report. */
  readonly queue: {
    readonly queuedSales: number;
    readonly oldestQueuedAt: string | null;
    readonly reportedAt: string;
  } | null;
}

export async function terminalsOverview(
  db: Kysely<unknown>,
  canteenId?: string,
): Promise<TerminalOverview[]> {
  const { rows } = await sql<{
    terminal_id: string;
    canteen_id: string;
    registered_at: Date;
    last_contact_at: Date | null;
    sales: number | null;
    offline_sales: number | null;
    refused_offline_sales: number | null;
    longest_offline_delay_seconds: number | null;
    queued_sales: number;
    oldest_queued_at: Date | null;
    queue_reported_at: Date | null;
  }>`
    SELECT terminal.terminal_id, terminal.canteen_id, terminal.registered_at,
      greatest(activity.last_sale_recorded_at, terminal.queue_reported_at) AS last_contact_at,
      activity.sales, activity.offline_sales, activity.refused_offline_sales, activity.longest_offline_delay_seconds,
      terminal.queued_sales, terminal.oldest_queued_at, terminal.queue_reported_at
      FROM read_models.terminals AS terminal
      LEFT JOIN read_models.terminal_activity AS activity USING (terminal_id)
     WHERE ${canteenId === undefined ? sql`true` : sql`terminal.canteen_id = ${canteenId}`}
     ORDER BY terminal.canteen_id, terminal.terminal_id`.execute(db);
  return rows.map((row) => ({
    terminalId: row.terminal_id,
    canteenId: row.canteen_id,
    registeredAt: shanghaiInstantOf(row.registered_at),
    lastContactAt: row.last_contact_at ? shanghaiInstantOf(row.last_contact_at) : null,
    sales: row.sales ?? 0,
    offlineSales: row.offline_sales ?? 0,
    refusedOfflineSales: row.refused_offline_sales ?? 0,
    longestOfflineDelaySeconds: row.longest_offline_delay_seconds ?? 0,
    queue: row.queue_reported_at
      ? {
          queuedSales: row.queued_sales,
          oldestQueuedAt: row.oldest_queued_at ? shanghaiInstantOf(row.oldest_queued_at) : null,
          reportedAt: shanghaiInstantOf(row.queue_reported_at),
        }
      : null,
  }));
}

/** The canteens' registered names, by id (an unknown canteen is absent). */
export async function canteenNamesOf(
  db: Kysely<unknown>,
  canteenIds: readonly string[],
): Promise<Map<string, string>> {
  if (canteenIds.length === 0) return new Map();
  const { rows } = await sql<{ canteen_id: string; name: string }>`
    SELECT canteen_id, name FROM read_models.canteens WHERE canteen_id = ANY(${canteenIds}::text[])`.execute(
    db,
  );
  return new Map(rows.map((row) => [row.canteen_id, row.name]));
}

/** Every registered canteen's name, by id. */
export async function canteenNames(db: Kysely<unknown>): Promise<Map<string, string>> {
  const { rows } = await sql<{ canteen_id: string; name: string }>`
    SELECT canteen_id, name FROM read_models.canteens`.execute(db);
  return new Map(rows.map((row) => [row.canteen_id, row.name]));
}

export interface DirectoryCanteen {
  readonly canteenId: string;
  readonly name: string;
  readonly district: string;
  readonly town: string;
  readonly location: { readonly lat: number; readonly lng: number } | null;
}

/** The registered canteens with where they are, by id. */
export async function listCanteens(db: Kysely<unknown>): Promise<DirectoryCanteen[]> {
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

/** A terminal's last sale and queue report, what tells when it was last in contact. */
export interface TerminalContact {
  readonly terminalId: string;
  readonly canteenId: string;
  readonly lastSaleRecordedAt: Date | null;
  readonly queueReportedAt: Date | null;
  readonly queuedSales: number;
}

/** Every terminal with its last sale and queue report, by canteen and terminal. */
export async function terminalContacts(db: Kysely<unknown>): Promise<TerminalContact[]> {
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
  return rows.map((row) => ({
    terminalId: row.terminal_id,
    canteenId: row.canteen_id,
    lastSaleRecordedAt: row.last_sale_recorded_at,
    queueReportedAt: row.queue_reported_at,
    queuedSales: row.queued_sales,
  }));
}

/** An elder's name and masked ID number, as a statement prints them; null if not registered. */
export async function elderNameAndMaskedId(
  db: Kysely<unknown>,
  elderId: string,
): Promise<{ readonly name: string; readonly idNumberMasked: string } | null> {
  const { rows } = await sql<{ name: string; id_number_masked: string }>`
    SELECT name, id_number_masked FROM read_models.elders WHERE elder_id = ${elderId}`.execute(db);
  const elder = rows[0];
  return elder ? { name: elder.name, idNumberMasked: elder.id_number_masked } : null;
}

/** An elder of a canteen's area, unmasked; the ID number is not in it. */
export interface AreaElder {
  readonly elderId: string;
  readonly name: string;
  readonly birthDate: BusinessDate;
  readonly district: string;
  readonly town: string;
  readonly homeCanteenId: string | null;
  readonly categories: CategoryHolding[];
  readonly diedOn: BusinessDate | null;
}

/**
 * The area of a canteen: elders of its district, elders whose home canteen it is, and elders who ate
 * there on or after `dinedSince`, by id.
 */
export async function areaElders(
  db: Kysely<unknown>,
  area: { readonly canteenId: string; readonly district: string; readonly dinedSince: BusinessDate },
): Promise<AreaElder[]> {
  const { rows } = await sql<{
    elder_id: string;
    name: string;
    birth_date: string;
    district: string;
    town: string;
    home_canteen_id: string | null;
    categories: CategoryHolding[];
    died_on: string | null;
  }>`
    SELECT elder_id, name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, district, town, home_canteen_id,
      categories, to_char(died_on, 'YYYY-MM-DD') AS died_on
      FROM read_models.elders
     WHERE district = ${area.district} OR home_canteen_id = ${area.canteenId}
        OR elder_id IN (SELECT elder_id FROM read_models.sales
                         WHERE canteen_id = ${area.canteenId} AND elder_id IS NOT NULL
                           AND business_date >= ${area.dinedSince}::date)
     ORDER BY elder_id`.execute(db);
  return rows.map((row) => ({
    elderId: row.elder_id,
    name: row.name,
    birthDate: row.birth_date,
    district: row.district,
    town: row.town,
    homeCanteenId: row.home_canteen_id,
    categories: row.categories,
    diedOn: row.died_on,
  }));
}

/** The cards the elders hold or held, by card. */
export async function cardsOfElders(
  db: Kysely<unknown>,
  elderIds: readonly string[],
): Promise<{ readonly cardUid: string; readonly elderId: string; readonly status: 'active' | 'retired' }[]> {
  const { rows } = await sql<{ card_uid: string; elder_id: string; status: 'active' | 'retired' }>`
    SELECT card_uid, elder_id, status FROM read_models.cards WHERE elder_id = ANY(${elderIds}) ORDER BY card_uid`.execute(
    db,
  );
  return rows.map((row) => ({ cardUid: row.card_uid, elderId: row.elder_id, status: row.status }));
}

/** 老人档案: an elder as registered now, with every card they hold or held; null if not registered. */
export interface ElderRecord {
  readonly elderId: string;
  readonly name: string;
  readonly idNumberMasked: string;
  readonly district: string;
  readonly town: string;
  readonly homeCanteenId: string | null;
  readonly homeCanteenName: string | null;
  readonly categories: CategoryHolding[];
  readonly cardUid: string | null;
  readonly diedOn: BusinessDate | null;
  readonly registeredAt: string;
  readonly updatedAt: string;
  /** The elder's cards, the current one first, then the retired ones, latest retired first. */
  readonly cards: {
    readonly cardUid: string;
    readonly status: 'active' | 'retired';
    readonly assignedFrom: string | null;
    readonly retiredFrom: string | null;
  }[];
}

export async function elderRecord(db: Kysely<unknown>, elderId: string): Promise<ElderRecord | null> {
  const { rows } = await sql<{
    elder_id: string;
    name: string;
    id_number_masked: string;
    district: string;
    town: string;
    home_canteen_id: string | null;
    home_canteen_name: string | null;
    categories: CategoryHolding[];
    card_uid: string | null;
    died_on: string | null;
    registered_at: Date;
    updated_at: Date;
  }>`
    SELECT elder.elder_id, elder.name, elder.id_number_masked, elder.district, elder.town, elder.home_canteen_id,
      canteen.name AS home_canteen_name, elder.categories, elder.card_uid,
      to_char(elder.died_on, 'YYYY-MM-DD') AS died_on, elder.registered_at, elder.updated_at
      FROM read_models.elders AS elder
      LEFT JOIN read_models.canteens AS canteen ON canteen.canteen_id = elder.home_canteen_id
     WHERE elder.elder_id = ${elderId}`.execute(db);
  const row = rows[0];
  if (!row) return null;
  const cards = await sql<{
    card_uid: string;
    status: 'active' | 'retired';
    assigned_from: Date | null;
    retired_from: Date | null;
  }>`
    SELECT card_uid, status, assigned_from, retired_from FROM read_models.cards WHERE elder_id = ${elderId}
     ORDER BY status = 'active' DESC, retired_from DESC NULLS LAST, card_uid`.execute(db);
  return {
    elderId: row.elder_id,
    name: row.name,
    idNumberMasked: row.id_number_masked,
    district: row.district,
    town: row.town,
    homeCanteenId: row.home_canteen_id,
    homeCanteenName: row.home_canteen_name,
    categories: row.categories,
    cardUid: row.card_uid,
    diedOn: row.died_on,
    registeredAt: shanghaiInstantOf(row.registered_at),
    updatedAt: shanghaiInstantOf(row.updated_at),
    cards: cards.rows.map((card) => ({
      cardUid: card.card_uid,
      status: card.status,
      assignedFrom: card.assigned_from ? shanghaiInstantOf(card.assigned_from) : null,
      retiredFrom: card.retired_from ? shanghaiInstantOf(card.retired_from) : null,
    })),
  };
}

/** An elder as the search answers it: the name in clear for masking by the caller, the ID number masked. */
export interface FoundElder {
  readonly elderId: string;
  readonly name: string;
  readonly idNumberMasked: string;
  readonly district: string;
  readonly town: string;
  readonly homeCanteenId: string | null;
  readonly cardUid: string | null;
  readonly categories: CategoryHolding[];
  readonly diedOn: BusinessDate | null;
}

/**
 * 老人检索: elders whose name contains `text`, whose current card is `text`, or whose ID number has
 * the keyed hash `idLookupHash`; every elder when `text` is empty. By elder id, `limit` at a time
 * after the elder id `after`; `next` is the cursor of the following page, null on the last one.
 * Each kind is an index look-up: the name by its character pairs (`name_grams`, GIN), the card and
 * the hash by equality.
 */
export async function searchElders(
  db: Kysely<unknown>,
  search: {
    readonly text: string;
    readonly idLookupHash: string | null;
    readonly limit: number;
    readonly after: string | null;
  },
): Promise<{ readonly elders: FoundElder[]; readonly next: string | null }> {
  const text = search.text.trim();
  const grams = fragmentGrams(text);
  const matches =
    text === ''
      ? sql`true`
      : sql`((name_grams @> ${grams}::text[] AND strpos(lower(name), ${text.toLowerCase()}) > 0)
             OR card_uid = ${text}
             ${search.idLookupHash === null ? sql`` : sql`OR id_lookup_hash = ${search.idLookupHash}`})`;
  const { rows } = await sql<{
    elder_id: string;
    name: string;
    id_number_masked: string;
    district: string;
    town: string;
    home_canteen_id: string | null;
    card_uid: string | null;
    categories: CategoryHolding[];
    died_on: string | null;
  }>`
    SELECT elder_id, name, id_number_masked, district, town, home_canteen_id, card_uid, categories,
      to_char(died_on, 'YYYY-MM-DD') AS died_on
      FROM read_models.elders
     WHERE ${matches} ${search.after === null ? sql`` : sql`AND elder_id > ${search.after}`}
     ORDER BY elder_id LIMIT ${search.limit + 1}`.execute(db);
  const page = rows.slice(0, search.limit);
  return {
    elders: page.map((row) => ({
      elderId: row.elder_id,
      name: row.name,
      idNumberMasked: row.id_number_masked,
      district: row.district,
      town: row.town,
      homeCanteenId: row.home_canteen_id,
      cardUid: row.card_uid,
      categories: row.categories,
      diedOn: row.died_on,
    })),
    next: rows.length > search.limit ? (page.at(-1)?.elder_id ?? null) : null,
  };
}
