import express, { type Express, Router } from 'express';
import type { Kysely } from 'kysely';
import { POLICY_REGISTER_STREAM } from '../domain/policies/policy-register.ts';
import type { EventStore } from '../event-store/port.ts';
import { MemorySnapshotStore } from '../event-store/snapshots/memory-snapshot-store.ts';
import type { SnapshotStore } from '../event-store/snapshots/snapshot-store.ts';
import { printedNames } from '../projections/names/names-queries.ts';
import type { ProjectionRunner } from '../projections/runner/projection-runner.ts';
import { Authenticator } from './auth/authenticate.ts';
import { dashboardPages } from './dashboard/dashboard-pages.ts';
import { dashboardRoutes } from './dashboard/dashboard-routes.ts';
import { AggregateRepository } from './event-sourcing/aggregate-repository.ts';
import { ElderRepository } from './event-sourcing/elder-repository.ts';
import { healthRoute } from './health/health-route.ts';
import { metricsRoute } from './health/metrics-route.ts';
import { createJsonBodyParser } from './http/json-body.ts';
import { OPENAPI_DOCUMENT_PATH, openApiDocumentHandler } from './http/openapi.ts';
import { notFound, problemHandler } from './http/problem.ts';
import { type ImplementedRoute, JSON_MEDIA_TYPE, mountRoutes } from './http/route.ts';
import { securityHeaders } from './http/security-headers.ts';
import { elderSearchRoutes } from './read-models/elder-search-route.ts';
import { readModelRoutes } from './read-models/read-model-routes.ts';
import { fundingSourceListRoutes, fundingSourceNamingRoutes } from './registration/funding-source-routes.ts';
import { registrationRoutes } from './registration/registration-routes.ts';
import { RegistrationService } from './registration/registration-service.ts';
import { registryReadRoutes } from './registration/registry-read-routes.ts';
import { RosterImport } from './registration/roster-import.ts';
import { rosterRoutes } from './registration/roster-routes.ts';
import { salesRoutes } from './sales/sales-routes.ts';
import { SalesService } from './sales/sales-service.ts';
import type { PiiVault } from './security/pii-vault.ts';
import { SettlementIndex } from './settlement/settlement-index.ts';
import { settlementRoutes } from './settlement/settlement-routes.ts';
import { SettlementService } from './settlement/settlement-service.ts';
import { simulationRoutes } from './simulation/simulation-routes.ts';
import { alertRoutes } from './supervision/alert-routes.ts';
import { offlineCopyRoutes } from './terminals/offline-copy-route.ts';
import { terminalQueueRoutes } from './terminals/terminal-queue-routes.ts';
import { userRoutes } from './users/user-routes.ts';

export interface AppDependencies {
  readonly eventStore: EventStore;
  readonly log: (line: string) => void;
  readonly adminToken: string;
  readonly vault: PiiVault;
  /** Secret from which terminal tokens are derived. */
  readonly tokenSecret: Buffer;
  readonly now?: () => number;
  /** The bureau named on statements (`ZHUCAN_BUREAU_NAME`). */
  readonly bureauName?: string;
  /** Where aggregate snapshots are kept (PostgreSQL in the service); in this process's memory without it. */
  readonly snapshots?: SnapshotStore;
  /**
   * How long a close waits for writes begun before its cut-off, and a settlement read for the
   * settlement index to reach its cut-off, before answering 503 `cut-off-unavailable` (by default
   * 10 s for the writes and 30 s for the index).
   */
  readonly cutoffWaitMs?: number;
  /**
   * The read models and the runner that keeps them; without them only the write side is served
   * (settlement too reads a read model: the settlement index).
   */
  readonly readModels?: { readonly db: Kysely<unknown>; readonly projections: ProjectionRunner };
}

export interface Services {
  readonly registration: RegistrationService;
  readonly rosterImport: RosterImport;
  readonly sales: SalesService;
}

export const DEFAULT_BUREAU_NAME = '民政局';

/** Read on every sale, changed by the bureau now and then. */
function isRarelyChanging(stream: string): boolean {
  return stream === POLICY_REGISTER_STREAM || stream.startsWith('terminal-') || stream.startsWith('canteen-');
}

/** The services on top of the event store, without HTTP (demo data and tests use them directly too). */
export function createServices(
  deps: AppDependencies,
): Services & { readonly auth: Authenticator; readonly repository: AggregateRepository } {
  const now = deps.now ?? Date.now;
  const repository = new AggregateRepository(deps.eventStore, { cached: isRarelyChanging, now });
  const elders = new ElderRepository(deps.eventStore, deps.snapshots ?? new MemorySnapshotStore(), {
    log: deps.log,
  });
  const registration = new RegistrationService({
    repository,
    elders,
    vault: deps.vault,
    tokenSecret: deps.tokenSecret,
    now,
  });
  return {
    repository,
    auth: new Authenticator(deps.adminToken, repository, now),
    registration,
    rosterImport: new RosterImport({ registration, repository, elders, vault: deps.vault, now }),
    sales: new SalesService(repository, elders),
  };
}

/** The routes that read the read models: settlement, simulations, dashboards, offline copies, alerts. */
function readModelBackedRoutes(
  deps: AppDependencies,
  db: Kysely<unknown>,
  repository: AggregateRepository,
  bureauName: string,
  now: () => number,
): ImplementedRoute[] {
  const settlement = new SettlementService({
    store: deps.eventStore,
    index: new SettlementIndex(deps.eventStore, db, deps.cutoffWaitMs),
    repository,
    now,
    ...(deps.cutoffWaitMs === undefined ? {} : { cutoffWaitMs: deps.cutoffWaitMs }),
  });
  return [
    ...settlementRoutes(settlement, bureauName, () => printedNames(db)),
    ...simulationRoutes(deps.eventStore, db),
    ...readModelRoutes(db, bureauName),
    ...elderSearchRoutes(db, deps.vault),
    ...registryReadRoutes(repository, db, now),
    ...fundingSourceListRoutes(db),
    ...dashboardRoutes(deps.eventStore, db, now),
    ...offlineCopyRoutes(repository, db, now),
    ...alertRoutes(repository, db, now),
  ];
}

/** The settlement service's HTTP application, wired to its dependencies (no I/O of its own). */
export function createApp(deps: AppDependencies): Express {
  const now = deps.now ?? Date.now;
  const { auth, registration, rosterImport, sales, repository } = createServices(deps);
  const bureauName = deps.bureauName ?? DEFAULT_BUREAU_NAME;
  const routes = [
    ...registrationRoutes(registration),
    ...rosterRoutes(rosterImport),
    ...fundingSourceNamingRoutes(repository),
    ...salesRoutes(sales, now),
    ...terminalQueueRoutes(repository, now),
    ...userRoutes(repository, deps.tokenSecret),
    ...(deps.readModels ? readModelBackedRoutes(deps, deps.readModels.db, repository, bureauName, now) : []),
  ];

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  const documents = routes
    .filter((route) => route.bodyMediaType !== JSON_MEDIA_TYPE)
    .map((route) => [`${route.method.toUpperCase()} ${route.path}`, route.bodyMediaType] as const);
  app.use(createJsonBodyParser({ documents: new Map(documents) }));
  app.use(healthRoute(deps.eventStore, deps.readModels?.projections));
  app.use(metricsRoute(deps.readModels?.projections));
  app.get(OPENAPI_DOCUMENT_PATH, openApiDocumentHandler(routes, { title: '助餐通 API', version: '1' }));
  if (deps.readModels) app.use(dashboardPages());
  app.use(mountRoutes(Router(), routes, auth.guard()));
  app.use(notFound);
  app.use(problemHandler(deps.log));
  return app;
}
