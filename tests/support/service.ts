import { randomBytes } from 'node:crypto';
import type { EventStore } from '../../event-store/port.ts';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.ts';
import { PostgresSnapshotStore } from '../../event-store/snapshots/postgres-snapshot-store.ts';
import { ALL_PROJECTIONS } from '../../projections/all-projections.ts';
import type { Projection } from '../../projections/runner/projection.ts';
import { ProjectionRunner } from '../../projections/runner/projection-runner.ts';
import { type AppDependencies, createApp } from '../../settlement-service/app.ts';
import { PiiVault } from '../../settlement-service/security/pii-vault.ts';
import { type RunningApp, serve } from '../../testkit/http.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** Dependencies with fresh random secrets. */
export function testDependencies(
  eventStore: EventStore,
  overrides: Partial<AppDependencies> = {},
): AppDependencies {
  return {
    eventStore,
    log: () => {},
    adminToken: `za_${randomBytes(16).toString('hex')}`,
    vault: new PiiVault(randomBytes(32)),
    tokenSecret: randomBytes(32),
    ...overrides,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: answers of any route, whose shape each test asserts
type AnyAnswer = any;

export interface TestService {
  readonly url: string;
  readonly adminToken: string;
  readonly database: TestDatabase;
  readonly store: PostgresEventStore;
  /** The read models' runner, not started: call `catchUp()` or `start()`. */
  readonly projections: ProjectionRunner;
  /** Sends JSON with a bearer token; answers status and parsed body. */
  call(
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
  ): Promise<{ status: number; body: AnyAnswer }>;
  /** How many events the store holds: a refused request must leave it unchanged. */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

/** The real settlement service over HTTP on a fresh database. */
export async function startTestService(
  overrides: Partial<AppDependencies> = {},
  readModels: readonly Projection[] = ALL_PROJECTIONS,
): Promise<TestService> {
  const database = await createTestDatabase();
  const store = new PostgresEventStore(database, { pollIntervalMs: 20 });
  const projections = new ProjectionRunner(store, database.db, readModels, { idleMs: 20 });
  const deps = testDependencies(store, {
    readModels: { db: database.db, projections },
    snapshots: new PostgresSnapshotStore(database),
    ...overrides,
  });
  const app: RunningApp = await serve(createApp(deps));
  return {
    url: app.url,
    adminToken: deps.adminToken,
    database,
    store,
    projections,
    async call(method, path, token, body) {
      const response = await fetch(`${app.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async eventCount() {
      const { rows } = await database.pool.query<{ count: string }>(
        'SELECT count(*) FROM event_store.events',
      );
      return Number(rows[0]?.count);
    },
    async close() {
      await app.close();
      await projections.stop();
      await store.close();
      await database.drop();
    },
  };
}
