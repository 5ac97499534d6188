import express, { type Express } from 'express';
import type { EventStore } from '../event-store/port.ts';
import { healthRoute } from './health/health-route.ts';
import { notFound, problemHandler } from './http/problem.ts';

export interface AppDependencies {
  readonly eventStore: EventStore;
  readonly log: (line: string) => void;
}

/** The settlement service's HTTP application, wired to its dependencies (no I/O of its own). */
export function createApp({ eventStore, log }: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRoute(eventStore));
  app.use(notFound);
  app.use(problemHandler(log));
  return app;
}
