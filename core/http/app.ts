import express, { type Express } from 'express';
import type { Backend } from '../backend.ts';
import { NotFoundError } from '../errors.ts';
import { silentLogger, type Logger } from '../logging/index.ts';
import { WORKLOADS } from '../workloads/index.ts';
import { jsonBody } from './body.ts';
import { errorMapper } from './error-mapper.ts';
import { busyHandler } from './experiment.ts';
import { createHttpMetrics } from './metrics.ts';
import { observeRequests } from './observe.ts';
import { openApiDocument } from './openapi.ts';
import { routeGuard, routeTable } from './routes.ts';

export interface AppOptions {
  /** Largest accepted request body; larger is 413. Default 64 KiB (an overview description is at most 10,000 chars). */
  bodyLimitBytes?: number;
  /** Where the app logs 5xx answers, client aborts and the sampled access log. Default: nowhere. */
  logger?: Logger;
  /** Fraction (0..1) of answered requests logged as `request` lines. Default 0: no access log. */
  accessLogSample?: number;
  /**
   * What `/readyz` asks: resolves when the process may take traffic, throws a BackendUnavailableError
   * when not. Default: the backend answers a ping. `serve` adds "the schema is migrated" in front.
   */
  ready?: () => Promise<void>;
  /**
   * Mount `GET /experiment/busy?ms=N`, which keeps the event loop busy for N ms (1..1000) of CPU, then
   * answers 200: the deliberately slow request class of the scale-out experiment (a handler doing heavy
   * work in JS, as the logs' API did). Off by default and not part of the API contract.
   */
  experimentRoutes?: boolean;
}

const EXPERIMENT_PATHS = { '/experiment/busy': { get: {} } };

/** The whole API on one backend: every workload, health, readiness, metrics and the OpenAPI document. */
export function createApp(backend: Backend, options: AppOptions = {}): Express {
  const logger = options.logger ?? silentLogger;
  const metrics = createHttpMetrics();
  backend.instrument?.(metrics.registry);
  const ready = options.ready ?? (() => backend.ping());
  const routes = routeTable({ ...openApiDocument.paths, ...(options.experimentRoutes && EXPERIMENT_PATHS) });

  const app = express();
  // Lean by default: no ETag hashing of every body, no advertising header.
  app.set('etag', false);
  app.disable('x-powered-by');
  app.use(observeRequests(metrics, logger, { accessLogSample: options.accessLogSample ?? 0 }));
  app.use(routeGuard(routes));
  app.use(jsonBody(options.bodyLimitBytes ?? 64 * 1024));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    await ready();
    res.json({ status: 'ready', backend: backend.name });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  if (options.experimentRoutes) app.get('/experiment/busy', busyHandler);

  for (const workload of WORKLOADS) app.use(workload.router(backend));

  // The guard let it through, so only a disagreement between the route table and Express lands here.
  app.use((_req, _res, next) => next(new NotFoundError('no such path')));
  app.use(errorMapper(logger));
  return app;
}
