/**
 * Every error the core can raise, defined once (fastify's lib/errors.js habit).
 * Stores and routers throw these; `core/http` maps them to HTTP in one place.
 *
 * A client sees `{error, code, field?}`: `code` is stable (clients branch on it), `error` is a short
 * message of ours. What went wrong inside (a driver's message, a host:port, a database's own text)
 * travels as the error's `cause` and goes to the log only.
 */
export type ErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'CLIENT_CLOSED_REQUEST'
  | 'INTERNAL'
  | 'BACKEND_UNAVAILABLE';

export abstract class StorebenchError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly status: number;
}

/** Bad input: names the offending field (dotted path, e.g. `tags.2`). */
export class ValidationError extends StorebenchError {
  readonly code = 'VALIDATION';
  readonly status = 400;
  constructor(
    readonly field: string | undefined,
    message: string,
    /** `cause`: what the database said, for the log (never sent to the client). */
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class NotFoundError extends StorebenchError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
}

/** A path the API serves, asked with a method it does not serve there; `allow` lists those it does. */
export class MethodNotAllowedError extends StorebenchError {
  readonly code = 'METHOD_NOT_ALLOWED';
  readonly status = 405;
  constructor(readonly allow: string) {
    super('method not allowed');
  }
}

/** A create whose key already exists (unique violation, duplicate key, failed LWT). */
export class ConflictError extends StorebenchError {
  readonly code = 'CONFLICT';
  readonly status = 409;
}

export class PayloadTooLargeError extends StorebenchError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}

export class UnsupportedMediaTypeError extends StorebenchError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly status = 415;
}

/**
 * The client went away before its request was read (or answered): nobody gets a response. 499 is
 * nginx's status for it; it appears in metrics and debug logs only.
 */
export class ClientClosedRequestError extends StorebenchError {
  readonly code = 'CLIENT_CLOSED_REQUEST';
  readonly status = 499;
  constructor(options?: { cause?: unknown }) {
    super('client closed the request', options);
  }
}

/**
 * The database could not answer (down, timed out, pool exhausted, driver error).
 * Adapters wrap driver failures in this; the API answers 503 and the adapter
 * must recover by itself once the server is back. The message is for the log.
 */
export class BackendUnavailableError extends StorebenchError {
  readonly code = 'BACKEND_UNAVAILABLE';
  readonly status = 503;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Not an HTTP error: a start-up told not to wait for its database (`serve --require-db`) could not reach
 * it. The CLI prints its message as one line and exits 1.
 */
export class DatabaseRequiredError extends Error {
  override readonly name = 'DatabaseRequiredError';
}
