import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../database/connect.ts';
import { positionToString } from '../../event-store/position.ts';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.ts';
import { type RunningApp, serve } from '../../testkit/http.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database.ts';
import { testDependencies } from '../../tests/support/service.ts';
import { createApp } from '../app.ts';

describe('GET /health', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let app: RunningApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database);
    app = await serve(createApp(testDependencies(store)));
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('reports the event store and the position of its last event', async () => {
    const empty = await (await fetch(`${app.url}/health`)).json();
    expect(empty).toEqual({
      status: 'ok',
      eventStore: { kind: 'postgresql', position: '0/0' },
      projections: [],
    });

    const { position } = await store.append(
      'health-check',
      [{ id: randomUUID(), type: 'Pinged', data: {} }],
      {
        expectedRevision: 'no-stream',
      },
    );
    const response = await fetch(`${app.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ eventStore: { position: positionToString(position) } });
    const live = await fetch(`${app.url}/health/live`);
    expect({ status: live.status, body: await live.json() }).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers 503 problem+json when the database is gone', async () => {
    const broken = new PostgresEventStore(connect('postgres://nobody:x@127.0.0.1:1/none', 1));
    const brokenApp = await serve(createApp(testDependencies(broken)));
    try {
      for (const path of ['/health', '/health/live']) {
        const response = await fetch(`${brokenApp.url}${path}`);
        expect(response.status, path).toBe(503);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(await response.json()).toMatchObject({ status: 503, code: 'unavailable' });
      }
    } finally {
      await brokenApp.close();
    }
  });

  it('answers an unknown path with a 404 problem', async () => {
    const response = await fetch(`${app.url}/api/v1/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'not-found', status: 404 });
  });
});
