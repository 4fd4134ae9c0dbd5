/**
 * Every error the core can raise, defined once (fastify's lib/errors.js habit).
 * Stores and routers throw these; `core/http` maps them to HTTP in one place.
 */
export type ErrorCode =
  'VALIDATION' | 'NOT_FOUND' | 'CONFLICT' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'BACKEND_UNAVAILABLE';

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
  ) {
    super(message);
  }
}

export class NotFoundError extends StorebenchError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
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
 * The database could not answer (down, timed out, pool exhausted, driver error).
 * Adapters wrap driver failures in this; the API answers 503 and the adapter
 * must recover by itself once the server is back.
 */
export class BackendUnavailableError extends StorebenchError {
  readonly code = 'BACKEND_UNAVAILABLE';
  readonly status = 503;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
