import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateFrom } from '../../domain/decider.ts';
import { capHistoryOf, capMonthsOf } from '../../domain/elders/allowance.ts';
import {
  type ElderEvent,
  elder,
  elderStream,
  owedNotShownFen,
  requireRegistered,
} from '../../domain/elders/elder.ts';
import { fen } from '../../domain/money.ts';
import { addDays } from '../../domain/time/calendar.ts';
import type { EventStore, ReadStreamOptions } from '../../event-store/port.ts';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.ts';
import { MemorySnapshotStore } from '../../event-store/snapshots/memory-snapshot-store.ts';
import { PostgresSnapshotStore } from '../../event-store/snapshots/postgres-snapshot-store.ts';
import type { SnapshotStore } from '../../event-store/snapshots/snapshot-store.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database.ts';
import { ElderRepository } from './elder-repository.ts';

const profile = {
  name: '张三明',
  birthDate: '1940-05-01',
  idNumber: { sealed: 's', lookupHash: 'h', masked: 'm' },
  district: '西城区',
  town: '一街道',
  homeCanteenId: null,
  categories: [],
};

function decided(elderId: string, saleId: string, businessDate: string, owedFen = 0): ElderEvent {
  return {
    type: 'MealSubsidyDecided',
    data: {
      elderId,
      saleId,
      businessDate,
      period: 'lunch',
      lines: [{ ruleId: 'r', stackGroup: null, fen: fen(300), funding: [] }],
      owedFen: fen(owedFen),
      sale: { saleId, notice: null } as never,
    },
  };
}

/** An event store that counts the events it hands out: what a load costs, whatever the machine. */
function counting(store: EventStore) {
  const counter = { events: 0 };
  const counted: EventStore = Object.create(store);
  counted.readStream = async (stream: string, options?: ReadStreamOptions) => {
    const events = await store.readStream(stream, options);
    counter.events += events.length;
    return events;
  };
  return { store: counted, counter };
}

describe('elders loaded from snapshots', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database);
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** Records an elder with a meal a day from `from` (every fifth voided, some owing) and answers the events. */
  async function recordYears(elderId: string, from: string, days: number, legacyVoids = false) {
    const events: ElderEvent[] = [{ type: 'ElderRegistered', data: { elderId, profile } }];
    for (let day = 0; day < days; day++) {
      const date = addDays(from, day);
      events.push(decided(elderId, `${elderId}-${day}`, date, day % 13 === 0 ? 150 : 0));
      if (day % 5 === 4) {
        events.push({
          type: 'MealSubsidyVoided',
          data: {
            elderId,
            saleId: `${elderId}-${day - 2}`,
            ...(legacyVoids ? {} : { businessDate: addDays(from, day - 2) }),
          },
        });
      }
    }
    for (let start = 0; start < events.length; start += 500) {
      await store.append(
        elderStream(elderId),
        events.slice(start, start + 500).map((event) => ({ id: randomUUID(), ...event }) as never),
        { expectedRevision: start === 0 ? 'no-stream' : start - 1 },
      );
    }
    return events;
  }

  for (const [name, makeSnapshots] of [
    ['in PostgreSQL', () => new PostgresSnapshotStore(database)],
    ['in memory', () => new MemorySnapshotStore()],
  ] as const) {
    it(`reads a bounded tail however long the history, and counts caps as the whole fold does (${name})`, async () => {
      const elderId = `years-${randomUUID()}`;
      const events = await recordYears(elderId, '2021-10-01', 5 * 365);
      const whole = requireRegistered(stateFrom(elder, events));
      const { store: counted, counter } = counting(store);
      const repository = new ElderRepository(counted, makeSnapshots(), { snapshotAfter: 10 });

      const first = await repository.load(elderId, capMonthsOf('2026-09-29'));
      // The first load folds the stream once (besides the last events it reads with the snapshot).
      expect(counter.events).toBe(events.length + 10);
      for (const date of ['2026-09-29', '2023-02-27', '2022-01-01', '2026-09-01']) {
        counter.events = 0;
        const { state, expectedRevision } = await repository.load(elderId, capMonthsOf(date));
        const loaded = requireRegistered(state);
        // The stream's last ten events, read with the snapshot: five years weigh nothing.
        expect(counter.events).toBe(10);
        expect(expectedRevision).toBe(events.length - 1);
        expect(capHistoryOf(loaded.allowance, date)).toEqual(capHistoryOf(whole.allowance, date));
        expect(owedNotShownFen(loaded)).toBe(owedNotShownFen(whole));
      }
      expect(requireRegistered(first.state).version).toBe(whole.version);
    });
  }

  it('folds the events after the snapshot, and writes the months they touched when it writes again', async () => {
    const elderId = `tail-${randomUUID()}`;
    const events = await recordYears(elderId, '2025-01-01', 300);
    const snapshots = new PostgresSnapshotStore(database);
    const repository = new ElderRepository(store, snapshots, { snapshotAfter: 4 });
    await repository.load(elderId, []);
    // Late decisions in months nobody asks for next, then a void of an old sale.
    const later: ElderEvent[] = [
      decided(elderId, 'late-1', '2025-02-03'),
      decided(elderId, 'late-2', '2025-03-04'),
      decided(elderId, 'late-3', '2025-02-04'),
      { type: 'MealSubsidyVoided', data: { elderId, saleId: `${elderId}-40`, businessDate: '2025-02-10' } },
      decided(elderId, 'late-4', '2025-10-20', 120),
    ];
    await store.append(
      elderStream(elderId),
      later.map((event) => ({ id: randomUUID(), ...event }) as never),
      { expectedRevision: events.length - 1 },
    );
    const whole = requireRegistered(stateFrom(elder, [...events, ...later]));
    // Asking for October only: February and March are written too, at the new revision.
    await repository.load(elderId, capMonthsOf('2025-10-22'));
    const { rows } = await database.pool.query('SELECT revision FROM snapshots.heads WHERE stream_id = $1', [
      elderStream(elderId),
    ]);
    expect(Number(rows[0]?.revision)).toBe(events.length + later.length - 1);
    for (const date of ['2025-02-05', '2025-03-04', '2025-10-22', '2025-02-10']) {
      const fresh = new ElderRepository(store, snapshots, { snapshotAfter: 4 });
      const loaded = requireRegistered((await fresh.load(elderId, capMonthsOf(date))).state);
      expect(capHistoryOf(loaded.allowance, date)).toEqual(capHistoryOf(whole.allowance, date));
      expect(owedNotShownFen(loaded)).toBe(owedNotShownFen(whole));
    }
  });

  it('folds the whole stream when the snapshot no longer fits it or a void does not say its month', async () => {
    const elderId = `stale-${randomUUID()}`;
    const events = await recordYears(elderId, '2025-06-01', 60, true);
    const whole = requireRegistered(stateFrom(elder, events));
    const snapshots = new MemorySnapshotStore();
    const repository = new ElderRepository(store, snapshots, { snapshotAfter: 1000 });
    // A snapshot from a store that was replaced: the event at its revision is another one.
    await snapshots.write(
      elderStream(elderId),
      {
        revision: 3,
        eventId: randomUUID(),
        head: { ...whole, format: 1, version: 3 } as never,
        parts: new Map(),
      },
      { replaceAll: true },
    );
    const date = '2025-07-15';
    const loaded = requireRegistered((await repository.load(elderId, capMonthsOf(date))).state);
    expect(loaded.version).toBe(whole.version);
    expect(capHistoryOf(loaded.allowance, date)).toEqual(capHistoryOf(whole.allowance, date));
  });

  it('replaces a snapshot it cannot use, even one of a later revision', async () => {
    const elderId = `replaced-${randomUUID()}`;
    const events = await recordYears(elderId, '2025-06-01', 30);
    const snapshots = new PostgresSnapshotStore(database);
    const stream = elderStream(elderId);
    // Of an older format, and left by a store the events were restored from: its revision lies ahead.
    await snapshots.write(
      stream,
      { revision: 10_000, eventId: randomUUID(), head: { format: 0 }, parts: new Map([['2025-06', []]]) },
      { replaceAll: true },
    );
    const repository = new ElderRepository(store, snapshots, { snapshotAfter: 4 });
    const { expectedRevision } = await repository.load(elderId, ['2025-06']);
    expect(expectedRevision).toBe(events.length - 1);
    expect((await snapshots.read(stream, []))?.revision).toBe(events.length - 1);
    const whole = requireRegistered(stateFrom(elder, events));
    const again = requireRegistered((await repository.load(elderId, capMonthsOf('2025-06-20'))).state);
    expect(capHistoryOf(again.allowance, '2025-06-20')).toEqual(capHistoryOf(whole.allowance, '2025-06-20'));
  });

  it('folds the whole stream when a void after the snapshot does not say its month', async () => {
    const elderId = `legacy-${randomUUID()}`;
    const events = await recordYears(elderId, '2025-06-01', 60);
    const repository = new ElderRepository(store, new MemorySnapshotStore(), { snapshotAfter: 4 });
    await repository.load(elderId, []);
    const legacyVoid: ElderEvent = { type: 'MealSubsidyVoided', data: { elderId, saleId: `${elderId}-3` } };
    await store.append(elderStream(elderId), [{ id: randomUUID(), ...legacyVoid } as never], {
      expectedRevision: events.length - 1,
    });
    const whole = requireRegistered(stateFrom(elder, [...events, legacyVoid]));
    const date = '2025-06-04';
    const loaded = requireRegistered((await repository.load(elderId, capMonthsOf(date))).state);
    expect(capHistoryOf(loaded.allowance, date)).toEqual(capHistoryOf(whole.allowance, date));
    expect(capHistoryOf(loaded.allowance, date).map((meal) => meal.saleId)).not.toContain(`${elderId}-3`);
  });

  it('goes on without a snapshot when it cannot be written, and says so', async () => {
    const elderId = `unwritable-${randomUUID()}`;
    const events = await recordYears(elderId, '2025-06-01', 40);
    const lines: string[] = [];
    const broken: SnapshotStore = {
      read: async () => null,
      write: async () => {
        throw new Error('disk full');
      },
    };
    const repository = new ElderRepository(store, broken, {
      snapshotAfter: 5,
      log: (line) => lines.push(line),
    });
    const loaded = await repository.load(elderId, ['2025-06']);
    expect(loaded.expectedRevision).toBe(events.length - 1);
    expect(lines).toEqual([`snapshot of elder-${elderId} not written: disk full`]);
  });
});

describe('snapshot stores keep the later revision', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(4);
  });
  afterAll(async () => {
    await database?.drop();
  });

  for (const [name, make] of [
    ['PostgreSQL', () => new PostgresSnapshotStore(database)],
    ['memory', () => new MemorySnapshotStore()],
  ] as const) {
    it(name, async () => {
      const snapshots = make();
      const at = (revision: number, parts: [string, number][]) => ({
        revision,
        eventId: randomUUID(),
        head: { revision },
        parts: new Map(parts),
      });
      expect(await snapshots.read('s', ['a'])).toBeNull();
      await snapshots.write(
        's',
        at(5, [
          ['a', 5],
          ['b', 5],
        ]),
        { replaceAll: true },
      );
      await snapshots.write('s', at(4, [['a', 4]]), { replaceAll: false });
      await snapshots.write('s', at(7, [['b', 7]]), { replaceAll: false });
      const read = await snapshots.read('s', ['a', 'b', 'c']);
      expect(read?.revision).toBe(7);
      expect(read?.head).toEqual({ revision: 7 });
      expect([...(read?.parts ?? [])]).toEqual([
        ['a', 5],
        ['b', 7],
      ]);
      await snapshots.write('s', at(9, [['c', 9]]), { replaceAll: true });
      expect([...((await snapshots.read('s', ['a', 'b', 'c']))?.parts ?? [])]).toEqual([['c', 9]]);
    });
  }
});
