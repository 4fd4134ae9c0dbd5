import { MongoError } from 'mongodb';
import { BackendUnavailableError, ConflictError } from '../../core/errors.ts';

const DUPLICATE_KEY = 11000;

/** A duplicate key, whether from a single write or from one of a bulk write's write errors. */
export function isDuplicateKey(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (error.code === DUPLICATE_KEY) return true;
  // MongoBulkWriteError carries the per-document errors; unordered batches report each one.
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  if (Array.isArray(writeErrors)) return writeErrors.some((e) => (e as { code?: unknown }).code === DUPLICATE_KEY);
  return false;
}

/**
 * Maps a driver failure to the core's typed errors: a duplicate key is a
 * ConflictError, any other driver error (server down, timeout, pool cleared,
 * a write concern that could not be met) or socket error is a BackendUnavailableError.
 * Other errors (bugs) pass through unchanged.
 */
export function translateMongoError(operation: string, error: unknown): unknown {
  if (isDuplicateKey(error)) return new ConflictError(`${operation}: duplicate key`);
  if (error instanceof MongoError || isSocketError(error)) {
    return new BackendUnavailableError(`mongo: ${operation} failed: ${error.message}`, { cause: error });
  }
  return error;
}

/**
 * A socket's own error (EPIPE, ECONNRESET...). The driver lets some through unwrapped: a command written
 * on a connection the server has just half-closed fails with Node's "This socket has been ended by the
 * other party" (EPIPE), not a MongoNetworkError.
 */
function isSocketError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return error instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** Runs one database call with its failure translated. */
export async function guarded<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateMongoError(operation, error);
  }
}
