import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PiiVault } from '../settlement-service/security/pii-vault.ts';
import type { HistoryFixture } from './fixtures/history-before-snapshots.ts';
import { startTestService, type TestService } from './support/service.ts';
import { asRecordedThen } from './support/settlement-answers.ts';

/**
 * A store recorded before elders were loaded from snapshots, opened by today's code: nothing is
 * rewritten, and every answer, ledger, settlement figure and digest is the one that code gave.
 */
describe('a store recorded before snapshots', () => {
  let service: TestService;
  let fixture: HistoryFixture;
  const call = (method: string, path: string, body?: unknown) =>
    service.call(method, path, path.includes('/sales') ? fixture.terminalToken : service.adminToken, body);

  beforeAll(async () => {
    fixture = JSON.parse(
      await readFile(new URL('./fixtures/history-before-snapshots.json', import.meta.url), 'utf8'),
    );
    service = await startTestService({
      adminToken: fixture.secrets.adminToken,
      tokenSecret: Buffer.from(fixture.secrets.tokenSecret, 'hex'),
      vault: new PiiVault(Buffer.from(fixture.secrets.piiKey, 'hex')),
    });
    await service.database.pool.query(
      `INSERT INTO event_store.events (stream_id, stream_revision, event_id, event_type, data, metadata, recorded_at)
       SELECT e->>'stream', (e->>'revision')::bigint, (e->>'id')::uuid, e->>'type', (e->'data')::jsonb,
              (e->'metadata')::jsonb, (e->>'recordedAt')::timestamptz
         FROM json_array_elements($1::json) WITH ORDINALITY AS given(e, n) ORDER BY n`,
      [JSON.stringify(fixture.events)],
    );
    await service.projections.catchUp();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('answers every recorded sale sent again as before, first from the whole stream, then from snapshots', async () => {
    for (const round of [1, 2]) {
      for (const retry of fixture.retries) {
        const { status, body } = await call('POST', '/api/v1/sales', retry.body);
        expect({ round, status, body }).toEqual({ round, status: retry.status, body: retry.answer });
      }
    }
    const { rows } = await service.database.pool.query(
      'SELECT stream_id, revision FROM snapshots.heads ORDER BY stream_id',
    );
    expect(rows).toEqual([
      { stream_id: 'elder-h80', revision: expect.any(String) },
      { stream_id: 'elder-h82', revision: expect.any(String) },
    ]);
  });

  it('keeps the ledgers and the months’ figures and digests', async () => {
    await service.projections.catchUp();
    // The meals' times were answered in UTC then and in Beijing time now: the same instants.
    const instants = (body: { meals: { occurredAt: string }[] }) => ({
      ...body,
      meals: body.meals.map((meal) => ({ ...meal, occurredAt: Date.parse(meal.occurredAt) })),
    });
    for (const ledger of fixture.ledgers) {
      const { body } = await call('GET', ledger.path);
      expect(body.meals.every((meal: { occurredAt: string }) => meal.occurredAt.endsWith('+08:00'))).toBe(
        true,
      );
      expect(instants(body)).toEqual(instants(ledger.body as Parameters<typeof instants>[0]));
    }
    const withoutCutoff = (body: unknown) => ({ ...(body as object), cutoff: null });
    for (const settlement of fixture.settlements) {
      const { body } = await call('GET', settlement.path);
      expect(withoutCutoff(asRecordedThen(body))).toEqual(withoutCutoff(settlement.body));
    }
  });

  it('answers the sale whose decision was recorded without it as that decision', async () => {
    const { status, body } = await call('POST', '/api/v1/sales', fixture.unrecorded.body);
    expect({ status, body }).toEqual({ status: fixture.unrecorded.status, body: fixture.unrecorded.answer });
  });

  it('decides what comes next as before: caps counted over the old meals, voids, debts', async () => {
    for (const step of fixture.next) {
      const { status, body } = await call('POST', step.path, step.body);
      expect({ path: step.path, status, body }).toEqual({
        path: step.path,
        status: step.status,
        body: step.answer,
      });
    }
  });

  it('rewrote and deleted no event', async () => {
    const { rows } = await service.database.pool.query(
      `SELECT stream_id AS stream, stream_revision::int AS revision, event_id AS id, event_type AS type, data,
              metadata FROM event_store.events ORDER BY transaction_id, position LIMIT $1`,
      [fixture.events.length],
    );
    expect(rows).toEqual(fixture.events.map(({ recordedAt: _recordedAt, ...event }) => event));
  });
});
