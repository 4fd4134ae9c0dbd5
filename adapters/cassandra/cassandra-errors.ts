import { errors, types } from 'cassandra-driver';
import { BackendUnavailableError } from '../../core/errors.ts';

const { responseErrorCodes: codes } = types;

/** Server answers that mean our CQL is wrong (a bug, not an outage): they pass through unchanged. */
const STATEMENT_ERRORS = new Set<number>([
  codes.syntaxError,
  codes.unauthorized,
  codes.invalid,
  codes.configError,
  codes.alreadyExists,
]);

/**
 * Maps a driver failure to the core's typed errors: no host reachable, a client
 * or server timeout, an unavailable or overloaded node are BackendUnavailableError
 * (HTTP 503). A statement the server rejects as invalid is a bug and passes through,
 * as do errors that are not the driver's.
 */
export function translateCassandraError(operation: string, error: unknown): unknown {
  if (error instanceof errors.ResponseError && STATEMENT_ERRORS.has(error.code)) return error;
  if (error instanceof errors.DriverError) {
    return new BackendUnavailableError(`cassandra: ${operation} failed: ${error.message}`, { cause: error });
  }
  return error;
}

/** A server-side timeout of a lightweight transaction whose outcome is unknown (Paxos contention or a slow replica). */
export function isUnknownCasOutcome(error: unknown): boolean {
  const cause = error instanceof BackendUnavailableError ? error.cause : error;
  if (!(cause instanceof errors.ResponseError)) return false;
  const writeType = (cause as { writeType?: unknown }).writeType;
  return (
    (cause.code === codes.writeTimeout && (writeType === 'CAS' || writeType === 'SIMPLE')) ||
    cause.code === codes.readTimeout
  );
}
