import { randomUUID } from 'node:crypto';
import type { Connection } from '../../database/connect.ts';
import type { ExpectedRevision, Position } from '../../event-store/port.ts';
import { START } from '../../event-store/position.ts';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.ts';
import { postgresStressTarget } from '../../event-store/postgres/stress-target.ts';
import { type BenchSubject, sampleEvent } from './subject.ts';

export function zhucanSubject(connection: Connection, connectionString: string): BenchSubject {
  const store = new PostgresEventStore(connection, { pollIntervalMs: 5 });
  return {
    name: 'zhucan PostgresEventStore',
    connectionString,
    singleAppender() {
      const stream = `bench-single-${randomUUID()}`;
      let expected: ExpectedRevision = 'no-stream';
      let n = 0;
      return async () => {
        const result = await store.append(
          stream,
          [{ id: randomUUID(), type: 'MealSold', data: sampleEvent(n++) }],
          {
            expectedRevision: expected,
          },
        );
        expected = result.nextRevision;
        return 1;
      };
    },
    async appendBatch(stream, count) {
      const events = Array.from({ length: count }, (_, n) => ({
        id: randomUUID(),
        type: 'MealSold',
        data: sampleEvent(n),
      }));
      await store.append(stream, events, { expectedRevision: 'no-stream' });
    },
    async readAll(pageSize, deadline) {
      let position: Position = START;
      let count = 0;
      for (;;) {
        const page = await store.readAll({ fromPosition: position, limit: pageSize });
        count += page.length;
        const last = page.at(-1);
        if (!last || page.length < pageSize || Date.now() > deadline) return count;
        position = last.position;
      }
    },
    async catchUp(deadline) {
      const subscription = store.subscribeToAll();
      let count = 0;
      for await (const message of subscription) {
        if (message.type === 'caught-up' || Date.now() > deadline) break;
        count++;
      }
      await subscription.stop();
      return count;
    },
    stress: postgresStressTarget(store),
    close: () => store.close(),
  };
}
