import pg from 'pg';
import { z } from 'zod';
import { BackendUnavailableError, ConflictError, StorebenchError, ValidationError } from '../../core/errors.ts';

/** Tuning of `createPostgresBackend`; every field but `url` has a written-down default. */
export interface PostgresBackendConfig {
  /** `postgres://user:pass@127.0.0.1:5432/db` */
  url: string;
  /** Connections in the serving pool (default 10). Bulk loads open their own connections. */
  poolSize?: number;
  /** Server-side limit per statement of the serving pool (default 5000 ms); bulk loads run without one. */
  statementTimeoutMs?: number;
  /** How long to wait for a new connection, or for a free one in the pool (default 3000 ms). */
  connectionTimeoutMs?: number;
  /** `synchronous_commit` of the serving pool; the server's own setting when absent. */
  synchronousCommit?: 'on' | 'off' | 'local' | 'remote_write' | 'remote_apply';
  /** Tables COPYed, and indexes built, at once during a bulk load (default 3). */
  loadConcurrency?: number;
  /** `maintenance_work_mem` of each index build during a bulk load (default 256 MB). */
  maintenanceWorkMemMb?: number;
  /** `application_name` of the serving pool's connections (default `storebench`), as seen in pg_stat_activity. */
  applicationName?: string;
}

const configSchema = z.object({
  url: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// url'),
  poolSize: z.number().int().min(1).max(1000).default(10),
  statementTimeoutMs: z.number().int().min(1).default(5000),
  connectionTimeoutMs: z.number().int().min(1).default(3000),
  synchronousCommit: z.enum(['on', 'off', 'local', 'remote_write', 'remote_apply']).optional(),
  loadConcurrency: z.number().int().min(1).max(16).default(3),
  maintenanceWorkMemMb: z.number().int().min(1).default(256),
  applicationName: z.string().min(1).max(63).default('storebench'),
});

export type ResolvedConfig = z.output<typeof configSchema>;

export function resolveConfig(config: PostgresBackendConfig): ResolvedConfig {
  const parsed = configSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`createPostgresBackend: ${issue?.path.join('.') ?? 'config'}: ${issue?.message ?? 'invalid'}`);
}

/** The pool that serves API requests: sized, with connection and statement timeouts. */
export function createServingPool(config: ResolvedConfig): pg.Pool {
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    statement_timeout: config.statementTimeoutMs,
    // Client-side guard for a server that stops answering altogether (no reply, not even an error).
    query_timeout: config.statementTimeoutMs + 2_000,
    application_name: config.applicationName,
    ...(config.synchronousCommit ? { options: `-c synchronous_commit=${config.synchronousCommit}` } : {}),
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled it would crash the
  // process. The pool already drops that client, and the next query reports the outage as a 503.
  pool.on('error', () => {});
  return pool;
}

/**
 * A dedicated connection without a statement timeout, for migrate, reset and
 * bulk loads (COPY and index builds run longer than any request should).
 */
export async function withMaintenanceClient<T>(
  config: ResolvedConfig,
  work: (client: pg.Client) => Promise<T>,
  settings: Record<string, string> = {},
): Promise<T> {
  const options = Object.entries({ statement_timeout: '0', ...settings })
    .map(([key, value]) => `-c ${key}=${value}`)
    .join(' ');
  const client = new pg.Client({
    connectionString: config.url,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    keepAlive: true,
    application_name: 'storebench-maintenance',
    options,
  });
  client.on('error', () => {}); // surfaces through the pending query instead
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** SQLSTATE of a server error, when the error came from the server. */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Driver failures as the core's typed errors: a unique violation is a conflict (409),
 * a value the column type refuses is bad input (400), anything else (refused or lost
 * connection, timeout, pool exhausted, server shutting down) means the database
 * cannot answer now (503).
 */
export function toStoreError(error: unknown, what: string): Error {
  if (error instanceof StorebenchError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const state = sqlState(error);
  const message = error instanceof Error ? error.message : String(error);
  if (state === '23505') return new ConflictError(`${what}: already exists`);
  if (state?.startsWith('22')) return new ValidationError(undefined, `${what}: ${message}`);
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
