import express, { type Express } from 'express';
import type { Backend } from '../backend.ts';
import { NotFoundError } from '../errors.ts';
import { WORKLOADS } from '../workloads/index.ts';
import { jsonBody } from './body.ts';
import { errorMapper } from './error-mapper.ts';
import { createHttpMetrics } from './metrics.ts';
import { busyHandler } from './experiment.ts';
import { openApiDocument } from './openapi.ts';

export interface AppOptions {
  /** Largest accepted request body; larger is 413. Default 64 KiB (an overview description is at most 10,000 chars). */
  bodyLimitBytes?: number;
  /** Where 503 causes are logged. Default console.error. */
  log?: (message: string, err: unknown) => void;
  /**
   * Mount `GET /experiment/busy?ms=N`, which keeps the event loop busy for N ms (1..1000) of CPU, then
   * answers 200: the deliberately slow request class of the scale-out experiment (a handler doing heavy
   * work in JS, as the logs' API did). Off by default and not part of the API contract.
   */
  experimentRoutes?: boolean;
}

/** The whole API on one backend: every workload, health, readiness, metrics and the OpenAPI document. */
export function createApp(backend: Backend, options: AppOptions = {}): Express {
  const log = options.log ?? ((message, err) => console.error(message, err));
  const metrics = createHttpMetrics();
  backend.instrument?.(metrics.registry);

  const app = express();
  // Lean by default: no ETag hashing of every body, no advertising header.
  app.set('etag', false);
  app.disable('x-powered-by');
  app.use(metrics.middleware);
  app.use(jsonBody(options.bodyLimitBytes ?? 64 * 1024));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    await backend.ping();
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

  app.use((req, _res, next) => next(new NotFoundError(`no route for ${req.method} ${req.path}`)));
  app.use(errorMapper(log));
  return app;
}
