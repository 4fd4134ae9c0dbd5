import type { NextFunction, Request, Response } from 'express';
import { ClientClosedRequestError, MethodNotAllowedError, StorebenchError, type ErrorCode } from '../errors.ts';
import { errorOrigin, type Logger } from '../logging/index.ts';
import { requestFields } from './observe.ts';

/** Every error answer: a stable `code`, a short message of ours, the bad field for a 400. */
export interface ErrorBody {
  error: string;
  code: ErrorCode;
  field?: string;
}

/** The messages of the answers whose cause must not reach the client. */
export const UNAVAILABLE_MESSAGE = 'the database is unavailable';
const INTERNAL_MESSAGE = 'internal error';

/**
 * The one place errors become HTTP. Typed errors answer their status and code; a 503 answers a fixed
 * message and logs one line with the database error's class and message; anything untyped (a bug) is a
 * 500, logged with its stack. A client that left gets nothing and costs a debug line (observe.ts).
 */
export function errorMapper(logger: Logger) {
  // Express recognises error handlers by their four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof ClientClosedRequestError || (res.headersSent && req.socket.destroyed)) {
      res.destroy();
      return;
    }
    let status: number;
    let body: ErrorBody;
    if (err instanceof StorebenchError) {
      status = err.status;
      body = { error: status === 503 ? UNAVAILABLE_MESSAGE : err.message, code: err.code };
      if ('field' in err && typeof err.field === 'string') body.field = err.field;
      if (err instanceof MethodNotAllowedError) res.set('Allow', err.allow);
      if (status === 503) {
        logger.error(
          { ...requestFields(req, res), status, code: err.code, detail: err.message, dbError: errorOrigin(err) },
          'backend unavailable',
        );
      } else if (err.cause !== undefined) {
        // A value the database refused: the client hears which field if we know it, the log what the database said.
        logger.info(
          { ...requestFields(req, res), status, code: err.code, dbError: errorOrigin(err) },
          'rejected by the database',
        );
      }
    } else if (isClientError(err)) {
      // Errors Express raises itself, e.g. a malformed percent-encoding in the path.
      status = err.status;
      body = { error: 'malformed request', code: 'VALIDATION' };
    } else {
      status = 500;
      body = { error: INTERNAL_MESSAGE, code: 'INTERNAL' };
      logger.error({ ...requestFields(req, res), status, code: body.code, err }, 'unexpected error');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json(body);
  };
}

function isClientError(err: unknown): err is { status: number; message?: string } {
  if (typeof err !== 'object' || err === null || !('status' in err)) return false;
  const status = (err as { status: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
