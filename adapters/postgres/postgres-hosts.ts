import pg from 'pg';
import { BackendUnavailableError } from '../../core/errors.ts';

/** libpq's `target_session_attrs`: which of the listed servers a connection may use. */
export const TARGET_SESSION_ATTRS = ['any', 'read-write', 'primary', 'standby', 'prefer-standby'] as const;
export type TargetSessionAttrs = (typeof TARGET_SESSION_ATTRS)[number];

/**
 * A postgres URL as libpq reads it, with one or more hosts:
 * `postgres://user:pass@primary:5432,standby:5432/db?target_session_attrs=read-write&reads=standby`.
 * `reads=standby` is ours: read-only store calls go to a hot standby when one answers.
 */
export interface PostgresHosts {
  hosts: Array<{ host: string; port: number }>;
  /** Which server writes (and every call, unless `reads` says otherwise) use; `read-write` when several hosts are listed. */
  targetSessionAttrs: TargetSessionAttrs;
  /** Where read-only calls go: the same server as writes, or a standby (else the primary). */
  reads: 'primary' | 'standby';
  /** A single-host URL for the i-th host, with every other parameter as given. */
  urlOf(index: number): string;
}

const URL_SHAPE = /^(postgres(?:ql)?:\/\/)([^@/?#]*@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/;

export function parsePostgresHosts(url: string): PostgresHosts {
  const match = URL_SHAPE.exec(url);
  if (!match) throw new TypeError(`postgres: bad url (expected postgres://user:pass@host:5432[,host2:5432]/db)`);
  const [, scheme, auth = '', hostList = '', path = '', query = ''] = match;
  const hosts = hostList.split(',').map((part) => {
    const [, host, port] = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(part) ?? [];
    if (host === undefined) throw new TypeError(`postgres: bad host "${part}" in url`);
    return { host: host || 'localhost', port: port ? Number(port) : 5432 };
  });
  const params = new URLSearchParams(query);
  const attrs = params.get('target_session_attrs') ?? (hosts.length > 1 ? 'read-write' : 'any');
  if (!(TARGET_SESSION_ATTRS as readonly string[]).includes(attrs)) {
    throw new TypeError(`postgres: target_session_attrs must be one of ${TARGET_SESSION_ATTRS.join(', ')}`);
  }
  const reads = params.get('reads') ?? 'primary';
  if (reads !== 'primary' && reads !== 'standby') throw new TypeError('postgres: reads must be primary or standby');
  params.delete('target_session_attrs');
  params.delete('reads');
  const rest = params.toString();
  return {
    hosts,
    targetSessionAttrs: attrs as TargetSessionAttrs,
    reads,
    urlOf: (index) => {
      const { host, port } = hosts[index]!;
      return `${scheme}${auth}${host}:${port}${path}${rest ? `?${rest}` : ''}`;
    },
  };
}

/** What the stores need of a pool: a query. Both `pg.Pool` and a HostRouter provide it. */
export interface QueryPool {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    config: string | pg.QueryConfig,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** SQLSTATEs after which the chosen server may no longer be the right one (gone, shutting down, read-only). */
function serverChanged(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true; // no SQLSTATE: the connection failed
  return code.startsWith('08') || code.startsWith('57P') || code === '25006';
}

/**
 * Sends each query to the listed server that fits `attrs`, the way libpq's multi-host connection
 * strings do: it asks every host whether it is in recovery, uses the first that fits, and asks again
 * after a query fails in a way that says the server went away or turned read-only (a failover). A
 * failed query is not retried (the caller answers 503); while no host fits, calls fail at once
 * rather than wait, and the hosts are asked again at most every `rediscoverMs`.
 */
export class HostRouter implements QueryPool {
  private chosen: number | undefined;
  private discovering: Promise<number> | undefined;
  private lastFailure: { at: number; error: Error } | undefined;

  constructor(
    private readonly list: PostgresHosts,
    private readonly attrs: TargetSessionAttrs,
    /** The pool of the i-th host (shared by every router over the same hosts). */
    private readonly poolOf: (index: number) => pg.Pool,
    private readonly probeTimeoutMs: number,
    private readonly rediscoverMs = 250,
  ) {}

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    config: string | pg.QueryConfig,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    const index = await this.server();
    try {
      return await this.poolOf(index).query<R>(config, values);
    } catch (error) {
      if (serverChanged(error) && this.chosen === index) this.chosen = undefined;
      throw error;
    }
  }

  /** The URL of the server calls go to now (asking the hosts when none is chosen). */
  async currentUrl(): Promise<string> {
    return this.list.urlOf(await this.server());
  }

  private server(): Promise<number> {
    if (this.chosen !== undefined) return Promise.resolve(this.chosen);
    if (this.lastFailure && Date.now() - this.lastFailure.at < this.rediscoverMs) {
      return Promise.reject(this.lastFailure.error);
    }
    this.discovering ??= this.discover().finally(() => {
      this.discovering = undefined;
    });
    return this.discovering;
  }

  private async discover(): Promise<number> {
    try {
      this.chosen = await chooseServer(this.list, this.attrs, this.probeTimeoutMs);
      this.lastFailure = undefined;
      return this.chosen;
    } catch (error) {
      this.lastFailure = { at: Date.now(), error: error as Error };
      throw error;
    }
  }
}

/** Asks every listed host whether it is in recovery and picks the first that fits `attrs`. */
export async function chooseServer(
  list: PostgresHosts,
  attrs: TargetSessionAttrs,
  probeTimeoutMs: number,
): Promise<number> {
  const roles = await Promise.all(list.hosts.map((_, i) => serverRole(list.urlOf(i), probeTimeoutMs)));
  const first = (want: 'primary' | 'standby' | 'any'): number =>
    roles.findIndex((r) => (want === 'any' ? r !== null : r === want));
  const index = {
    any: () => first('any'),
    'read-write': () => first('primary'),
    primary: () => first('primary'),
    standby: () => first('standby'),
    'prefer-standby': () => (first('standby') >= 0 ? first('standby') : first('any')),
  }[attrs]();
  if (index < 0) {
    const seen = list.hosts.map((h, i) => `${h.host}:${h.port} ${roles[i] ?? 'no answer'}`).join(', ');
    throw new BackendUnavailableError(`postgres: no server fits target_session_attrs=${attrs} (${seen})`);
  }
  return index;
}

/** Whether the server at `url` is a primary or a standby, or null when it does not answer in time. */
async function serverRole(url: string, timeoutMs: number): Promise<'primary' | 'standby' | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    return rows[0]?.standby ? 'standby' : 'primary';
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}
