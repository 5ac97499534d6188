import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePositions, positionFromString } from '../event-store/position.ts';
import { SettlementIndex } from '../settlement-service/settlement/settlement-index.ts';
import {
  computeSettlement,
  foldInputsAt,
  MonthFold,
  sameFoldInputs,
} from '../settlement-service/settlement/settlement-source.ts';
import type { ClosesFixture } from './fixtures/closes-before-month-index.ts';
import { insertRecordedEvents } from './support/recorded-events.ts';
import { startTestService, type TestService } from './support/service.ts';

const MONTHS = ['2026-08', '2026-09', '2026-10'];

/**
 * The recorded store of closed months (sales, deaths, closes, late sales, voids and an exclusion
 * carried over) replayed one event at a time. After each event, a month's fold carried on from the
 * step before (made anew only when a month before it closed or a canteen-month was newly carried into
 * it, as provisional views do) gives what a computation from scratch gives.
 */
describe('a month folded step by step', () => {
  let service: TestService;
  let fixture: ClosesFixture;

  beforeAll(async () => {
    fixture = JSON.parse(
      await readFile(new URL('./fixtures/closes-before-month-index.json', import.meta.url), 'utf8'),
    );
    service = await startTestService();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('equals the month computed from scratch after every step', async () => {
    const index = new SettlementIndex(service.store, service.database.db);
    const folds = new Map<string, MonthFold>();
    const recorded: { old: string; now: string }[] = [];
    let steps = 0;
    let refolds = 0;
    for (const event of fixture.events) {
      const [position] = await insertRecordedEvents(service.database.pool, [
        { ...event, data: withMovedCutoff(event, recorded) },
      ]);
      recorded.push({ old: event.position, now: position as string });
      const head = await service.store.headPosition();
      await index.catchUpTo(head);
      for (const month of MONTHS) {
        const inputs = await foldInputsAt(index, month, head);
        const kept = folds.get(month);
        const fold = kept && sameFoldInputs(kept.inputs, inputs) ? kept : new MonthFold(index, month, inputs);
        if (kept && fold !== kept) refolds += 1;
        folds.set(month, fold);
        await fold.advanceTo(head);
        const fresh = await computeSettlement(index, month, head);
        expect({ step: steps, month, ...fold.settle() }).toEqual({ step: steps, month, ...fresh });
      }
      steps += 1;
    }
    expect(steps).toBe(fixture.events.length);
    // Each close made the months after it fold anew, and so did each canteen-month newly carried.
    expect(refolds).toBeGreaterThanOrEqual(3);
  });
});

type FixtureEvent = ClosesFixture['events'][number];

/** A close's cut-off moved to this store's position of the last event at or before it. */
function withMovedCutoff(event: FixtureEvent, recorded: readonly { old: string; now: string }[]): unknown {
  if (event.type !== 'MonthClosed') return event.data;
  const data = event.data as { cutoff: { position: string } };
  const old = positionFromString(data.cutoff.position);
  const last = recorded.findLast((entry) => comparePositions(positionFromString(entry.old), old) <= 0);
  return { ...data, cutoff: { ...data.cutoff, position: last?.now ?? '0/0' } };
}
