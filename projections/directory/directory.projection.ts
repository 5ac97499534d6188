import { sql, type Transaction } from 'kysely';
import type { CanteenEvent } from '../../domain/canteens/canteen.ts';
import type { CardEvent } from '../../domain/cards/card.ts';
import type { ElderEvent, ElderProfile } from '../../domain/elders/elder.ts';
import type { TerminalEvent } from '../../domain/terminals/terminal.ts';
import type { RecordedEvent } from '../../event-store/port.ts';
import type { Projection } from '../runner/projection.ts';
import { createDirectoryTables } from './directory.tables.ts';

type DirectoryEvent = ElderEvent | CardEvent | TerminalEvent | CanteenEvent;

/** Elders, cards, terminals and canteens as they stand now. Every write is an upsert or a set. */
export const directoryProjection: Projection = {
  name: 'directory',
  version: 1,
  tables: ['elders', 'cards', 'terminals', 'canteens'],
  createTables: createDirectoryTables,
  async apply(trx, schema, events) {
    for (const event of events) await applyOne(trx, schema, event);
  },
};

async function applyOne(trx: Transaction<unknown>, schema: string, recorded: RecordedEvent): Promise<void> {
  const table = (name: string) => sql.id(schema, name);
  const at = recorded.recordedAt;
  const event = { type: recorded.type, data: recorded.data } as unknown as DirectoryEvent;
  const mustChange = async (query: ReturnType<typeof sql>, what: string) => {
    const { numAffectedRows } = await query.execute(trx);
    if (numAffectedRows === 0n) throw new Error(`${what} is not in the directory`);
  };
  switch (event.type) {
    case 'ElderRegistered': {
      const p = event.data.profile;
      await sql`
        INSERT INTO ${table('elders')} (elder_id, name, id_number_masked, id_lookup_hash, birth_date, district, town,
          home_canteen_id, categories, registered_at, updated_at)
        VALUES (${event.data.elderId}, ${p.name}, ${p.idNumber.masked}, ${p.idNumber.lookupHash}, ${p.birthDate},
          ${p.district}, ${p.town}, ${p.homeCanteenId}, ${JSON.stringify(p.categories)}::jsonb, ${at}, ${at})
        ON CONFLICT (elder_id) DO NOTHING`.execute(trx);
      return;
    }
    case 'ElderProfileChanged':
      return mustChange(
        profileUpdate(table('elders'), event.data.elderId, event.data.profile, at),
        elder(event.data),
      );
    case 'CardBound':
      return mustChange(
        sql`UPDATE ${table('elders')} SET card_uid = ${event.data.cardUid}, updated_at = ${at}
             WHERE elder_id = ${event.data.elderId}`,
        elder(event.data),
      );
    case 'ElderDied':
      return mustChange(
        sql`UPDATE ${table('elders')} SET died_on = ${event.data.date}, updated_at = ${at}
             WHERE elder_id = ${event.data.elderId}`,
        elder(event.data),
      );
    case 'CardAssigned':
      await sql`
        INSERT INTO ${table('cards')} (card_uid, elder_id, status, assigned_from)
        VALUES (${event.data.cardUid}, ${event.data.elderId}, 'active', ${msOrNull(event.data.effectiveFrom)})
        ON CONFLICT (card_uid) DO UPDATE SET elder_id = excluded.elder_id, status = 'active',
          assigned_from = excluded.assigned_from, retired_from = NULL`.execute(trx);
      return;
    case 'CardRetired':
      return mustChange(
        sql`UPDATE ${table('cards')} SET status = 'retired', retired_from = ${new Date(event.data.effectiveFrom)}
             WHERE card_uid = ${event.data.cardUid}`,
        `card ${event.data.cardUid}`,
      );
    case 'TerminalRegistered':
      await sql`
        INSERT INTO ${table('terminals')} (terminal_id, canteen_id, generation, registered_at)
        VALUES (${event.data.terminalId}, ${event.data.canteenId}, ${event.data.generation}, ${at})
        ON CONFLICT (terminal_id) DO UPDATE SET canteen_id = excluded.canteen_id, generation = excluded.generation,
          registered_at = excluded.registered_at`.execute(trx);
      return;
    case 'CanteenRegistered':
    case 'CanteenChanged': {
      const d = event.data.details;
      await sql`
        INSERT INTO ${table('canteens')} (canteen_id, name, district, town, registered_at, updated_at)
        VALUES (${event.data.canteenId}, ${d.name}, ${d.district}, ${d.town}, ${at}, ${at})
        ON CONFLICT (canteen_id) DO UPDATE SET name = excluded.name, district = excluded.district,
          town = excluded.town, updated_at = excluded.updated_at`.execute(trx);
      return;
    }
    default:
      return;
  }
}

function profileUpdate(elders: ReturnType<typeof sql.id>, elderId: string, p: ElderProfile, at: Date) {
  return sql`
    UPDATE ${elders} SET name = ${p.name}, id_number_masked = ${p.idNumber.masked},
      id_lookup_hash = ${p.idNumber.lookupHash}, birth_date = ${p.birthDate}, district = ${p.district},
      town = ${p.town}, home_canteen_id = ${p.homeCanteenId}, categories = ${JSON.stringify(p.categories)}::jsonb,
      updated_at = ${at}
     WHERE elder_id = ${elderId}`;
}

const elder = (data: { elderId: string }) => `elder ${data.elderId}`;
const msOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));
