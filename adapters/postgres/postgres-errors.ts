import { BackendUnavailableError, ConflictError, StorebenchError, ValidationError } from '../../core/errors.ts';

/** SQLSTATE of a server error, when the error came from the server. */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Driver failures as the core's typed errors: a unique violation is a conflict (409),
 * a value the column type refuses is bad input (400, without PostgreSQL's text), anything else (refused or lost
 * connection, timeout, pool exhausted, server shutting down) means the database
 * cannot answer now (503).
 */
export function toStoreError(error: unknown, what: string): Error {
  if (error instanceof StorebenchError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const state = sqlState(error);
  const message = error instanceof Error ? error.message : String(error);
  if (state === '23505') return new ConflictError(`${what}: already exists`);
  // The client hears that a value was refused; what PostgreSQL said about it goes to the log (the cause).
  if (state?.startsWith('22'))
    return new ValidationError(undefined, `${what}: a value cannot be stored`, { cause: error });
  return new BackendUnavailableError(`postgres: ${what} failed: ${message}`, { cause: error });
}

/** Runs one store operation, translating whatever the driver throws. */
export async function guarded<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toStoreError(error, what);
  }
}
