import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logging/index.ts';
import type { HttpMetrics } from './metrics.ts';
import { routeOf } from './routes.ts';

/** An incoming X-Request-Id is kept when it is this tame (a proxy's UUID or trace id); anything else is replaced. */
const ACCEPTED_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** The request's id: the client's `X-Request-Id` or one generated for it; every log line about it carries it. */
export function requestIdOf(res: Response): string {
  return (res.locals as { requestId?: string }).requestId ?? '';
}

/** What every log line about one request says. */
export function requestFields(req: Request, res: Response): Record<string, unknown> {
  return {
    reqId: requestIdOf(res),
    method: req.method,
    route: routeOf(req)?.route ?? 'unmatched',
    url: req.originalUrl,
  };
}

export interface ObserveOptions {
  /** Fraction of answered requests written to the log as `request` lines (0 = no access log). */
  accessLogSample: number;
}

/**
 * First on every request: gives it an id (returned as `X-Request-Id`), and once it is over counts it in
 * the metrics, writes a sampled access-log line, and a debug line when the client left before the answer
 * (status 499, not the 200 Node leaves on an unanswered response).
 */
export function observeRequests(metrics: HttpMetrics, logger: Logger, options: ObserveOptions) {
  const sample = options.accessLogSample;
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    (res.locals as { requestId?: string }).requestId = id;
    res.setHeader('X-Request-Id', id);
    metrics.started();
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const status = res.writableFinished ? res.statusCode : 499;
      metrics.finished(req.method, routeOf(req)?.route ?? 'unmatched', status, seconds);
      if (status === 499) logger.debug(requestFields(req, res), 'client closed the request');
      else if (sample > 0 && Math.random() < sample) {
        logger.info({ ...requestFields(req, res), status, ms: Math.round(seconds * 1e4) / 10 }, 'request');
      }
    });
    next();
  };
}
