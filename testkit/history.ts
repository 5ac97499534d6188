import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { registerDemoBureau } from '../demo/demo-bureau.ts';
import type { JsonObject, RecordedEvent } from '../event-store/port.ts';
import type { PostgresEventStore } from '../event-store/postgres/postgres-event-store.ts';
import { createApp, createServices } from '../settlement-service/app.ts';
import type { EventContext } from '../settlement-service/event-sourcing/aggregate-repository.ts';
import { PiiVault } from '../settlement-service/security/pii-vault.ts';

export interface HistoryOptions {
  readonly events: number;
  readonly elders: number;
  readonly canteens: number;
  /** The business months the sales fall in, each an equal share (default September 2026). */
  readonly months?: readonly string[];
  readonly log: (line: string) => void;
}

const context: EventContext = { actor: { type: 'system', component: 'bench' }, correlationId: 'bench' };
const CHUNK = 5000;

/**
 * Writes a city's history of about `events` events: canteens, elders with cards, then the months' sales (each a
 * MealSold and the elder's MealSubsidyDecided), one in twenty voided, month after month. The first events are made by
 * the real services; the rest are copies of them with new ids, inserted in chunks of one transaction
 * each (far faster than appending one sale at a time, with rows exactly as the store writes them).
 */
export async function writeHistory(
  store: PostgresEventStore,
  pool: pg.Pool,
  options: HistoryOptions,
): Promise<number> {
  const templates = await recordTemplates(store);
  const template = (type: string) => {
    const found = templates.find((event) => event.type === type);
    if (!found) throw new Error(`no ${type} to copy`);
    return found;
  };
  const revisions = new Map<string, number>();
  const rows: object[] = [];
  let written = 0;
  const flush = async () => {
    if (rows.length === 0) return;
    await pool.query(
      `INSERT INTO event_store.events (stream_id, stream_revision, event_id, event_type, data, metadata)
       SELECT stream_id, stream_revision, event_id, event_type, data, metadata
         FROM jsonb_to_recordset($1::jsonb)
           AS e(stream_id text, stream_revision bigint, event_id uuid, event_type text, data jsonb, metadata jsonb)`,
      [JSON.stringify(rows)],
    );
    written += rows.length;
    rows.length = 0;
  };
  const add = async (stream: string, source: RecordedEvent, data: JsonObject) => {
    const revision = revisions.get(stream) ?? 0;
    revisions.set(stream, revision + 1);
    rows.push({
      stream_id: stream,
      stream_revision: revision,
      event_id: randomUUID(),
      event_type: source.type,
      data,
      metadata: source.metadata,
    });
    if (rows.length >= CHUNK) await flush();
  };

  const started = Date.now();
  // The canteens as the demo's first is registered (periods and menu), each under its own id.
  const canteen = template('CanteenRegistered');
  for (let c = 0; c < options.canteens; c++) {
    const canteenId = `canteen-${c}`;
    await add(`canteen-${canteenId}`, canteen, { ...canteen.data, canteenId });
  }
  for (let n = 0; n < options.elders; n++) {
    const elderId = `bench-elder-${n}`;
    const cardUid = `BENCH${n}`;
    const registered = template('ElderRegistered');
    await add(`elder-${elderId}`, registered, { ...registered.data, elderId });
    await add(`card-${cardUid}`, template('CardAssigned'), {
      ...template('CardAssigned').data,
      cardUid,
      elderId,
    });
    await add(`elder-${elderId}`, template('CardBound'), { ...template('CardBound').data, cardUid, elderId });
  }
  const sold = template('MealSold');
  const decided = template('MealSubsidyDecided');
  const voided = template('SaleVoided');
  const subsidyVoided = template('MealSubsidyVoided');
  const months = options.months ?? ['2026-09'];
  // Two events a meal and one void (two more) in twenty.
  const mealsPerMonth = Math.ceil(
    (options.events - options.elders * 3 - options.canteens) / 2.1 / months.length,
  );
  for (let n = 0; written + rows.length < options.events; n++) {
    const elder = n % options.elders;
    const elderId = `bench-elder-${elder}`;
    const canteenId = `canteen-${elder % options.canteens}`;
    const saleId = randomUUID();
    const month = months[Math.min(Math.floor(n / mealsPerMonth), months.length - 1)] as string;
    const inMonth = n % mealsPerMonth;
    const day = 1 + (Math.floor(inMonth / options.elders) % 28);
    const dinner = Math.floor(inMonth / (options.elders * 28)) % 2 === 1;
    const businessDate = `${month}-${String(day).padStart(2, '0')}`;
    const occurredAt = Date.parse(`${businessDate}T${dinner ? '17:30' : '12:00'}:00+08:00`);
    const sale = {
      ...sold.data,
      saleId,
      elderId,
      cardUid: `BENCH${elder}`,
      canteenId,
      terminalId: `${canteenId}-t1`,
      terminalSeq: n,
      businessDate,
      occurredAt,
      period: dinner ? 'dinner' : 'lunch',
      fingerprint: randomBytes(8).toString('hex'),
    };
    await add(`sale-${saleId}`, sold, sale);
    await add(`elder-${elderId}`, decided, {
      ...decided.data,
      elderId,
      saleId,
      businessDate,
      period: sale.period,
      sale,
    });
    if (n % 20 === 19) {
      await add(`sale-${saleId}`, voided, { ...voided.data, saleId });
      await add(`elder-${elderId}`, subsidyVoided, { ...subsidyVoided.data, elderId, saleId });
    }
    if (n % 100_000 === 0 && n > 0)
      options.log(
        `history: ${written.toLocaleString('en-US')} events (${Math.round(written / ((Date.now() - started) / 1000))}/s)`,
      );
  }
  await flush();
  await pool.query('ANALYZE event_store.events');
  return written + templates.length;
}

/** The demo bureau, one subsidised sale and one voided, made by the services: the events to copy. */
async function recordTemplates(store: PostgresEventStore): Promise<RecordedEvent[]> {
  const deps = {
    eventStore: store,
    log: () => {},
    adminToken: 'bench',
    vault: new PiiVault(randomBytes(32)),
    tokenSecret: randomBytes(32),
  };
  const server = createApp(deps).listen(0);
  await once(server, 'listening');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zhucan-bench-'));
  const serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await registerDemoBureau({ serviceUrl, adminToken: deps.adminToken }, { dataDir, log: () => {} });
  server.close();
  await rm(dataDir, { recursive: true });
  const services = createServices(deps);
  const terminal = { terminalId: 'heping-01-t1', canteenId: 'heping-01' };
  const sell = (saleId: string, occurredAt: string) =>
    services.sales.sell(
      {
        saleId,
        terminalSeq: 1,
        occurredAt: Date.parse(occurredAt),
        channel: 'dine-in',
        cardUid: 'CARD0001',
        items: [{ itemId: 'set-a', qty: 1 }],
        payment: { method: 'cash' },
        offline: null,
        fingerprint: saleId,
      },
      terminal,
      'cashier-1',
      context,
    );
  await sell(randomUUID(), '2026-09-01T12:00:00+08:00');
  const toVoid = randomUUID();
  await sell(toVoid, '2026-09-02T12:00:00+08:00');
  await services.sales.void({ saleId: toVoid, reason: '录错', at: Date.now() }, null, context);
  return store.readAll({ limit: 1000 });
}
