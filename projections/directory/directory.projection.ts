import { sql } from 'kysely';
import type { CanteenEvent } from '../../domain/canteens/canteen.ts';
import type { CardEvent } from '../../domain/cards/card.ts';
import type { ElderEvent, ElderProfile } from '../../domain/elders/elder.ts';
import type { TerminalEvent } from '../../domain/terminals/terminal.ts';
import type { TerminalQueueEvent } from '../../domain/terminals/terminal-queue.ts';
import type { RecordedEvent } from '../../event-store/port.ts';
import type { Projection } from '../runner/projection.ts';
import { createDirectoryTables } from './directory.tables.ts';
import { nameGrams } from './name-grams.ts';

type DirectoryEvent = ElderEvent | CardEvent | TerminalEvent | TerminalQueueEvent | CanteenEvent;

/**
 * Elders, cards, terminals and canteens as they stand now. A page is first folded in memory into
 * one change per row (the last event of a row wins), then written with one statement per kind of
 * change; every write is an insert-if-absent, an upsert or a set, so applying a page twice changes
 * nothing.
 */
export const directoryProjection: Projection = {
  name: 'directory',
  version: 3,
  eventTypes: [
    'ElderRegistered',
    'ElderProfileChanged',
    'CardBound',
    'ElderDied',
    'CardAssigned',
    'CardRetired',
    'TerminalRegistered',
    'TerminalTokenRotated',
    'TerminalQueueReported',
    'CanteenRegistered',
    'CanteenChanged',
  ],
  tables: ['elders', 'cards', 'terminals', 'canteens'],
  createTables: createDirectoryTables,
  async apply(trx, schema, events) {
    const changes = fold(events);
    const table = (name: string) => sql.id(schema, name);
    const json = (rows: Iterable<object>) => JSON.stringify([...rows]);
    if (changes.registered.size > 0)
      await sql`
        INSERT INTO ${table('elders')} (elder_id, name, name_grams, id_number_masked, id_lookup_hash, birth_date,
          district, town, home_canteen_id, categories, registered_at, updated_at)
        SELECT elder_id, name, name_grams, id_number_masked, id_lookup_hash, birth_date, district, town, home_canteen_id,
          categories, registered_at, registered_at
          FROM json_to_recordset(${json(changes.registered.values())}::json) AS e(elder_id text, name text,
            name_grams text[], id_number_masked text, id_lookup_hash text, birth_date date, district text, town text,
            home_canteen_id text, categories jsonb, registered_at timestamptz)
        ON CONFLICT (elder_id) DO NOTHING`.execute(trx);
    if (changes.elderPatches.size > 0) {
      const patches = [...changes.elderPatches].map(([elder_id, patch]) => ({ elder_id, patch }));
      const { rows } = await sql<{ elder_id: string }>`
        WITH incoming AS (SELECT * FROM json_to_recordset(${json(patches)}::json) AS p(elder_id text, patch jsonb)),
        changed AS (
          UPDATE ${table('elders')} AS e SET
            name = CASE WHEN p.patch ? 'name' THEN p.patch->>'name' ELSE e.name END,
            name_grams = CASE WHEN p.patch ? 'name_grams'
              THEN ARRAY(SELECT jsonb_array_elements_text(p.patch->'name_grams')) ELSE e.name_grams END,
            id_number_masked = CASE WHEN p.patch ? 'id_number_masked' THEN p.patch->>'id_number_masked'
              ELSE e.id_number_masked END,
            id_lookup_hash = CASE WHEN p.patch ? 'id_lookup_hash' THEN p.patch->>'id_lookup_hash' ELSE e.id_lookup_hash END,
            birth_date = CASE WHEN p.patch ? 'birth_date' THEN (p.patch->>'birth_date')::date ELSE e.birth_date END,
            district = CASE WHEN p.patch ? 'district' THEN p.patch->>'district' ELSE e.district END,
            town = CASE WHEN p.patch ? 'town' THEN p.patch->>'town' ELSE e.town END,
            home_canteen_id = CASE WHEN p.patch ? 'home_canteen_id' THEN p.patch->>'home_canteen_id'
              ELSE e.home_canteen_id END,
            categories = CASE WHEN p.patch ? 'categories' THEN p.patch->'categories' ELSE e.categories END,
            card_uid = CASE WHEN p.patch ? 'card_uid' THEN p.patch->>'card_uid' ELSE e.card_uid END,
            died_on = CASE WHEN p.patch ? 'died_on' THEN (p.patch->>'died_on')::date ELSE e.died_on END,
            updated_at = (p.patch->>'updated_at')::timestamptz
          FROM incoming AS p WHERE e.elder_id = p.elder_id
          RETURNING e.elder_id)
        SELECT elder_id FROM incoming WHERE elder_id NOT IN (SELECT elder_id FROM changed)`.execute(trx);
      if (rows.length > 0)
        throw new Error(`elder ${rows.map((row) => row.elder_id).join(', ')} is not in the directory`);
    }
    if (changes.cards.size > 0)
      await sql`
        INSERT INTO ${table('cards')} (card_uid, elder_id, status, assigned_from, retired_from)
        SELECT card_uid, elder_id, status, assigned_from, retired_from
          FROM json_to_recordset(${json(changes.cards.values())}::json) AS c(card_uid text, elder_id text,
            status text, assigned_from timestamptz, retired_from timestamptz)
        ON CONFLICT (card_uid) DO UPDATE SET elder_id = excluded.elder_id, status = excluded.status,
          assigned_from = excluded.assigned_from, retired_from = excluded.retired_from`.execute(trx);
    if (changes.retirements.size > 0) {
      const retirements = [...changes.retirements].map(([card_uid, retired_from]) => ({
        card_uid,
        retired_from,
      }));
      const { rows } = await sql<{ card_uid: string }>`
        WITH incoming AS (
          SELECT * FROM json_to_recordset(${json(retirements)}::json) AS r(card_uid text, retired_from timestamptz)),
        changed AS (
          UPDATE ${table('cards')} AS c SET status = 'retired', retired_from = r.retired_from
            FROM incoming AS r WHERE c.card_uid = r.card_uid RETURNING c.card_uid)
        SELECT card_uid FROM incoming WHERE card_uid NOT IN (SELECT card_uid FROM changed)`.execute(trx);
      if (rows.length > 0)
        throw new Error(`card ${rows.map((row) => row.card_uid).join(', ')} is not in the directory`);
    }
    if (changes.terminals.size > 0)
      await sql`
        INSERT INTO ${table('terminals')} (terminal_id, canteen_id, generation, registered_at)
        SELECT * FROM json_to_recordset(${json(changes.terminals.values())}::json)
          AS t(terminal_id text, canteen_id text, generation integer, registered_at timestamptz)
        ON CONFLICT (terminal_id) DO UPDATE SET canteen_id = excluded.canteen_id, generation = excluded.generation,
          registered_at = excluded.registered_at`.execute(trx);
    if (changes.rotations.size > 0) {
      const rotations = [...changes.rotations].map(([terminal_id, generation]) => ({
        terminal_id,
        generation,
      }));
      await sql`
        UPDATE ${table('terminals')} AS t SET generation = r.generation
          FROM json_to_recordset(${json(rotations)}::json) AS r(terminal_id text, generation integer)
         WHERE t.terminal_id = r.terminal_id`.execute(trx);
    }
    if (changes.queues.size > 0) {
      const { rows } = await sql<{ terminal_id: string }>`
        WITH incoming AS (
          SELECT * FROM json_to_recordset(${json(changes.queues.values())}::json) AS q(terminal_id text,
            queued_sales integer, oldest_queued_at timestamptz, queue_reported_at timestamptz)),
        changed AS (
          UPDATE ${table('terminals')} AS t SET queued_sales = q.queued_sales, oldest_queued_at = q.oldest_queued_at,
            queue_reported_at = q.queue_reported_at
            FROM incoming AS q WHERE t.terminal_id = q.terminal_id RETURNING t.terminal_id)
        SELECT terminal_id FROM incoming WHERE terminal_id NOT IN (SELECT terminal_id FROM changed)`.execute(
        trx,
      );
      if (rows.length > 0)
        throw new Error(`terminal ${rows.map((row) => row.terminal_id).join(', ')} is not in the directory`);
    }
    if (changes.canteens.size > 0)
      await sql`
        INSERT INTO ${table('canteens')} (canteen_id, name, district, town, lat, lng, registered_at, updated_at)
        SELECT * FROM json_to_recordset(${json(changes.canteens.values())}::json) AS c(canteen_id text, name text,
          district text, town text, lat double precision, lng double precision, registered_at timestamptz,
          updated_at timestamptz)
        ON CONFLICT (canteen_id) DO UPDATE SET name = excluded.name, district = excluded.district, town = excluded.town,
          lat = excluded.lat, lng = excluded.lng, updated_at = excluded.updated_at`.execute(trx);
  },
};

interface DirectoryChanges {
  /** Elders registered in the page, as registered. */
  readonly registered: Map<string, object>;
  /** Columns to set on elders, the later event's value winning. */
  readonly elderPatches: Map<string, Record<string, unknown>>;
  /** Cards assigned in the page, with a later retirement folded in. */
  readonly cards: Map<
    string,
    {
      card_uid: string;
      elder_id: string;
      status: string;
      assigned_from: Date | null;
      retired_from: Date | null;
    }
  >;
  /** Retirements of cards assigned before the page. */
  readonly retirements: Map<string, Date>;
  readonly terminals: Map<string, { generation: number } & Record<string, unknown>>;
  /** The generation of terminals registered before the page whose token was rotated in it. */
  readonly rotations: Map<string, number>;
  /** The last queue each terminal reported. */
  readonly queues: Map<string, object>;
  readonly canteens: Map<string, { registered_at: Date } & Record<string, unknown>>;
}

function fold(events: readonly RecordedEvent[]): DirectoryChanges {
  const changes: DirectoryChanges = {
    registered: new Map(),
    elderPatches: new Map(),
    cards: new Map(),
    retirements: new Map(),
    terminals: new Map(),
    rotations: new Map(),
    queues: new Map(),
    canteens: new Map(),
  };
  const patch = (elderId: string, at: Date, columns: Record<string, unknown>) => {
    changes.elderPatches.set(elderId, { ...changes.elderPatches.get(elderId), ...columns, updated_at: at });
  };
  for (const recorded of events) {
    const at = recorded.recordedAt;
    const event = { type: recorded.type, data: recorded.data } as unknown as DirectoryEvent;
    switch (event.type) {
      case 'ElderRegistered':
        if (!changes.registered.has(event.data.elderId))
          changes.registered.set(event.data.elderId, {
            elder_id: event.data.elderId,
            ...profileColumns(event.data.profile),
            registered_at: at,
          });
        break;
      case 'ElderProfileChanged':
        patch(event.data.elderId, at, profileColumns(event.data.profile));
        break;
      case 'CardBound':
        patch(event.data.elderId, at, { card_uid: event.data.cardUid });
        break;
      case 'ElderDied':
        patch(event.data.elderId, at, { died_on: event.data.date });
        break;
      case 'CardAssigned':
        changes.retirements.delete(event.data.cardUid);
        changes.cards.set(event.data.cardUid, {
          card_uid: event.data.cardUid,
          elder_id: event.data.elderId,
          status: 'active',
          assigned_from: event.data.effectiveFrom === null ? null : new Date(event.data.effectiveFrom),
          retired_from: null,
        });
        break;
      case 'CardRetired': {
        const retiredFrom = new Date(event.data.effectiveFrom);
        const assigned = changes.cards.get(event.data.cardUid);
        if (assigned) Object.assign(assigned, { status: 'retired', retired_from: retiredFrom });
        else changes.retirements.set(event.data.cardUid, retiredFrom);
        break;
      }
      case 'TerminalRegistered':
        changes.terminals.set(event.data.terminalId, {
          terminal_id: event.data.terminalId,
          canteen_id: event.data.canteenId,
          generation: event.data.generation,
          registered_at: at,
        });
        changes.rotations.delete(event.data.terminalId);
        break;
      case 'TerminalTokenRotated': {
        const registered = changes.terminals.get(event.data.terminalId);
        if (registered) registered.generation = event.data.generation;
        else changes.rotations.set(event.data.terminalId, event.data.generation);
        break;
      }
      case 'TerminalQueueReported':
        changes.queues.set(event.data.terminalId, {
          terminal_id: event.data.terminalId,
          queued_sales: event.data.queuedSales,
          oldest_queued_at: event.data.oldestQueuedAt === null ? null : new Date(event.data.oldestQueuedAt),
          queue_reported_at: new Date(event.data.reportedAt),
        });
        break;
      case 'CanteenRegistered':
      case 'CanteenChanged': {
        const { name, district, town, location } = event.data.details;
        const registeredAt = changes.canteens.get(event.data.canteenId)?.registered_at ?? at;
        changes.canteens.set(event.data.canteenId, {
          canteen_id: event.data.canteenId,
          name,
          district,
          town,
          lat: location?.lat ?? null,
          lng: location?.lng ?? null,
          registered_at: registeredAt,
          updated_at: at,
        });
        break;
      }
      default:
        break;
    }
  }
  return changes;
}

function profileColumns(profile: ElderProfile): Record<string, unknown> {
  return {
    name: profile.name,
    name_grams: nameGrams(profile.name),
    id_number_masked: profile.idNumber.masked,
    id_lookup_hash: profile.idNumber.lookupHash,
    birth_date: profile.birthDate,
    district: profile.district,
    town: profile.town,
    home_canteen_id: profile.homeCanteenId,
    categories: profile.categories,
  };
}
