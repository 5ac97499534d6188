import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { canonicalJson } from '../../domain/canonical-json.ts';
import type { CanteenEvent, CanteenState } from '../../domain/canteens/canteen.ts';
import type { CardEvent, CardState } from '../../domain/cards/card.ts';
import type { CanteenFacts } from '../../domain/policy/meal-facts.ts';
import type { MealSoldData } from '../../domain/sales/sale-events.ts';
import {
  CANTEEN_EVENT_TYPES,
  CARD_EVENT_TYPES,
  canteenFactsAt,
  ELDER_FACT_EVENT_TYPES,
  type ElderDecisionState,
  type ElderFactEvent,
  evolveCanteenFacts,
  evolveCardFacts,
  evolveElderFacts,
  saleElderFactsAt,
} from '../../domain/simulation/decision-facts.ts';
import { monthKeyOf } from '../../domain/time/calendar.ts';
import type { RecordedEvent } from '../../event-store/port.ts';
import type { Projection } from '../runner/projection.ts';
import { createDecisionInputTables } from './decision-inputs.tables.ts';

/**
 * The decision inputs (see `decision-inputs.tables.ts`). A page loads the current facts of the
 * elders, cards and canteens it names in three queries, folds its events in order, and writes its
 * sales' inputs, the new distinct facts, and the facts it changed. Sales and facts are keyed, so a
 * page applied twice adds nothing; the current facts it rewrites are the same again.
 */
export const decisionInputsProjection: Projection = {
  name: 'decision-inputs',
  version: 1,
  eventTypes: ['MealSold', ...ELDER_FACT_EVENT_TYPES, ...CARD_EVENT_TYPES, ...CANTEEN_EVENT_TYPES],
  tables: [
    'sale_decision_inputs',
    'decision_facts',
    'decision_elders',
    'decision_cards',
    'decision_canteens',
  ],
  createTables: createDecisionInputTables,
  async apply(trx, schema, events) {
    const table = (name: string) => sql.id(schema, name);
    const elders = new CurrentFacts<ElderDecisionState | null>(trx, table('decision_elders'), 'elder_id');
    const cards = new CurrentFacts<CardState>(trx, table('decision_cards'), 'card_uid');
    const canteens = new CurrentFacts<CanteenState>(trx, table('decision_canteens'), 'canteen_id');
    const data = (event: RecordedEvent) => event.data as Record<string, unknown>;
    await elders.load(events.map((event) => data(event).elderId));
    await cards.load(events.map((event) => data(event).cardUid));
    await canteens.load(events.map((event) => data(event).canteenId));
    const sales: object[] = [];
    const facts = new Map<string, object>();
    const hashed = (value: object) => {
      const text = canonicalJson(value);
      const hash = createHash('sha256').update(text).digest('base64url').slice(0, 24);
      facts.set(hash, value);
      return hash;
    };
    for (const event of events) {
      const { type } = event;
      if ((ELDER_FACT_EVENT_TYPES as readonly string[]).includes(type)) {
        const elderEvent = event as unknown as ElderFactEvent;
        elders.set(
          elderEvent.data.elderId,
          evolveElderFacts(elders.get(elderEvent.data.elderId) ?? null, elderEvent),
        );
      } else if ((CARD_EVENT_TYPES as readonly string[]).includes(type)) {
        const cardEvent = event as unknown as CardEvent;
        cards.set(
          cardEvent.data.cardUid,
          evolveCardFacts(cards.get(cardEvent.data.cardUid) ?? null, cardEvent),
        );
      } else if ((CANTEEN_EVENT_TYPES as readonly string[]).includes(type)) {
        const canteenEvent = event as unknown as CanteenEvent;
        canteens.set(
          canteenEvent.data.canteenId,
          evolveCanteenFacts(canteens.get(canteenEvent.data.canteenId) ?? null, canteenEvent),
        );
      } else if (type === 'MealSold') {
        const sale = event.data as unknown as MealSoldData;
        const canteen: CanteenFacts = canteenFactsAt(
          canteens.get(sale.canteenId) ?? null,
          sale.occurredAt,
        ) ?? {
          canteenId: sale.canteenId,
          district: '',
          town: '',
          periods: {},
        };
        const elder =
          sale.elderId === null
            ? null
            : saleElderFactsAt(
                elders.get(sale.elderId) ?? null,
                sale.cardUid === null ? null : (cards.get(sale.cardUid) ?? null),
                sale.occurredAt,
              );
        sales.push({
          month: monthKeyOf(sale.businessDate),
          commit_position: event.position.commit.toString(),
          prepare_position: event.position.prepare.toString(),
          sale_id: sale.saleId,
          occurred_at: sale.occurredAt,
          channel: sale.channel,
          price_fen: sale.totalFen,
          canteen_facts: hashed(canteen),
          elder_facts: elder === null ? null : hashed(elder),
        });
      }
    }
    if (facts.size > 0)
      await sql`
        INSERT INTO ${table('decision_facts')} (hash, facts)
        SELECT hash, facts FROM jsonb_to_recordset(${JSON.stringify(
          [...facts].map(([hash, value]) => ({ hash, facts: value })),
        )}::jsonb) AS incoming(hash text, facts jsonb)
        ON CONFLICT DO NOTHING`.execute(trx);
    if (sales.length > 0)
      await sql`
        INSERT INTO ${table('sale_decision_inputs')} (${INPUT_COLUMNS})
        SELECT ${INPUT_COLUMNS}
          FROM jsonb_to_recordset(${JSON.stringify(sales)}::jsonb)
            AS incoming(month text, commit_position bigint, prepare_position bigint, sale_id text,
                        occurred_at bigint, channel text, price_fen bigint, canteen_facts text, elder_facts text)
        ON CONFLICT DO NOTHING`.execute(trx);
    for (const current of [elders, cards, canteens]) await current.save();
  },
};

const INPUT_COLUMNS = sql.raw(
  'month, commit_position, prepare_position, sale_id, occurred_at, channel, price_fen, canteen_facts, elder_facts',
);

/** The current facts of the keys a page names: read once, changed in memory, the changed ones written back. */
class CurrentFacts<S> {
  private readonly states = new Map<string, S>();
  private readonly changed = new Set<string>();

  constructor(
    private readonly trx: Transaction<unknown>,
    private readonly table: ReturnType<typeof sql.id>,
    private readonly key: string,
  ) {}

  async load(keys: readonly unknown[]): Promise<void> {
    const wanted = [...new Set(keys.filter((key): key is string => typeof key === 'string'))];
    if (wanted.length === 0) return;
    const { rows } = await sql<{ key: string; state: S }>`
      SELECT ${sql.id(this.key)} AS key, state FROM ${this.table}
       WHERE ${sql.id(this.key)} = ANY(${wanted}::text[])`.execute(this.trx);
    for (const row of rows) this.states.set(row.key, row.state);
  }

  get(key: string): S | undefined {
    return this.states.get(key);
  }

  set(key: string, state: S): void {
    this.states.set(key, state);
    this.changed.add(key);
  }

  async save(): Promise<void> {
    const rows = [...this.changed].flatMap((key) => {
      const state = this.states.get(key);
      return state === null || state === undefined ? [] : [{ key, state }];
    });
    if (rows.length === 0) return;
    await sql`
      INSERT INTO ${this.table} (${sql.id(this.key)}, state)
      SELECT key, state FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS incoming(key text, state jsonb)
      ON CONFLICT (${sql.id(this.key)}) DO UPDATE SET state = excluded.state`.execute(this.trx);
  }
}
