import { setTimeout as delay } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { CutoffUnavailableError } from '../../event-store/errors.ts';
import type { EventStore, Position } from '../../event-store/port.ts';
import { comparePositions, positionToString, START } from '../../event-store/position.ts';
import { advance, ProjectionFailure } from './advance.ts';
import { createGeneration, type Generation, generationsOf, switchTo } from './generations.ts';
import type { Projection } from './projection.ts';

const COUNT_BEHIND_UP_TO = 1_000_000;

export interface ProjectionStatus {
  readonly name: string;
  readonly generation: number | null;
  readonly state: 'running' | 'stopped' | 'failed';
  /** A generation being built beside the active one (a rebuild or a new version). */
  readonly building: {
    readonly generation: number;
    readonly eventsProcessed: number;
    readonly failure: string | null;
  } | null;
  readonly position: string;
  readonly eventsProcessed: number;
  /** Counted up to a million (a count costs a scan); more reads as 1,000,000. */
  readonly eventsBehind: number;
  /** How long the oldest event not yet applied has waited; 0 when caught up. */
  readonly secondsBehind: number;
  readonly failure: string | null;
}

export interface RunnerOptions {
  /** Events per transaction at most; while live a page holds what has arrived since the last one. */
  readonly batchSize?: number;
  /** How long to wait when caught up before looking again. */
  readonly idleMs?: number;
  /** How long a projection that stopped at an event waits before trying again. */
  readonly failedRetryMs?: number;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

/**
 * Keeps projections up to date, each in a loop of its own: read the events after its checkpoint,
 * apply them with the new checkpoint in one transaction, repeat. A projection that meets an event it
 * cannot apply stops and says which; the others keep running. A projection whose version changed is
 * built anew beside the old tables, which keep answering until the new ones have caught up.
 */
export class ProjectionRunner {
  private readonly running = new Map<string, ProjectionStatus['state']>();
  private readonly stopper = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly batchSize: number;

  constructor(
    private readonly store: EventStore,
    private readonly db: Kysely<unknown>,
    readonly projections: readonly Projection[],
    private readonly options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2000;
    const tables = projections.flatMap((projection) => projection.tables);
    const repeated = tables.find((table, index) => tables.indexOf(table) !== index);
    if (repeated) throw new Error(`two projections name the table ${repeated}`);
  }

  start(): void {
    for (const projection of this.projections) {
      this.running.set(projection.name, 'running');
      this.loops.push(this.run(projection));
    }
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await Promise.all(this.loops);
  }

  /** Applies everything there is now and answers; throws the first failure (tools and tests). */
  async catchUp(): Promise<void> {
    for (const projection of this.projections) {
      while ((await this.step(projection)) > 0) {}
    }
  }

  async status(): Promise<ProjectionStatus[]> {
    return Promise.all(
      this.projections.map(async (projection) => {
        const generations = await generationsOf(this.db, projection.name);
        const active = generations.find((generation) => generation.state === 'active');
        const building = generations.find((generation) => generation.state === 'building');
        const failure = active?.failure ?? null;
        const position = active?.position ?? START;
        const eventsBehind = await this.store.countEventsAfter(position, COUNT_BEHIND_UP_TO);
        const [next] = eventsBehind > 0 ? await this.store.readAll({ fromPosition: position, limit: 1 }) : [];
        const now = (this.options.now ?? Date.now)();
        return {
          name: projection.name,
          generation: active?.generation ?? null,
          state: failure ? 'failed' : (this.running.get(projection.name) ?? 'stopped'),
          building: building
            ? {
                generation: building.generation,
                eventsProcessed: building.eventsProcessed,
                failure: building.failure,
              }
            : null,
          position: positionToString(position),
          eventsProcessed: active?.eventsProcessed ?? 0,
          eventsBehind,
          secondsBehind: next ? Math.max(0, (now - next.recordedAt.getTime()) / 1000) : 0,
          failure,
        };
      }),
    );
  }

  private async run(projection: Projection): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      try {
        const applied = await this.step(projection);
        this.running.set(projection.name, 'running');
        if (applied === 0) await sleep(this.options.idleMs ?? 100, signal);
      } catch (error) {
        if (error instanceof ProjectionFailure) {
          // Stopped at that event. Tried again now and then: after a fix is deployed or a rebuild
          // switched to a new generation, it carries on without a restart.
          if (this.running.get(projection.name) !== 'failed') this.options.log?.(error.message);
          this.running.set(projection.name, 'failed');
          await sleep(this.options.failedRetryMs ?? 30_000, signal);
          continue;
        }
        // The database or the store is away for a moment: try again shortly.
        this.options.log?.(
          `projection ${projection.name}: ${error instanceof Error ? error.message : error}`,
        );
        await sleep(1000, signal);
      }
    }
    this.running.set(projection.name, 'stopped');
  }

  private step(projection: Projection): Promise<number> {
    return stepProjection(this.store, this.db, projection, this.batchSize, this.options.log);
  }
}

/** Applies one page to the generation that needs it; answers how many events it applied. */
async function stepProjection(
  store: EventStore,
  db: Kysely<unknown>,
  projection: Projection,
  batchSize: number,
  log?: (line: string) => void,
): Promise<number> {
  const generation = await targetOf(db, projection, log);
  const { applied, generation: after } = await advance(store, db, projection, generation, {
    batchSize,
    relaxedCommit: generation.state === 'building',
  });
  if (
    after?.state === 'building' &&
    applied < batchSize &&
    (await switchTo(db, projection, after.generation))
  )
    log?.(`projection ${projection.name}: generation ${after.generation} is now active`);
  return after ? applied : 1;
}

/**
 * The active generation when it is of this projection's version; otherwise the generation being
 * built for this version, started here if there is none.
 */
async function targetOf(
  db: Kysely<unknown>,
  projection: Projection,
  log?: (line: string) => void,
): Promise<Generation> {
  const generations = await generationsOf(db, projection.name);
  const current = (state: Generation['state']) =>
    generations.find((generation) => generation.state === state && generation.version === projection.version);
  const found = current('active') ?? current('building');
  if (found) return found;
  const newer = generations.find((generation) => generation.version > projection.version);
  if (newer)
    throw new Error(
      `projection ${projection.name}: version ${newer.version} is built here, this runner knows ${projection.version}`,
    );
  log?.(`projection ${projection.name}: building version ${projection.version}`);
  return createGeneration(db, projection, { unlessOfThisVersion: true });
}

/**
 * Brings a projection's active tables of this version up to `position` at least, applying pages here
 * (beside a runner doing the same: a page is applied once whoever applies it). Throws
 * `CutoffUnavailableError` when that takes longer than `timeoutMs` (a rebuild of a long history).
 */
export async function catchUpTo(
  store: EventStore,
  db: Kysely<unknown>,
  projection: Projection,
  position: Position,
  options: { readonly timeoutMs: number; readonly batchSize?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const generations = (await generationsOf(db, projection.name)).filter(
      (generation) => generation.version === projection.version && generation.state !== 'retired',
    );
    const active = generations.find((generation) => generation.state === 'active');
    if (active && comparePositions(active.position, position) >= 0) return;
    // Stopped at an event it cannot apply: trying again here would only meet it again.
    const stopped = generations.find((generation) => generation.failure !== null);
    if (stopped)
      throw new CutoffUnavailableError(`the ${projection.name} read model has stopped: ${stopped.failure}`);
    if (Date.now() >= deadline)
      throw new CutoffUnavailableError(
        `the ${projection.name} read model had not reached the cut-off ${positionToString(position)} after ${options.timeoutMs} ms`,
      );
    const applied = await stepProjection(store, db, projection, options.batchSize ?? 2000);
    // Nothing to apply below the cut-off yet: its last transactions are still being written.
    if (applied === 0) await delay(10);
  }
}

/** Waits, or less when the runner is stopped. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => {});
}
