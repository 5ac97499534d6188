import type { StressTarget } from '../../event-store/no-skip-stress.ts';

/** One event store as the event-store benchmark drives it. */
export interface BenchSubject {
  readonly name: string;
  readonly connectionString: string;
  /** A writer that appends one event to its own stream per call, expecting the stream's revision. */
  singleAppender(): () => Promise<number>;
  /** Appends `count` events to a new stream in one call. */
  appendBatch(stream: string, count: number): Promise<void>;
  /** Reads every event in global order, page by page, until done or past `deadline`; returns how many. */
  readAll(pageSize: number, deadline: number): Promise<number>;
  /** Reads through the store's catch-up subscription until live or past `deadline`; returns how many. */
  catchUp(deadline: number): Promise<number>;
  readonly stress: StressTarget;
  close(): Promise<void>;
}

/** A small event like a sale's, so that reads carry realistic JSON. */
export function sampleEvent(n: number) {
  return {
    saleId: `sale-${n}`,
    canteenId: 'canteen-0042',
    terminalId: 'terminal-0042-01',
    totalFen: 1200,
    subsidyFen: 300,
    items: [{ itemId: 'set-meal-a', qty: 1, priceFen: 1200 }],
  };
}
