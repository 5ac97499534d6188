import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleBody, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';
import { createGeneration, switchTo } from '../runner/generations.ts';
import { catchUpTo } from '../runner/projection-runner.ts';
import { rebuildProjection } from '../runner/rebuild.ts';
import { settlementIndexProjection } from './settlement-index.projection.ts';

describe('settlement index', () => {
  let service: TestService;
  const sold: Record<string, string> = {};

  beforeAll(async () => {
    service = await startTestService({ now: () => Date.parse('2026-11-05T10:00:00+08:00') });
    const { tokens } = await setUpBureau(service);
    const sell = async (name: string, token: string, occurredAt: string, extra = {}) => {
      const body = saleBody({ occurredAt, ...extra });
      expect((await service.call('POST', '/api/v1/sales', token, body)).status).toBe(201);
      sold[name] = body.saleId;
    };
    await sell('october', tokens.t1, '2026-10-31T12:00:00+08:00');
    await sell('november', tokens.t3, '2026-11-01T12:00:00+08:00');
    await sell('guest', tokens.t1, '2026-11-02T12:00:00+08:00', { cardUid: undefined, terminalSeq: 2 });
    const voided = await service.call('POST', `/api/v1/sales/${sold.october}/void`, tokens.t1, {
      reason: '退餐',
    });
    expect(voided.status).toBe(200);
    const died = await service.call('POST', '/api/v1/elders/e80/death', service.adminToken, {
      date: '2026-11-03',
    });
    expect(died.status).toBe(200);
  });
  afterAll(() => service?.close());

  it('is built once when readers catch it up at the same time', async () => {
    const head = await service.store.headPosition();
    const catchUp = () =>
      catchUpTo(service.store, service.database.db, settlementIndexProjection, head, { timeoutMs: 10_000 });
    await Promise.all([catchUp(), catchUp(), catchUp()]);
    const { rows } = await sql<{ generation: number; state: string }>`
      SELECT generation, state FROM projections.generations WHERE name = 'settlement-index'`.execute(
      service.database.db,
    );
    expect(rows).toEqual([{ generation: 1, state: 'active' }]);
  });

  it("keeps each change under its sale's business month and canteen, and the elders' facts as they changed", async () => {
    const { rows: changes } = await sql<{ month: string; canteen_id: string; kind: string; sale_id: string }>`
      SELECT month, canteen_id, kind, sale_id FROM read_models.settlement_changes
       ORDER BY commit_position, prepare_position`.execute(service.database.db);
    expect(changes).toEqual([
      { month: '2026-10', canteen_id: 'c1', kind: 'sold', sale_id: sold.october },
      { month: '2026-11', canteen_id: 'c2', kind: 'sold', sale_id: sold.november },
      { month: '2026-11', canteen_id: 'c1', kind: 'sold', sale_id: sold.guest },
      // Voided in November: indexed under October, the month of the sale.
      { month: '2026-10', canteen_id: 'c1', kind: 'voided', sale_id: sold.october },
    ]);
    const { rows: facts } = await sql<{ facts: { diedOn: string | null; maskedName: string } }>`
      SELECT facts FROM read_models.settlement_elders WHERE elder_id = 'e80'
       ORDER BY commit_position, prepare_position`.execute(service.database.db);
    expect(facts.map((row) => row.facts.diedOn)).toEqual([null, '2026-11-03']);
    expect(facts.every((row) => row.facts.maskedName === '张*明')).toBe(true);
  });

  it('switches readers to a rebuilt generation only once it has reached the one it replaces', async () => {
    const db = service.database.db;
    const building = await createGeneration(db, settlementIndexProjection);
    expect(building.state).toBe('building');
    // Empty and at the start: switching now would hand readers an index short of its cut-off.
    expect(await switchTo(db, settlementIndexProjection, building.generation)).toBe(false);
    const generation = await rebuildProjection(service.store, db, settlementIndexProjection);
    expect(generation).toBe(building.generation);
    const { rows } = await sql<{ count: string }>`
      SELECT count(*) FROM read_models.settlement_changes`.execute(db);
    expect(Number(rows[0]?.count)).toBe(4);
  });
});
