import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaVersionOf } from '../domain/event-schema.ts';
import { eventLeaf, merkleRoot } from '../domain/settlement/digest.ts';
import type { RecordedEvent } from '../event-store/port.ts';
import { upcastRecorded } from '../event-store/upcast-recorded.ts';
import type { Projection } from '../projections/runner/projection.ts';
import { ProjectionRunner } from '../projections/runner/projection-runner.ts';
import { canteenDay } from '../projections/sales/canteen-day.ts';
import { AggregateRepository } from '../settlement-service/event-sourcing/aggregate-repository.ts';
import { setUpBureau } from './support/bureau.ts';
import { startTestService, type TestService } from './support/service.ts';

/** Events are never rewritten: the service and the projections read old versions as the current shape. */
describe('events stored in an old schema version', () => {
  let service: TestService;
  let fixture: {
    stream: string;
    event: { id: string; type: string; data: { saleId: string }; metadata: object };
  };
  beforeAll(async () => {
    service = await startTestService();
    await setUpBureau(service);
    fixture = JSON.parse(await readFile(new URL('./fixtures/meal-sold-v1.json', import.meta.url), 'utf8'));
    await service.store.append(fixture.stream, [fixture.event as never], { expectedRevision: 'no-stream' });
  });
  afterAll(async () => {
    await service?.close();
  });

  it('stores a version-1 sale without notice, while new sales are written at the current version', async () => {
    const [stored] = await service.store.readStream(fixture.stream);
    expect(stored?.metadata.schemaVersion).toBe(1);
    expect(stored?.data).not.toHaveProperty('notice');
    expect(schemaVersionOf('MealSold')).toBe(2);
  });

  it('reads it as the current shape, in the service and in projections', async () => {
    const repository = new AggregateRepository(service.store);
    const [sold] = await repository.events<{ type: string; data: { notice: unknown } }>(fixture.stream);
    expect(sold?.data.notice).toBeNull();

    const seen: RecordedEvent[] = [];
    const spy: Projection = {
      name: 'spy',
      version: 1,
      eventTypes: ['MealSold'],
      tables: [],
      createTables: async () => {},
      apply: async (_trx, _schema, events) => {
        seen.push(...events.filter((event) => event.stream === fixture.stream));
      },
    };
    await new ProjectionRunner(service.store, service.database.db, [spy]).catchUp();
    expect(seen.map((event) => event.data.notice)).toEqual([null]);
  });

  it('voids a version-1 sale through the API, answering it in the current shape', async () => {
    const { status, body } = await service.call(
      'POST',
      `/api/v1/sales/${fixture.event.data.saleId}/void`,
      service.adminToken,
      { reason: '旧数据冲正' },
    );
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ saleId: fixture.event.data.saleId, totalFen: 1200, subsidyFen: 0 });
    expect(body).not.toHaveProperty('notice');
  });

  it('projects the version-1 sale and its void', async () => {
    await service.projections.catchUp();
    const day = await canteenDay(service.database.db, 'c1', '2025-10-08');
    expect(day.periods).toEqual([
      expect.objectContaining({ period: 'lunch', meals: 0, voids: 1, totalFen: 0 }),
    ]);
  });

  it('settles the version-1 sale with digest leaves over the events as written, and verifies it', async () => {
    const stored = await service.store.readStream(fixture.stream);
    const asWritten = stored.map(eventLeaf);
    // The current shape would hash otherwise: the leaves must come from the events as stored.
    expect(eventLeaf(upcastRecorded(stored[0] as RecordedEvent))).not.toBe(asWritten[0]);
    const closed = await service.call('POST', '/api/v1/settlements/2025-10/close', service.adminToken);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.canteens).toEqual([
      expect.objectContaining({ canteenId: 'c1', mealsSold: 0, digest: merkleRoot(asWritten) }),
    ]);
    const verified = await service.call('GET', '/api/v1/settlements/2025-10/verify', service.adminToken);
    expect(verified.body.verifications).toEqual([
      expect.objectContaining({ matches: true, figuresMatch: true }),
    ]);
  });
});
