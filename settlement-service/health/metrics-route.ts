import { Router } from 'express';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ProjectionRunner } from '../../projections/runner/projection-runner.ts';

/** `GET /metrics` for Prometheus: the process, and each projection's lag and progress. */
export function metricsRoute(projections?: ProjectionRunner): Router {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'zhucan_' });
  const gauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['projection'], registers: [registry] });
  const behind = gauge(
    'zhucan_projection_events_behind',
    'Events recorded but not yet applied to the read model',
  );
  const seconds = gauge(
    'zhucan_projection_seconds_behind',
    'How long the oldest event not yet applied has waited (0 when caught up)',
  );
  const processed = gauge(
    'zhucan_projection_events_processed',
    'Events the active generation has read past (applied, or of types it does not use)',
  );
  const failed = gauge(
    'zhucan_projection_failed',
    '1 when the projection stopped at an event it cannot apply',
  );
  const generation = gauge('zhucan_projection_generation', 'The active generation of the read model tables');

  return Router().get('/metrics', async (_request, response) => {
    for (const status of projections ? await projections.status() : []) {
      const labels = { projection: status.name };
      behind.set(labels, status.eventsBehind);
      seconds.set(labels, status.secondsBehind);
      processed.set(labels, status.eventsProcessed);
      failed.set(labels, status.state === 'failed' ? 1 : 0);
      generation.set(labels, status.generation ?? 0);
    }
    response.type(registry.contentType).send(await registry.metrics());
  });
}
