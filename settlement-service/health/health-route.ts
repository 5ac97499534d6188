import { Router } from 'express';
import type { EventStore } from '../../event-store/port.ts';
import { positionToString } from '../../event-store/position.ts';
import type { ProjectionRunner } from '../../projections/runner/projection-runner.ts';
import { storeUnavailable } from '../http/problem.ts';

/**
 * `GET /health`: the event store in use and the position of its last event, and each projection's
 * lag. A failed projection makes the status `degraded` (sales still work); no event store is a 503.
 * `GET /health/live`: only whether the event store answers (200, or 503).
 */
export function healthRoute(store: EventStore, projections?: ProjectionRunner): Router {
  return Router()
    .get('/health/live', async (_request, response) => {
      // What counter terminals ask every few seconds when idle: cheap, the event store only.
      try {
        await store.headPosition();
      } catch (error) {
        throw storeUnavailable(
          `the event store is unavailable: ${error instanceof Error ? error.message : error}`,
          '事件库暂不可用，请稍后重试',
        );
      }
      response.json({ status: 'ok' });
    })
    .get('/health', async (_request, response) => {
      let position: string;
      try {
        position = positionToString(await store.headPosition());
      } catch (error) {
        throw storeUnavailable(
          `the event store is unavailable: ${error instanceof Error ? error.message : error}`,
          '事件库暂不可用，请稍后重试',
        );
      }
      const statuses = projections ? await projections.status() : [];
      response.json({
        status: statuses.some((status) => status.state === 'failed') ? 'degraded' : 'ok',
        eventStore: { kind: store.kind, position },
        projections: statuses,
      });
    });
}
