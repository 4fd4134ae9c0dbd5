import type { NextFunction, Request, Response } from 'express';
import { StorebenchError } from '../errors.ts';

export interface ErrorBody {
  error: string;
  field?: string;
}

/**
 * The one place typed errors become HTTP. Anything untyped that escapes a store
 * is a database failure by our contract: 503, logged, never a crash.
 */
export function errorMapper(log: (message: string, err: unknown) => void) {
  // Express recognises error handlers by their four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let status: number;
    let body: ErrorBody;
    if (err instanceof StorebenchError) {
      status = err.status;
      body = { error: err.message };
      if ('field' in err && typeof err.field === 'string') body.field = err.field;
      if (status === 503) log(`${req.method} ${req.originalUrl}: backend unavailable`, err.cause ?? err);
    } else if (isClientError(err)) {
      // Errors Express raises itself, e.g. a malformed percent-encoding in the path.
      status = err.status;
      body = { error: err.expose && err.message ? err.message : 'bad request' };
    } else {
      status = 503;
      body = { error: 'backend unavailable' };
      log(`${req.method} ${req.originalUrl}: unexpected error`, err);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json(body);
  };
}

function isClientError(err: unknown): err is { status: number; message?: string; expose?: boolean } {
  if (typeof err !== 'object' || err === null || !('status' in err)) return false;
  const status = (err as { status: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
