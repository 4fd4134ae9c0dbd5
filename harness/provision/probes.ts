import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { ServerKind } from './state.ts';

/**
 * Real queries that prove a server answers, each returning the version it reports.
 * Used for readiness (a port that accepts connections is not enough: Cassandra opens its native
 * port before it serves queries) and by `storebench servers status`.
 */
export async function probeVersion(kind: ServerKind, url: string, timeoutMs = 5_000): Promise<string> {
  switch (kind) {
    case 'postgres':
      return probePostgres(url, timeoutMs);
    case 'cassandra':
      return probeCassandra(url, timeoutMs);
    case 'mongo':
      return probeMongo(url, timeoutMs);
    case 'redis':
      return probeRedis(url, timeoutMs);
  }
}

async function probePostgres(url: string, timeoutMs: number): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined); // a dying server must not crash the prober
  await client.connect();
  try {
    const result = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return `PostgreSQL ${result.rows[0]?.v ?? '?'}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `cassandra://host:port/datacenter` → driver options. */
export function parseCassandraUrl(url: string): { host: string; port: number; dataCenter: string } {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 9042),
    dataCenter: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'datacenter1',
  };
}

async function probeCassandra(url: string, timeoutMs: number): Promise<string> {
  const { host, port, dataCenter } = parseCassandraUrl(url);
  const client = new cassandra.Client({
    contactPoints: [`${host}:${port}`],
    localDataCenter: dataCenter,
    socketOptions: { connectTimeout: timeoutMs, readTimeout: timeoutMs },
    // One attempt per probe; the readiness loop does the retrying.
    policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(60_000) },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.execute('SELECT release_version FROM system.local');
    return `Apache Cassandra ${String(result.first()?.get('release_version') ?? '?')}`;
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

async function probeMongo(url: string, timeoutMs: number): Promise<string> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    return `MongoDB-wire ${String(info.version)}`;
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function probeRedis(url: string, timeoutMs: number): Promise<string> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    return `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}`;
  } finally {
    client.disconnect();
  }
}

/**
 * Polls `probeVersion` until it answers, `isDead()` reports the process gone, or the timeout passes.
 * Returns the version and the time it took.
 */
export async function waitUntilAnswering(
  kind: ServerKind,
  url: string,
  options: { timeoutMs: number; isDead?: () => string | null; intervalMs?: number },
): Promise<{ version: string; waitedMs: number }> {
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    const dead = options.isDead?.();
    if (dead) throw new Error(`${kind} exited before answering: ${dead}`);
    try {
      const version = await probeVersion(kind, url, Math.min(5_000, options.timeoutMs));
      return { version, waitedMs: Date.now() - started };
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started > options.timeoutMs) {
      throw new Error(
        `${kind} at ${url} did not answer a query within ${options.timeoutMs} ms: ${String((lastError as Error)?.message ?? lastError)}`,
      );
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
}
