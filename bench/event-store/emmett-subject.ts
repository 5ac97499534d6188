import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { dumbo, endAllPools } from '@event-driven-io/dumbo';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import {
  appendToStream,
  getPostgreSQLEventStore,
  readLastMessageGlobalPosition,
  readMessagesBatch,
} from '@event-driven-io/emmett-postgresql';
import type { DeliveredEvent } from '../../event-store/no-skip-stress.ts';
import { type BenchSubject, sampleEvent } from './subject.ts';

/** The same workload through `@event-driven-io/emmett-postgresql`, for comparison. */
export async function emmettSubject(connectionString: string): Promise<BenchSubject> {
  const eventStore = getPostgreSQLEventStore(connectionString);
  await eventStore.schema.migrate();
  const pool = dumbo({ connectionString });
  return {
    name: 'Emmett PostgreSQL 0.42',
    connectionString,
    singleAppender() {
      const stream = `bench-single-${randomUUID()}`;
      let expected: bigint | typeof STREAM_DOES_NOT_EXIST = STREAM_DOES_NOT_EXIST;
      let n = 0;
      return async () => {
        const result = await eventStore.appendToStream(
          stream,
          [{ type: 'MealSold', data: sampleEvent(n++) }],
          {
            expectedStreamVersion: expected,
          },
        );
        expected = result.nextExpectedStreamVersion;
        return 1;
      };
    },
    async appendBatch(stream, count) {
      const events = Array.from({ length: count }, (_, n) => ({ type: 'MealSold', data: sampleEvent(n) }));
      await eventStore.appendToStream(stream, events, { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
    },
    async readAll(pageSize, deadline) {
      let after = -1n;
      let count = 0;
      for (;;) {
        const batch = await readMessagesBatch(pool.execute, { after, batchSize: pageSize });
        count += batch.messages.length;
        if (batch.messages.length < pageSize || Date.now() > deadline) return count;
        after = batch.currentGlobalPosition;
      }
    },
    async catchUp(deadline) {
      // Emmett's consumers pull batches the same way (readMessagesBatch); its default batch is 100.
      let after = -1n;
      let count = 0;
      for (;;) {
        const batch = await readMessagesBatch(pool.execute, { after, batchSize: 100 });
        count += batch.messages.length;
        if (batch.messages.length < 100 || Date.now() > deadline) return count;
        after = batch.currentGlobalPosition;
      }
    },
    stress: {
      async append(stream, eventId, holdMs) {
        // Emmett takes a message id from the metadata when one is given.
        const message = { type: 'StressEvent', data: { holdMs }, metadata: { messageId: eventId } };
        await appendToStream(
          pool,
          stream,
          'stress',
          [message] as Parameters<typeof appendToStream>[3],
          holdMs > 0 ? { beforeCommitHook: () => sleep(holdMs) } : {},
        );
      },
      async subscribe() {
        let stopped = false;
        const head = await readLastMessageGlobalPosition(pool.execute);
        return {
          events: (async function* (): AsyncGenerator<DeliveredEvent> {
            let after = head.currentGlobalPosition ?? -1n;
            while (!stopped) {
              const batch = await readMessagesBatch(pool.execute, { after, batchSize: 1000 });
              for (const message of batch.messages) {
                const metadata = message.metadata as unknown as {
                  messageId: string;
                  streamName: string;
                  streamPosition: bigint;
                };
                yield {
                  id: metadata.messageId,
                  stream: metadata.streamName,
                  revision: Number(metadata.streamPosition),
                };
              }
              if (batch.messages.length > 0) after = batch.currentGlobalPosition;
              else await sleep(5);
            }
          })(),
          async stop() {
            stopped = true;
          },
        };
      },
    },
    async close() {
      await eventStore.close();
      await pool.close();
      // The store opens pools of its own that its close() leaves open.
      await endAllPools();
    },
  };
}
