import pg from 'pg';

/** Where and how to connect, resolved once from the backend's config with its defaults. */
export interface ConnectionSettings {
  /** `postgres://user:pass@127.0.0.1:5432/db` */
  url: string;
  /** Connections in the serving pool. */
  poolSize: number;
  /** Server-side limit per statement of the serving pool; maintenance connections run without one. */
  statementTimeoutMs: number;
  /** How long to wait for a new connection, or for a free one in the pool. */
  connectionTimeoutMs: number;
  /** `synchronous_commit` of the serving pool; the server's own setting when absent. */
  synchronousCommit?: 'on' | 'off' | 'local' | 'remote_write' | 'remote_apply' | undefined;
  /** `application_name` of the serving pool's connections. */
  applicationName: string;
}

/** The pool that serves API requests: sized, with connection and statement timeouts. */
export function createServingPool(config: ConnectionSettings): pg.Pool {
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
  config: ConnectionSettings,
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
