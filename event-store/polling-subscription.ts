import type { Position, RecordedEvent, Subscription, SubscriptionMessage } from './port.ts';
import { START } from './position.ts';

export interface PollingOptions {
  readonly fromPosition?: Position;
  readonly readAll: (from: Position, limit: number) => Promise<RecordedEvent[]>;
  /** Resolves when new events may be there: after a local append, or after the poll interval. */
  readonly waitForEvents: (signal: AbortSignal) => Promise<void>;
  readonly batchSize?: number;
}

/**
 * A catch-up subscription over any store that can read all events after a position:
 * reads pages until a page comes back short, says `caught-up` once, then keeps polling.
 */
export function pollingSubscription(options: PollingOptions): Subscription {
  const stopper = new AbortController();
  const batchSize = options.batchSize ?? 2000;

  async function* messages(): AsyncGenerator<SubscriptionMessage> {
    let position = options.fromPosition ?? START;
    let live = false;
    let next: Promise<RecordedEvent[]> | undefined;
    while (!stopper.signal.aborted) {
      const page = await (next ?? options.readAll(position, batchSize));
      next = undefined;
      const last = page.at(-1);
      // A full page means more is waiting: ask for it now, so that reading overlaps the consumer's work.
      if (last && page.length === batchSize) {
        next = options.readAll(last.position, batchSize);
        next.catch(() => {}); // still thrown where it is awaited; not unhandled if the subscription stops first
      }
      for (const event of page) {
        if (stopper.signal.aborted) return;
        position = event.position;
        yield { type: 'event', event };
      }
      if (page.length < batchSize) {
        if (!live) {
          live = true;
          yield { type: 'caught-up', position };
        }
        await options.waitForEvents(stopper.signal);
      }
    }
  }

  const iterator = messages();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async stop() {
      stopper.abort();
      await iterator.return(undefined);
    },
  };
}

/**
 * Wakes waiting subscriptions when this process appends, and otherwise after `intervalMs`
 * (other processes append too).
 */
export class AppendSignal {
  private waiters = new Set<() => void>();

  constructor(private readonly intervalMs: number) {}

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  wait(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.intervalMs);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }
}
