import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SUPERVISION_SETTINGS } from '../domain/supervision/settings.ts';
import { superviseAll } from '../domain/supervision/supervision.ts';
import { generateScenario, type Scenario } from '../domain/supervision/testing/scenario.ts';
import { scoreAlerts, scoreTable } from '../domain/supervision/testing/score.ts';
import type { EventMetadata, JsonObject } from '../event-store/port.ts';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.ts';
import { ProjectionRunner } from '../projections/runner/projection-runner.ts';
import { rebuildProjection } from '../projections/runner/rebuild.ts';
import { listAlerts } from '../projections/supervision/alert-queries.ts';
import {
  forgetSupervisionStatesInMemory,
  observeSupervisionPages,
  supervisionProjection,
} from '../projections/supervision/supervision.projection.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

/*
 * The seeded month with planted frauds, recorded in a real event store and read by the supervision
 * projection in pages, as the service runs it: the read model holds exactly the alerts of the pure
 * fold over the same events, live and after a rebuild, and finds every planted case. The month before
 * is migrated ahead of it, its voids recorded that morning with the times they were made: it raises
 * its planted late voids and nothing else.
 */
describe('the supervision projection over a month with planted frauds (real PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let scenario: Scenario;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database, { pollIntervalMs: 20 });
    scenario = generateScenario(1);
    const recorded = [
      ...scenario.events,
      { id: 'month-closed', type: 'MonthClosed', data: { month: scenario.month } },
    ];
    // Small appends, as counters write them; event ids must be UUIDs in the store.
    for (let first = 0; first < recorded.length; first += 200) {
      const events = recorded.slice(first, first + 200).map((event) => ({
        id: randomUUID(),
        type: event.type,
        data: event.data as JsonObject,
        ...(event.metadata ? { metadata: event.metadata as EventMetadata } : {}),
      }));
      await store.append(`scenario-${first}`, events, { expectedRevision: 'no-stream' });
    }
  }, 120_000);
  afterAll(() => database?.drop());

  const alertsOfMonth = async (month: string) =>
    (await listAlerts(database.db, { month }, 100_000)).map((alert) => ({
      alertId: alert.alertId,
      kind: alert.kind,
      saleIds: [...alert.saleIds],
    }));
  /** The alerts of the month and of the migrated month before it. */
  const alertsOfReadModel = async () =>
    [...(await alertsOfMonth(scenario.migrated.month)), ...(await alertsOfMonth(scenario.month))].sort(
      (a, b) => (a.alertId < b.alertId ? -1 : 1),
    );

  it('raises live what the pure checks raise, finds every planted case, and the same again on rebuild', async () => {
    const runner = new ProjectionRunner(store, database.db, [supervisionProjection], {
      idleMs: 20,
      batchSize: 500,
    });
    await runner.catchUp();
    const live = await alertsOfReadModel();
    const expected = superviseAll(scenario.facts, DEFAULT_SUPERVISION_SETTINGS)
      .map((alert) => ({ alertId: alert.alertId, kind: alert.kind, saleIds: [...alert.saleIds] }))
      .sort((a, b) => (a.alertId < b.alertId ? -1 : 1));
    expect(live).toEqual(expected);

    const scores = scoreAlerts(live, scenario.planted);
    const sales = scenario.events.filter((event) => event.type === 'MealSold').length;
    console.log(scoreTable(`read model, seed 1: ${sales} sales, ${live.length} alerts`, scores));
    for (const row of scores) {
      expect(row.planted, row.kind).toBeGreaterThan(0);
      expect(row.recall, `recall of ${row.kind}`).toBe(1);
      expect(row.precision, `precision of ${row.kind}`).toBeGreaterThanOrEqual(0.9);
    }

    // The migrated month, its voids recorded on the migration's morning: exactly its planted cases,
    // the voids made after their day closed, and nothing for the voids made minutes after their sale.
    const kindAndSales = (alert: { kind: string; saleIds: readonly string[] }) =>
      `${alert.kind} ${alert.saleIds.join(',')}`;
    const migrated = await alertsOfMonth(scenario.migrated.month);
    expect(scenario.migrated.planted.length).toBeGreaterThan(0);
    expect(migrated.map(kindAndSales).sort()).toEqual(scenario.migrated.planted.map(kindAndSales).sort());

    await rebuildProjection(store, database.db, supervisionProjection, { batchSize: 700 });
    expect(await alertsOfReadModel()).toEqual(live);
  }, 300_000);

  it('raises the same when pages read the state back from its entries and pages fail before their commit', async () => {
    const expected = await alertsOfReadModel();
    expect(expected.length).toBeGreaterThan(40);
    let pages = 0;
    let failed = 0;
    const stop = observeSupervisionPages((cost) => {
      if (cost.events === 1) return; // a failed page's events tried one at a time (see advance.ts)
      pages += 1;
      // Every other page, as if the process restarted: the next one reads the state from its entries.
      // The others keep it in memory, with the position the page wrote, also when the page then fails.
      if (pages % 2 === 0) forgetSupervisionStatesInMemory();
      if (pages % 5 === 0) {
        failed += 1;
        throw new Error('the connection dropped after the entries were written, before the commit');
      }
    });
    try {
      // A rebuild cut short resumes where it stopped; a failed page is rolled back whole.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await rebuildProjection(store, database.db, supervisionProjection, { batchSize: 500 });
          break;
        } catch (error) {
          if (attempt > 50) throw error;
        }
      }
    } finally {
      stop();
    }
    expect(failed).toBeGreaterThanOrEqual(3);
    expect(await alertsOfReadModel()).toEqual(expected);
  }, 300_000);
});
