import type { Kysely } from 'kysely';
import type { EventStore } from '../../event-store/port.ts';
import { advance, readPage } from './advance.ts';
import { createGeneration, generationsOf, switchTo } from './generations.ts';
import type { Projection } from './projection.ts';

export interface RebuildProgress {
  readonly generation: number;
  readonly eventsProcessed: number;
  /** Events in the store not yet applied, as last counted. */
  readonly eventsBehind: number;
}

export interface RebuildOptions {
  readonly batchSize?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** How often to count what is left (a count costs a scan). */
  readonly countEveryMs?: number;
}

/**
 * Builds a projection into fresh tables while its active tables keep answering, and switches the
 * readers over once the new tables have caught up (blue-green). A rebuild cut short resumes where
 * it stopped. Answers the generation that became active.
 */
export async function rebuildProjection(
  store: EventStore,
  db: Kysely<unknown>,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 5000;
  const resumable = (await generationsOf(db, projection.name)).find(
    (generation) => generation.state === 'building' && generation.version === projection.version,
  );
  let generation = resumable ?? (await createGeneration(db, projection));
  let eventsBehind = await store.countEventsAfter(generation.position);
  let countedAt = Date.now();
  const report = () =>
    options.onProgress?.({
      generation: generation.generation,
      eventsProcessed: generation.eventsProcessed,
      eventsBehind,
    });
  report();
  let next = readPage(store, projection, generation.position, batchSize);
  for (;;) {
    const page = await next;
    // The next page is read while this one is applied.
    next = readPage(store, projection, page.last ?? page.from, batchSize);
    next.catch(() => {}); // a failure surfaces when it is awaited
    const step = await advance(
      store,
      db,
      projection,
      generation,
      { batchSize, relaxedCommit: true },
      Promise.resolve(page),
    );
    if (!step.generation) {
      // Another process advanced this generation: carry on from where it got to.
      const again = (await generationsOf(db, projection.name)).find(
        (candidate) => candidate.generation === generation.generation,
      );
      if (!again) throw new Error(`generation ${generation.generation} of ${projection.name} was retired`);
      generation = again;
      next = readPage(store, projection, generation.position, batchSize);
      continue;
    }
    generation = step.generation;
    eventsBehind = Math.max(0, eventsBehind - step.applied);
    if (Date.now() - countedAt > (options.countEveryMs ?? 2000)) {
      eventsBehind = await store.countEventsAfter(generation.position);
      countedAt = Date.now();
    }
    if (step.applied < batchSize) break;
    report();
  }
  if (generation.state === 'building' && !(await switchTo(db, projection, generation.generation))) {
    const now = (await generationsOf(db, projection.name)).find(
      (candidate) => candidate.generation === generation.generation,
    );
    // Behind the active tables, which moved on meanwhile: catch up with them, then switch.
    if (now?.state === 'building') return rebuildProjection(store, db, projection, options);
  }
  eventsBehind = 0;
  report();
  return generation.generation;
}
