import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveredEvent, StressTarget } from '../no-skip-stress.ts';
import type { PostgresEventStore } from './postgres-event-store.ts';

/** The no-skip stress scenario on our PostgreSQL store, through its real subscription. */
export function postgresStressTarget(store: PostgresEventStore): StressTarget {
  return {
    async append(stream, eventId, holdMs) {
      const event = { id: eventId, type: 'StressEvent', data: { holdMs } };
      if (holdMs === 0) {
        await store.append(stream, [event], { expectedRevision: 'any' });
        return;
      }
      await store.transaction(async (appender) => {
        await appender.append(stream, [event], { expectedRevision: 'any' });
        await sleep(holdMs);
      });
    },
    async subscribe() {
      const subscription = store.subscribeToAll({ fromPosition: await store.headPosition() });
      return {
        events: (async function* (): AsyncGenerator<DeliveredEvent> {
          for await (const message of subscription) {
            if (message.type === 'event') yield message.event;
          }
        })(),
        stop: () => subscription.stop(),
      };
    },
  };
}
