import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database.ts';
import { runNoSkipStress } from '../no-skip-stress.ts';
import { PostgresEventStore } from './postgres-event-store.ts';
import { postgresStressTarget } from './stress-target.ts';

describe('PostgreSQL store under concurrent appenders with late commits', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(40);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('delivers every event to a concurrent subscriber exactly once, in each stream’s revision order', async () => {
    const store = new PostgresEventStore(database, { pollIntervalMs: 5 });
    const report = await runNoSkipStress(postgresStressTarget(store), {
      writers: 24,
      appendsPerWriter: 40,
      streams: 10,
      holdingShare: 0.3,
      maxHoldMs: 40,
    });
    expect(report.appended).toBe(24 * 40);
    expect(report).toMatchObject({ skipped: 0, duplicated: 0, outOfOrder: 0, delivered: 24 * 40 });
  });

  it('orders a stream by revision even when a transaction got its id before the stream’s last writer', async () => {
    const store = new PostgresEventStore(database);
    const stream = 'ordering-guard';
    await store.append(stream, [{ id: crypto.randomUUID(), type: 'First', data: {} }], {
      expectedRevision: 'no-stream',
    });
    // An older transaction (it wrote elsewhere first, so it has an id) appends after a younger one.
    const olderHasItsId = deferred();
    const olderMayGoOn = deferred();
    const older = store.transaction(async (appender) => {
      await appender.append('ordering-other', [{ id: crypto.randomUUID(), type: 'Elsewhere', data: {} }], {
        expectedRevision: 'any',
      });
      olderHasItsId.resolve();
      await olderMayGoOn.promise;
      await appender.append(stream, [{ id: crypto.randomUUID(), type: 'Older', data: {} }], {
        expectedRevision: 1,
      });
    });
    await olderHasItsId.promise;
    await store.append(stream, [{ id: crypto.randomUUID(), type: 'Younger', data: {} }], {
      expectedRevision: 0,
    });
    olderMayGoOn.resolve();
    await expect(older).rejects.toMatchObject({ name: 'ConcurrencyError', stream, actual: 1 });
    expect((await store.readStream(stream)).map((event) => event.type)).toEqual(['First', 'Younger']);
  });
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
