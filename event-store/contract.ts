import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyError, EventIdConflictError, InvalidAppendError } from './errors.ts';
import type { EventStore, EventToAppend, Position, RecordedEvent, SubscriptionMessage } from './port.ts';
import { comparePositions, START } from './position.ts';

export interface ContractSubject {
  readonly store: EventStore;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every event-store adapter must have. Streams get unique names, so the suite can
 * run against a shared server that already holds other events.
 */
export interface ContractOptions {
  /**
   * Whether the store refuses an event id stored in another stream. KurrentDB keeps ids unique per
   * stream only; our PostgreSQL store keeps them unique everywhere.
   */
  readonly uniqueEventIdsAcrossStreams?: boolean;
}

export function describeEventStoreContract(
  name: string,
  open: () => Promise<ContractSubject>,
  options: ContractOptions = {},
): void {
  const acrossStreams = options.uniqueEventIdsAcrossStreams ?? true;
  describe(`event-store contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.cleanup();
    });

    const newStream = (prefix = 'test') => `${prefix}-${randomUUID()}`;
    const event = (
      type = 'ThingHappened',
      data: Record<string, string | number> = { n: 1 },
    ): EventToAppend => ({
      id: randomUUID(),
      type,
      data,
    });
    const ofStreams = (events: readonly RecordedEvent[], streams: readonly string[]) =>
      events.filter((recorded) => streams.includes(recorded.stream));

    describe('append with an expected revision', () => {
      it('creates a stream expected not to exist and numbers its events from 0', async () => {
        const stream = newStream();
        const result = await store.append(stream, [event(), event(), event()], {
          expectedRevision: 'no-stream',
        });
        expect(result.nextRevision).toBe(2);
        expect(result.written).toBe(true);
        const read = await store.readStream(stream);
        expect(read.map((recorded) => recorded.revision)).toEqual([0, 1, 2]);
        expect(comparePositions(read[2]?.position ?? START, result.position)).toBe(0);
      });

      it('refuses no-stream for a stream that exists, naming expected and actual', async () => {
        const stream = newStream();
        await store.append(stream, [event(), event()], { expectedRevision: 'no-stream' });
        const error = await store
          .append(stream, [event()], { expectedRevision: 'no-stream' })
          .catch((e) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ stream, expected: 'no-stream', actual: 1 });
      });

      it('appends at the expected revision and refuses a stale one', async () => {
        const stream = newStream();
        await store.append(stream, [event()], { expectedRevision: 'no-stream' });
        const next = await store.append(stream, [event()], { expectedRevision: 0 });
        expect(next.nextRevision).toBe(1);
        const error = await store.append(stream, [event()], { expectedRevision: 0 }).catch((e) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ expected: 0, actual: 1 });
        const ahead = await store.append(stream, [event()], { expectedRevision: 5 }).catch((e) => e);
        expect(ahead).toMatchObject({ expected: 5, actual: 1 });
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('refuses stream-exists for a missing stream and accepts it for an existing one', async () => {
        const stream = newStream();
        const error = await store
          .append(stream, [event()], { expectedRevision: 'stream-exists' })
          .catch((e) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ expected: 'stream-exists', actual: 'no-stream' });
        await store.append(stream, [event()], { expectedRevision: 'any' });
        const result = await store.append(stream, [event()], { expectedRevision: 'stream-exists' });
        expect(result.nextRevision).toBe(1);
      });

      it('refuses a numeric expectation on a missing stream', async () => {
        const error = await store.append(newStream(), [event()], { expectedRevision: 0 }).catch((e) => e);
        expect(error).toMatchObject({ expected: 0, actual: 'no-stream' });
      });

      it('lets exactly one of many concurrent writers with the same expectation win', async () => {
        const stream = newStream();
        await store.append(stream, [event()], { expectedRevision: 'no-stream' });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, () => store.append(stream, [event()], { expectedRevision: 0 })),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ConcurrencyError);
        }
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe('idempotent appends', () => {
      it('accepts the same events again with the same expectation and writes nothing new', async () => {
        const stream = newStream();
        const batch = [event('A', { a: 1 }), event('B', { b: 2 })];
        const first = await store.append(stream, batch, { expectedRevision: 'no-stream' });
        const again = await store.append(stream, batch, { expectedRevision: 'no-stream' });
        expect(again).toMatchObject({ nextRevision: first.nextRevision, written: false });
        expect(comparePositions(again.position, first.position)).toBe(0);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('accepts a retry after the stream has moved on', async () => {
        const stream = newStream();
        await store.append(stream, [event()], { expectedRevision: 'no-stream' });
        const retried = [event('Retried')];
        await store.append(stream, retried, { expectedRevision: 0 });
        await store.append(stream, [event()], { expectedRevision: 1 });
        const again = await store.append(stream, retried, { expectedRevision: 0 });
        expect(again).toMatchObject({ nextRevision: 1, written: false });
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('refuses an event id already stored with other data', async () => {
        const stream = newStream();
        const original = event('A', { amount: 100 });
        await store.append(stream, [original], { expectedRevision: 'no-stream' });
        const error = await store
          .append(stream, [{ ...original, data: { amount: 999 } }], { expectedRevision: 'no-stream' })
          .catch((e) => e);
        expect(error).toBeInstanceOf(EventIdConflictError);
        expect((await store.readStream(stream))[0]?.data).toEqual({ amount: 100 });
      });

      it.runIf(acrossStreams)('refuses an event id already stored in another stream', async () => {
        const original = event();
        await store.append(newStream(), [original], { expectedRevision: 'no-stream' });
        const other = newStream();
        const error = await store.append(other, [original], { expectedRevision: 'any' }).catch((e) => e);
        expect(error).toBeInstanceOf(EventIdConflictError);
        expect(await store.readStream(other)).toEqual([]);
      });

      it.runIf(acrossStreams)('writes nothing of a batch whose later event repeats a stored id', async () => {
        const stream = newStream();
        const stored = event();
        await store.append(newStream(), [stored], { expectedRevision: 'no-stream' });
        const error = await store
          .append(stream, [event(), event(), stored], { expectedRevision: 'no-stream' })
          .catch((e) => e);
        expect(error).toBeInstanceOf(EventIdConflictError);
        expect(await store.readStream(stream)).toEqual([]);
      });
    });

    describe('bad appends', () => {
      it('refuses an empty batch, a non-UUID id and an empty stream name', async () => {
        await expect(store.append(newStream(), [], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
          InvalidAppendError,
        );
        await expect(
          store.append(newStream(), [{ id: 'not-a-uuid', type: 'A', data: {} }], { expectedRevision: 'any' }),
        ).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(store.append('', [event()], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
          InvalidAppendError,
        );
      });
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards, from a revision, with a limit', async () => {
        const stream = newStream();
        await store.append(
          stream,
          [0, 1, 2, 3, 4].map((n) => event('N', { n })),
          { expectedRevision: 'no-stream' },
        );
        const numbers = (events: RecordedEvent[]) => events.map((recorded) => recorded.data.n);
        expect(numbers(await store.readStream(stream))).toEqual([0, 1, 2, 3, 4]);
        expect(numbers(await store.readStream(stream, { fromRevision: 2, limit: 2 }))).toEqual([2, 3]);
        expect(numbers(await store.readStream(stream, { direction: 'backwards', limit: 2 }))).toEqual([4, 3]);
        expect(numbers(await store.readStream(stream, { direction: 'backwards', fromRevision: 1 }))).toEqual([
          1, 0,
        ]);
        expect(await store.readStream(newStream())).toEqual([]);
      });

      it('keeps data, type, id and metadata, and records the time', async () => {
        const stream = newStream();
        const before = Date.now();
        const written: EventToAppend = {
          id: randomUUID(),
          type: 'MealSold',
          data: {
            saleId: 's-1',
            totalFen: 1200,
            items: [{ itemId: 'rice', qty: 2 }],
            note: '米饭 两份',
            none: null,
          },
          metadata: {
            correlationId: randomUUID(),
            causationId: randomUUID(),
            actor: { type: 'terminal', terminalId: 't-1', cashierId: 'c-9' },
            schemaVersion: 2,
          },
        };
        await store.append(stream, [written], { expectedRevision: 'no-stream' });
        const [recorded] = await store.readStream(stream);
        expect(recorded).toMatchObject({
          id: written.id,
          stream,
          revision: 0,
          type: 'MealSold',
          data: written.data,
        });
        expect(recorded?.metadata).toMatchObject(written.metadata ?? {});
        expect(recorded?.recordedAt).toBeInstanceOf(Date);
        expect(Math.abs((recorded?.recordedAt.getTime() ?? 0) - before)).toBeLessThan(60_000);
      });

      it('reads all events in one global order, after a position, page by page', async () => {
        const streams = [newStream('a'), newStream('b')];
        const start = await store.headPosition();
        for (let round = 0; round < 3; round++) {
          for (const stream of streams) {
            await store.append(stream, [event('R', { round })], {
              expectedRevision: round === 0 ? 'no-stream' : round - 1,
            });
          }
        }
        const all = ofStreams(await readAllFrom(store, start), streams);
        expect(all).toHaveLength(6);
        expect(all.map((recorded) => recorded.data.round)).toEqual([0, 0, 1, 1, 2, 2]);
        assertStrictlyIncreasing(all.map((recorded) => recorded.position));
        const afterThird = ofStreams(await readAllFrom(store, all[2]?.position ?? START), streams);
        expect(afterThird.map((recorded) => recorded.id)).toEqual(
          all.slice(3).map((recorded) => recorded.id),
        );
        const pageOfTwo = await store.readAll({ fromPosition: start, limit: 2 });
        expect(pageOfTwo).toHaveLength(2);
      });

      it('reports the head position as the position of the last event', async () => {
        const result = await store.append(newStream(), [event()], { expectedRevision: 'no-stream' });
        expect(comparePositions(await store.headPosition(), result.position)).toBeGreaterThanOrEqual(0);
      });

      it('fixes a cut-off at or after every append answered before it', async () => {
        const answered = await Promise.all(
          [newStream(), newStream(), newStream()].map((stream) =>
            store.append(stream, [event()], { expectedRevision: 'no-stream' }),
          ),
        );
        const cutoff = await store.settledHead();
        for (const result of answered)
          expect(comparePositions(cutoff, result.position)).toBeGreaterThanOrEqual(0);
      });

      it('reads a page of chosen types only, saying how far it read', async () => {
        const start = await store.headPosition();
        const stream = newStream();
        await store.append(
          stream,
          [event('Kept', { n: 1 }), event('Skipped'), event('Kept', { n: 2 }), event('Skipped')],
          {
            expectedRevision: 'no-stream',
          },
        );
        const all = await store.readAll({ fromPosition: start, limit: 10 });
        const page = await store.readAllOfTypes({ fromPosition: start, limit: 3, eventTypes: ['Kept'] });
        expect(page.events.map((recorded) => [recorded.type, recorded.data.n, recorded.revision])).toEqual([
          ['Kept', 1, 0],
          ['Kept', 2, 2],
        ]);
        expect(page.events[1]?.metadata).toEqual(all[2]?.metadata);
        expect(page.lastPosition).toEqual(all[2]?.position);
        expect(page.read).toBe(3);
        const rest = await store.readAllOfTypes({
          fromPosition: page.lastPosition ?? START,
          limit: 3,
          eventTypes: ['Kept'],
        });
        expect(rest).toEqual({ events: [], lastPosition: all[3]?.position, read: 1 });
        expect(
          await store.readAllOfTypes({ fromPosition: all[3]?.position ?? START, eventTypes: ['Kept'] }),
        ).toEqual({
          events: [],
          lastPosition: null,
          read: 0,
        });
      });

      it('counts the events after a position, up to a bound', async () => {
        const start = await store.headPosition();
        expect(await store.countEventsAfter(start)).toBe(0);
        const first = await store.append(newStream(), [event()], { expectedRevision: 'no-stream' });
        await store.append(newStream(), [event(), event(), event()], { expectedRevision: 'no-stream' });
        expect(await store.countEventsAfter(start)).toBe(4);
        expect(await store.countEventsAfter(first.position)).toBe(3);
        expect(await store.countEventsAfter(start, 2)).toBe(2);
      });
    });

    describe('catch-up subscription', () => {
      it('delivers history, says caught-up, then delivers live events, and resumes from a checkpoint', async () => {
        const stream = newStream();
        const start = await store.headPosition();
        await store.append(stream, [event('Old', { n: 1 }), event('Old', { n: 2 })], {
          expectedRevision: 'no-stream',
        });

        const subscription = store.subscribeToAll({ fromPosition: start });
        const seen: SubscriptionMessage[] = [];
        const delivered = collectUntil(subscription, seen, (messages) =>
          messages.some((message) => message.type === 'event' && message.event.type === 'Live'),
        );
        await waitFor(() => seen.some((message) => message.type === 'caught-up'));
        await store.append(stream, [event('Live', { n: 3 })], { expectedRevision: 1 });
        await delivered;
        await subscription.stop();

        const ours = seen.filter((message) => message.type !== 'event' || message.event.stream === stream);
        expect(
          ours.map((message) => (message.type === 'event' ? message.event.data.n : 'caught-up')),
        ).toEqual([1, 2, 'caught-up', 3]);

        const firstOld = ours.find((message) => message.type === 'event');
        const checkpoint = firstOld?.type === 'event' ? firstOld.event.position : START;
        const resumed = store.subscribeToAll({ fromPosition: checkpoint });
        const again: SubscriptionMessage[] = [];
        await collectUntil(resumed, again, (messages) =>
          messages.some((message) => message.type === 'caught-up'),
        );
        await resumed.stop();
        const replayed = again.flatMap((message) =>
          message.type === 'event' && message.event.stream === stream ? [message.event.data.n] : [],
        );
        expect(replayed).toEqual([2, 3]);
      });

      it('ends its iteration when stopped', async () => {
        const subscription = store.subscribeToAll({ fromPosition: await store.headPosition() });
        const iterator = subscription[Symbol.asyncIterator]();
        await iterator.next(); // caught-up
        await subscription.stop();
        expect((await iterator.next()).done).toBe(true);
      });
    });
  });
}

async function readAllFrom(store: EventStore, from: Position): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let position = from;
  for (;;) {
    const page = await store.readAll({ fromPosition: position, limit: 500 });
    events.push(...page);
    const last = page.at(-1);
    if (!last || page.length < 500) return events;
    position = last.position;
  }
}

function assertStrictlyIncreasing(positions: readonly Position[]): void {
  for (let i = 1; i < positions.length; i++) {
    expect(comparePositions(positions[i - 1] ?? START, positions[i] ?? START)).toBeLessThan(0);
  }
}

async function collectUntil(
  subscription: AsyncIterable<SubscriptionMessage>,
  into: SubscriptionMessage[],
  done: (messages: SubscriptionMessage[]) => boolean,
): Promise<void> {
  for await (const message of subscription) {
    into.push(message);
    if (done(into)) return;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
