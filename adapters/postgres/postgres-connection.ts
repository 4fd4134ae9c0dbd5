import pg from 'pg';
import { chooseServer, HostRouter, parsePostgresHosts, type QueryPool } from './postgres-hosts.ts';

/** Where and how to connect, resolved once from the backend's config with its defaults. */
export interface ConnectionSettings {
  /** `postgres://user:pass@127.0.0.1:5432/db`, or several hosts libpq style (postgres-hosts.ts). */
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

/** The pools that serve API requests: writes go to the primary, reads where the URL says. */
export interface ServingPools {
  writes: QueryPool;
  /** The same as `writes` unless the URL says `reads=standby`. */
  reads: QueryPool;
  end(): Promise<void>;
}

/** One sized pool to one server, with connection and statement timeouts. */
function createPool(config: ConnectionSettings, url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
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
 * The serving pools. One host: one pool, as before. Several hosts (a primary and its standbys):
 * a pool per host, used through HostRouters that follow a failover.
 */
export function createServingPools(config: ConnectionSettings): ServingPools {
  const hosts = parsePostgresHosts(config.url);
  if (hosts.hosts.length === 1 && hosts.targetSessionAttrs === 'any' && hosts.reads === 'primary') {
    const pool = createPool(config, hosts.urlOf(0));
    return { writes: pool, reads: pool, end: () => pool.end() };
  }
  const pools = new Map<number, pg.Pool>();
  const poolOf = (index: number): pg.Pool => {
    let pool = pools.get(index);
    if (!pool) pools.set(index, (pool = createPool(config, hosts.urlOf(index))));
    return pool;
  };
  const probeTimeoutMs = Math.min(1_000, config.connectionTimeoutMs);
  const writes = new HostRouter(hosts, hosts.targetSessionAttrs, poolOf, probeTimeoutMs);
  const reads = hosts.reads === 'standby' ? new HostRouter(hosts, 'prefer-standby', poolOf, probeTimeoutMs) : writes;
  return {
    writes,
    reads,
    end: async () => {
      await Promise.all([...pools.values()].map((p) => p.end()));
    },
  };
}

/** The single-host URL maintenance work uses: the server writes go to. */
async function maintenanceUrl(config: ConnectionSettings): Promise<string> {
  const hosts = parsePostgresHosts(config.url);
  if (hosts.hosts.length === 1) return hosts.urlOf(0);
  return hosts.urlOf(await chooseServer(hosts, hosts.targetSessionAttrs, config.connectionTimeoutMs));
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
    connectionString: await maintenanceUrl(config),
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
