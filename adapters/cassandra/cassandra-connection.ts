import { Client, policies, types } from 'cassandra-driver';
import { BackendUnavailableError } from '../../core/errors.ts';
import { translateCassandraError } from './cassandra-errors.ts';

/** Consistency levels a config may name (CQL spelling). */
export const CONSISTENCY_LEVELS = [
  'ONE',
  'TWO',
  'THREE',
  'QUORUM',
  'ALL',
  'LOCAL_QUORUM',
  'EACH_QUORUM',
  'LOCAL_ONE',
] as const;
export type ConsistencyLevel = (typeof CONSISTENCY_LEVELS)[number];

/** Where and how to connect, parsed once from the backend config. */
export interface SessionOptions {
  /** `cassandra://host[:port][,host[:port]...]/<local datacenter>` */
  url: string;
  consistency: ConsistencyLevel;
  /** Connections per local host; each carries up to 2048 concurrent requests (protocol v4+). */
  connectionsPerHost: number;
  connectTimeoutMs: number;
  /** Upper bound on one store call, connecting and retries included. */
  operationTimeoutMs: number;
  /** Per-request socket read timeout for bulk loads and DDL. */
  bulkReadTimeoutMs: number;
}

/** One CQL statement with its bound values (undefined = unset, so no tombstone). */
export interface Statement {
  query: string;
  params: unknown[];
}

export interface ParsedUrl {
  hosts: string[];
  port: number;
  datacenter: string;
  /** `?consistency=LOCAL_QUORUM`: the level the backend reads and writes at, unless its config says otherwise. */
  consistency?: ConsistencyLevel;
  /** `?replication_factor=3`: replicas per row when migrate() creates the keyspace, unless its config says otherwise. */
  replicationFactor?: number;
}

/**
 * `cassandra://host[:port][,host[:port]...]/<local datacenter>[?consistency=LEVEL&replication_factor=N]`:
 * the query carries what a cluster's clients must agree on, so one URL configures every process.
 */
export function parseCassandraUrl(url: string): ParsedUrl {
  const match = /^cassandra:\/\/([^/?#]+)\/([^/?#]+?)\/?(?:\?([^#]*))?$/.exec(url);
  if (!match) {
    throw new TypeError(`cassandra: bad url "${url}" (expected cassandra://127.0.0.1:9042/datacenter1)`);
  }
  const params = new URLSearchParams(match[3] ?? '');
  for (const key of params.keys()) {
    if (key !== 'consistency' && key !== 'replication_factor') {
      throw new TypeError(`cassandra: unknown url parameter "${key}" (consistency, replication_factor)`);
    }
  }
  const consistency = params.get('consistency')?.toUpperCase();
  if (consistency !== undefined && !(CONSISTENCY_LEVELS as readonly string[]).includes(consistency)) {
    throw new TypeError(`cassandra: url consistency must be one of ${CONSISTENCY_LEVELS.join(', ')}`);
  }
  const factor = params.get('replication_factor');
  const replicationFactor = factor === null ? undefined : Number(factor);
  if (replicationFactor !== undefined && !(Number.isInteger(replicationFactor) && replicationFactor >= 1)) {
    throw new TypeError('cassandra: url replication_factor must be an integer >= 1');
  }
  let port = 9042;
  const hosts = match[1]!.split(',').map((hostPort) => {
    const [, host, givenPort] = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort) ?? [];
    if (!host) throw new TypeError(`cassandra: bad host "${hostPort}" in url`);
    if (givenPort) port = Number(givenPort);
    return host.replace(/^\[|\]$/g, '');
  });
  return {
    hosts,
    port,
    datacenter: decodeURIComponent(match[2]!),
    ...(consistency !== undefined && { consistency: consistency as ConsistencyLevel }),
    ...(replicationFactor !== undefined && { replicationFactor }),
  };
}

/** `LOCAL_QUORUM` -> the driver's `types.consistencies.localQuorum`. */
function consistencyCode(level: ConsistencyLevel): number {
  const key = level.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const code = (types.consistencies as unknown as Record<string, number>)[key];
  if (code === undefined) throw new TypeError(`cassandra: unknown consistency ${level}`);
  return code;
}

/**
 * Rejects with BackendUnavailableError once `ms` have passed, whatever the driver
 * is doing (connecting includes several metadata queries, each with its own
 * timeout). The abandoned call settles later on its own; its outcome is ignored.
 */
export async function withDeadline<T>(operation: string, ms: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BackendUnavailableError(`cassandra: ${operation} timed out after ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([call(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The driver client behind every store and the loader: prepared statements, a
 * consistency level, short timeouts for store calls and long ones for loads.
 * A down node fails calls fast (NoHostAvailable, or the deadline), and the
 * driver's constant one-second reconnection brings it back after a restart.
 */
export class CassandraSession {
  readonly datacenter: string;
  private readonly client: Client;
  private closed = false;

  constructor(private readonly options: SessionOptions) {
    const { hosts, port, datacenter } = parseCassandraUrl(options.url);
    this.datacenter = datacenter;
    this.client = new Client({
      contactPoints: hosts,
      localDataCenter: datacenter,
      protocolOptions: { port, maxSchemaAgreementWaitSeconds: 20 },
      policies: {
        // The default exponential policy waits up to 10 min between tries; a restarted node must be used within seconds.
        reconnection: new policies.reconnection.ConstantReconnectionPolicy(1000),
      },
      pooling: { coreConnectionsPerHost: { [types.distance.local]: options.connectionsPerHost } },
      socketOptions: {
        connectTimeout: options.connectTimeoutMs,
        // Slightly under the call deadline so the driver's own timeout (which marks the connection) usually fires first.
        readTimeout: Math.max(500, options.operationTimeoutMs - 500),
      },
      queryOptions: {
        consistency: consistencyCode(options.consistency),
        serialConsistency: types.consistencies.localSerial,
        prepare: true,
        fetchSize: 5000,
      },
    });
  }

  /** A store call: prepared, bounded by the operation deadline, driver failures as BackendUnavailableError. */
  execute(operation: string, statement: Statement): Promise<types.ResultSet> {
    return withDeadline(operation, this.options.operationTimeoutMs, () =>
      this.guarded(operation, () => this.client.execute(statement.query, statement.params, { prepare: true })),
    );
  }

  /** Every row of a (single-partition) read, following pages should it span several. */
  async rows(operation: string, statement: Statement): Promise<types.Row[]> {
    return withDeadline(operation, this.options.operationTimeoutMs, async () => {
      const rows: types.Row[] = [];
      let pageState: string | undefined;
      do {
        const result = await this.guarded(operation, () =>
          this.client.execute(statement.query, statement.params, { prepare: true, pageState }),
        );
        rows.push(...result.rows);
        pageState = result.pageState ?? undefined;
      } while (pageState);
      return rows;
    });
  }

  /** A bulk write or DDL: long read timeout, no call deadline (a load is not an HTTP request). */
  bulk(operation: string, statement: Statement): Promise<types.ResultSet> {
    return this.guarded(operation, () =>
      this.client.execute(statement.query, statement.params, {
        prepare: statement.params.length > 0,
        readTimeout: this.options.bulkReadTimeoutMs,
        isIdempotent: true,
      }),
    );
  }

  /** An unlogged batch; callers put only rows of one partition in it (no batchlog, one mutation). */
  bulkBatch(operation: string, statements: Statement[]): Promise<types.ResultSet> {
    return this.guarded(operation, () =>
      this.client.batch(statements, {
        prepare: true,
        logged: false,
        readTimeout: this.options.bulkReadTimeoutMs,
        isIdempotent: true,
      }),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.shutdown();
  }

  private async guarded<T>(operation: string, call: () => Promise<T>): Promise<T> {
    if (this.closed) throw new BackendUnavailableError('cassandra: backend is closed');
    try {
      return await call();
    } catch (error) {
      throw translateCassandraError(operation, error);
    }
  }
}
