import { Router } from 'express';
import type { EventStore } from '../../event-store/port.ts';
import { positionToString } from '../../event-store/position.ts';
import { Problem } from '../http/problem.ts';

/** `GET /health`: the event store that is in use and the position of its last event. */
export function healthRoute(store: EventStore): Router {
  return Router().get('/health', async (_request, response) => {
    let position: string;
    try {
      position = positionToString(await store.headPosition());
    } catch (error) {
      throw new Problem(
        503,
        'unavailable',
        'Event store unavailable',
        error instanceof Error ? error.message : undefined,
      );
    }
    response.json({ status: 'ok', eventStore: { kind: store.kind, position } });
  });
}
