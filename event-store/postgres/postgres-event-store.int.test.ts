import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database.ts';
import { describeEventStoreContract } from '../contract.ts';
import { CutoffUnavailableError } from '../errors.ts';
import { comparePositions } from '../position.ts';
import { PostgresEventStore } from './postgres-event-store.ts';

describeEventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const store = new PostgresEventStore(database, { pollIntervalMs: 20 });
  return {
    store,
    async cleanup() {
      await store.close();
      await database.drop();
    },
  };
});

describe('PostgreSQL store: a cut-off while another transaction is open', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database, { pollIntervalMs: 20 });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  /** A transaction that has written (it has an id) and stays open until released. */
  const holdOpenTransaction = async () => {
    const client = await database.pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT pg_current_xact_id()');
    return async () => {
      await client.query('ROLLBACK');
      client.release();
    };
  };
  const appendOne = () =>
    store.append(`cut-${randomUUID()}`, [{ id: randomUUID(), type: 'Sold', data: {} }], {
      expectedRevision: 'no-stream',
    });

  it('waits for the open transaction to end, then includes every append answered before it', async () => {
    const release = await holdOpenTransaction();
    const answered = await Promise.all([appendOne(), appendOne()]);
    // The head a reader sees stops below the open transaction: the answered appends are not in it.
    for (const result of answered)
      expect(comparePositions(await store.headPosition(), result.position)).toBeLessThan(0);
    const cutoff = store.settledHead({ timeoutMs: 5_000 });
    setTimeout(() => void release(), 150);
    const position = await cutoff;
    for (const result of answered)
      expect(comparePositions(position, result.position)).toBeGreaterThanOrEqual(0);
  });

  it('gives up with CutoffUnavailableError when the transaction stays open', async () => {
    const release = await holdOpenTransaction();
    try {
      await appendOne();
      await expect(store.settledHead({ timeoutMs: 200 })).rejects.toBeInstanceOf(CutoffUnavailableError);
    } finally {
      await release();
    }
    await expect(store.settledHead({ timeoutMs: 200 })).resolves.toBeDefined();
  });
});
