import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePositions, positionFromString } from '../event-store/position.ts';
import { PiiVault } from '../settlement-service/security/pii-vault.ts';
import { SettlementIndex } from '../settlement-service/settlement/settlement-index.ts';
import { computeSettlement } from '../settlement-service/settlement/settlement-source.ts';
import type { ClosesFixture } from './fixtures/closes-before-month-index.ts';
import { insertRecordedEvents } from './support/recorded-events.ts';
import { startTestService, type TestService } from './support/service.ts';
import { asRecordedThen } from './support/settlement-answers.ts';

/**
 * A store whose months were closed by the code that settled them from a scan of the whole store,
 * opened by today's code, which reads them by business month: every closed month, its verification,
 * the open month's provisional figures and its close are what that code answered.
 *
 * The events are loaded in their recorded order; their positions in this store are new, so each
 * closing's cut-off is moved to the new position of the last event at or before it (the same events
 * before and after it).
 */
describe('months closed before the settlement index', () => {
  let service: TestService;
  let fixture: ClosesFixture;
  const newPositionOf = new Map<string, string>();
  /** The cut-off in this store that stands where `old` stood in the recorded one. */
  const moved = (old: string) => newPositionOf.get(old) ?? '';
  const withCutoff = (body: unknown, position: string) => {
    const settlement = body as { cutoff: { position: string; at: number } };
    return { ...settlement, cutoff: { ...settlement.cutoff, position } };
  };
  const get = async (path: string) => {
    const { status, body } = await service.call('GET', path, service.adminToken);
    expect(status, JSON.stringify(body)).toBe(200);
    return body;
  };
  beforeAll(async () => {
    fixture = JSON.parse(
      await readFile(new URL('./fixtures/closes-before-month-index.json', import.meta.url), 'utf8'),
    );
    service = await startTestService({
      adminToken: fixture.secrets.adminToken,
      tokenSecret: Buffer.from(fixture.secrets.tokenSecret, 'hex'),
      vault: new PiiVault(Buffer.from(fixture.secrets.piiKey, 'hex')),
      now: () => Date.parse('2026-11-02T10:00:00+08:00'),
    });
    const created = await insertRecordedEvents(service.database.pool, fixture.events);
    const recorded = fixture.events.map((event) => positionFromString(event.position));
    const cutoffs = fixture.events
      .filter((event) => event.type === 'MonthClosed')
      .map((event) => (event.data as { cutoff: { position: string } }).cutoff.position);
    for (const cutoff of [
      ...cutoffs,
      ...fixture.closed.map((month) => (month.body as Cut).cutoff.position),
    ]) {
      const old = positionFromString(cutoff);
      const last = recorded.findLastIndex((position) => comparePositions(position, old) <= 0);
      newPositionOf.set(cutoff, created[last] ?? '0/0');
    }
    for (const cutoff of cutoffs)
      await service.database.pool.query(
        `UPDATE event_store.events SET data = jsonb_set(data, '{cutoff,position}', to_jsonb($2::text))
          WHERE event_type = 'MonthClosed' AND data->'cutoff'->>'position' = $1`,
        [cutoff, moved(cutoff)],
      );
    await service.projections.catchUp();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('answers every closed month as recorded, and verifies it', async () => {
    for (const closed of fixture.closed) {
      const cutoff = moved((closed.body as Cut).cutoff.position);
      expect(asRecordedThen(await get(`/api/v1/settlements/${closed.month}`))).toEqual(
        withCutoff(closed.body, cutoff),
      );
      expect(await get(`/api/v1/settlements/${closed.month}/verify`)).toEqual(closed.verified);
    }
  });

  it('recomputes every closed month at its cut-off with the same figures and digests', async () => {
    const index = new SettlementIndex(service.store, service.database.db);
    for (const closed of fixture.closed) {
      const body = closed.body as Cut & { digest: string; canteens: unknown; totals: unknown };
      const cutoff = positionFromString(moved(body.cutoff.position));
      for (const fromStoredEvents of [false, true]) {
        const { settlement } = await computeSettlement(index, closed.month, cutoff, { fromStoredEvents });
        // The answer leaves out what only statements print (each elder's figures, the leaves).
        expect(settlement).toMatchObject({
          month: closed.month,
          digest: body.digest,
          canteens: body.canteens,
          totals: body.totals,
        });
      }
    }
  });

  it('shows the open month with the late changes carried into it, and closes it as that code did', async () => {
    const provisional = asRecordedThen(await get(`/api/v1/settlements/${fixture.provisional.month}`));
    const expected = fixture.provisional.body as { cutoff: unknown };
    expect({ ...provisional, cutoff: null }).toEqual({ ...expected, cutoff: null });
    const { status, body } = await service.call(
      'POST',
      `/api/v1/settlements/${fixture.nextClose.month}/close`,
      service.adminToken,
    );
    expect(status, JSON.stringify(body)).toBe(200);
    const recorded = fixture.nextClose.body as { cutoff: { at: number } };
    expect({ ...asRecordedThen(body), cutoff: null }).toEqual({ ...recorded, cutoff: null });
    // Late sales, voids and an exclusion of August and September, carried into October.
    const adjustments = body.canteens.flatMap((canteen: { adjustments: { kind: string }[] }) =>
      canteen.adjustments.map((adjustment) => adjustment.kind),
    );
    expect(adjustments.sort()).toEqual([
      'late-exclusion',
      'late-exclusion',
      'late-sale',
      'late-sale',
      'late-void',
    ]);
  });
});

type Cut = { cutoff: { position: string } };
