import { randomUUID } from 'node:crypto';

/** What the no-skip stress scenario needs from an event store. */
export interface StressTarget {
  /** Appends one event; with `holdMs` > 0 the writing transaction stays open that long before it commits. */
  append(stream: string, eventId: string, holdMs: number): Promise<void>;
  /** A subscription in the store's global order, from the store's head when it is called. */
  subscribe(): Promise<{ events: AsyncIterable<DeliveredEvent>; stop(): Promise<void> }>;
}

export interface DeliveredEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
}

export interface StressOptions {
  readonly writers?: number;
  readonly appendsPerWriter?: number;
  readonly streams?: number;
  /** Share of appends whose transaction is held open for a random while before commit. */
  readonly holdingShare?: number;
  readonly maxHoldMs?: number;
  /**
   * How long the subscriber may see nothing new after the writers finish before it gives up; it
   * gives up at ten times this in any case.
   */
  readonly quietMs?: number;
}

export interface StressReport {
  readonly appended: number;
  readonly delivered: number;
  /** Appended but never delivered. */
  readonly skipped: number;
  /** Delivered more than once. */
  readonly duplicated: number;
  /** Delivered before an earlier revision of the same stream. */
  readonly outOfOrder: number;
  readonly seconds: number;
}

/**
 * Many concurrent writers append to shared streams, some holding their transaction open so that
 * they commit after writers that started later; one subscriber reads concurrently from the start.
 */
export async function runNoSkipStress(
  target: StressTarget,
  options: StressOptions = {},
): Promise<StressReport> {
  const { writers = 16, appendsPerWriter = 50, streams = 12, holdingShare = 0.3, maxHoldMs = 40 } = options;
  const quietMs = options.quietMs ?? 2000;
  const streamNames = Array.from({ length: streams }, () => `stress-${randomUUID()}`);
  const appended = new Set<string>();
  const deliveries = new Map<string, number>();
  const lastRevision = new Map<string, number>();
  let outOfOrder = 0;
  let lastDeliveryAt = Date.now();

  const started = Date.now();
  const subscription = await target.subscribe();
  const reading = (async () => {
    for await (const event of subscription.events) {
      if (!event.stream.startsWith('stress-')) continue;
      // Only news counts as progress: a reader that keeps re-reading old events must still time out.
      if (!deliveries.has(event.id)) lastDeliveryAt = Date.now();
      deliveries.set(event.id, (deliveries.get(event.id) ?? 0) + 1);
      const previous = lastRevision.get(event.stream) ?? -1;
      if (event.revision <= previous) outOfOrder++;
      lastRevision.set(event.stream, Math.max(previous, event.revision));
    }
  })();

  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = 0; i < appendsPerWriter; i++) {
        const stream = streamNames[Math.floor(Math.random() * streamNames.length)] ?? '';
        const holdMs = Math.random() < holdingShare ? Math.floor(Math.random() * maxHoldMs) : 0;
        const id = randomUUID();
        await target.append(stream, id, holdMs);
        appended.add(id);
      }
    }),
  );

  const giveUpAt = Date.now() + 10 * quietMs;
  while (
    [...appended].some((id) => !deliveries.has(id)) &&
    Date.now() - lastDeliveryAt < quietMs &&
    Date.now() < giveUpAt
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await subscription.stop();
  await reading;

  let skipped = 0;
  for (const id of appended) if (!deliveries.has(id)) skipped++;
  let duplicated = 0;
  for (const count of deliveries.values()) if (count > 1) duplicated += count - 1;
  return {
    appended: appended.size,
    delivered: [...deliveries.values()].reduce((sum, count) => sum + count, 0),
    skipped,
    duplicated,
    outOfOrder,
    seconds: (Date.now() - started) / 1000,
  };
}
