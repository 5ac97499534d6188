import type { Kysely } from 'kysely';
import type { MonthKey } from '../../domain/time/calendar.ts';
import type { EventStore, Position } from '../../event-store/port.ts';
import { comparePositions } from '../../event-store/position.ts';
import { catchUpTo } from '../../projections/runner/projection-runner.ts';
import { settlementIndexProjection } from '../../projections/settlement/settlement-index.projection.ts';
import { type RecordedClosing, readClosing, type SettlementSource } from './settlement-source.ts';

/** How long a close, a view or a verification waits for the index to reach its cut-off. */
const CATCH_UP_TIMEOUT_MS = 30_000;

/**
 * The settlement index (a read model) with the store it is built from. Before a settlement is read
 * at a cut-off, the index is brought up to it here, whether or not the projections' runner is
 * running: a close never reads an index that is behind.
 */
export class SettlementIndex implements SettlementSource {
  constructor(
    readonly store: EventStore,
    readonly db: Kysely<unknown>,
    private readonly timeoutMs = CATCH_UP_TIMEOUT_MS,
  ) {}

  /** Closings never change once recorded: each is read once. */
  private readonly closings = new Map<MonthKey, RecordedClosing>();

  async closingOf(month: MonthKey, upTo: Position): Promise<RecordedClosing | null> {
    let closing = this.closings.get(month) ?? null;
    if (closing === null) {
      closing = await readClosing(this.store, month);
      if (closing !== null) this.closings.set(month, closing);
    }
    return closing !== null && comparePositions(closing.recordedAt, upTo) <= 0 ? closing : null;
  }

  catchUpTo(position: Position): Promise<void> {
    return catchUpTo(this.store, this.db, settlementIndexProjection, position, { timeoutMs: this.timeoutMs });
  }
}
