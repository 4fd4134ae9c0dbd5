import type { types } from 'cassandra-driver';
import type { Backend } from '../../core/backend.ts';
import { createCassandraBulkLoader, type BulkTuning } from './bulk-loader.ts';
import { CassandraCatalogStore } from './catalog-store.ts';
import {
  CassandraSession,
  CONSISTENCY_LEVELS,
  type ConsistencyLevel,
  parseCassandraUrl,
  withDeadline,
} from './cassandra-connection.ts';
import { CassandraOverviewStore } from './overview-store.ts';
import { keyspaceDdl, statements, TABLES, tableDdl } from './schema.ts';
import { CassandraUsageStore } from './usage-store.ts';

/** Options of `createCassandraBackend`; every timeout has a default so no request can hang. */
export interface CassandraBackendConfig {
  /**
   * `cassandra://127.0.0.1:9042/datacenter1`: contact points (comma-separated) and the local datacenter;
   * `?consistency=LEVEL&replication_factor=N` set the two options below when the config does not.
   */
  url: string;
  /** Keyspace holding every table; default `storebench`. */
  keyspace?: string;
  /** Replicas per row in the local datacenter (NetworkTopologyStrategy); default 1 (one node). */
  replicationFactor?: number;
  /** Consistency of reads and writes; default LOCAL_QUORUM (ONE on one node). LWTs use LOCAL_SERIAL. */
  consistency?: ConsistencyLevel;
  /** Requests in flight during one bulk load; default 256 (a node's write threads, see docs/servers.md). */
  concurrency?: number;
  /** Connections per local node; default 1 (2048 concurrent requests each). */
  connectionsPerHost?: number;
  /** Upper bound on one store call, connecting included; default 5000 ms. */
  operationTimeoutMs?: number;
  /** TCP connect timeout; default 2000 ms. */
  connectTimeoutMs?: number;
}

const DEFAULTS = {
  keyspace: 'storebench',
  replicationFactor: 1,
  consistency: 'LOCAL_QUORUM' as ConsistencyLevel,
  concurrency: 256,
  groupRows: 512,
  connectionsPerHost: 1,
  operationTimeoutMs: 5000,
  connectTimeoutMs: 2000,
  bulkReadTimeoutMs: 120_000,
};

/**
 * A Backend on Apache Cassandra with query-first tables (schema.ts). Creating it
 * does not connect: the first call does; while no node answers, calls fail fast
 * with BackendUnavailableError and recover by themselves once a node is back.
 */
export function createCassandraBackend(config: CassandraBackendConfig): Backend {
  const keyspace = config.keyspace ?? DEFAULTS.keyspace;
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(keyspace)) throw new TypeError(`cassandra: bad keyspace name "${keyspace}"`);
  const fromUrl = parseCassandraUrl(config.url);
  const replicationFactor = config.replicationFactor ?? fromUrl.replicationFactor ?? DEFAULTS.replicationFactor;
  if (!(Number.isInteger(replicationFactor) && replicationFactor >= 1)) {
    throw new TypeError('cassandra: replicationFactor must be an integer >= 1');
  }
  const consistency = config.consistency ?? fromUrl.consistency ?? DEFAULTS.consistency;
  if (!CONSISTENCY_LEVELS.includes(consistency)) throw new TypeError(`cassandra: unknown consistency ${consistency}`);
  const tuning: BulkTuning = { concurrency: config.concurrency ?? DEFAULTS.concurrency, groupRows: DEFAULTS.groupRows };
  if (!(Number.isInteger(tuning.concurrency) && tuning.concurrency >= 1)) {
    throw new TypeError('cassandra: concurrency must be an integer >= 1');
  }
  const operationTimeoutMs = config.operationTimeoutMs ?? DEFAULTS.operationTimeoutMs;

  const session = new CassandraSession({
    url: config.url,
    consistency,
    connectionsPerHost: config.connectionsPerHost ?? DEFAULTS.connectionsPerHost,
    connectTimeoutMs: config.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    operationTimeoutMs,
    bulkReadTimeoutMs: DEFAULTS.bulkReadTimeoutMs,
  });
  const cql = statements(keyspace);

  return {
    name: 'cassandra',
    usages: new CassandraUsageStore(session, cql),
    catalog: new CassandraCatalogStore(session, cql),
    overview: new CassandraOverviewStore(session, cql),
    load: createCassandraBulkLoader(session, cql, tuning),
    /** IF NOT EXISTS everywhere; DDL runs one statement at a time (concurrent schema changes can disagree). */
    migrate: async () => {
      await session.bulk('migrate', {
        query: keyspaceDdl(keyspace, session.datacenter, replicationFactor),
        params: [],
      });
      for (const ddl of tableDdl(keyspace)) await session.bulk('migrate', { query: ddl, params: [] });
    },
    /** TRUNCATE keeps the schema (and costs a flush, plus a snapshot when the server has auto_snapshot on). */
    reset: async () => {
      await Promise.all(
        TABLES.map((table) => session.bulk('reset', { query: `TRUNCATE TABLE ${keyspace}.${table}`, params: [] })),
      );
    },
    ping: async () => {
      await session.execute('ping', { query: 'SELECT release_version FROM system.local', params: [] });
    },
    /**
     * After a bulk load: wait (up to 2 min) until no compaction is running, from the
     * system_views.sstable_tasks virtual table (Cassandra 4.0+). Memtables are not flushed: that
     * needs nodetool (JMX), and a data set that fits in them is never flushed during a short run.
     */
    settle: async () => {
      const started = performance.now();
      const deadline = Date.now() + 120_000;
      let running = 0;
      for (;;) {
        const tasks = await session.execute('settle', {
          query: 'SELECT kind FROM system_views.sstable_tasks',
          params: [],
        });
        running = tasks.rowLength;
        if (running === 0 || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      return [
        running === 0
          ? `waited ${seconds} s until no compaction ran`
          : `${running} sstable task(s) still running after ${seconds} s`,
        'memtables not flushed (no nodetool)',
      ];
    },
    serverVersion: async () =>
      withDeadline('serverVersion', operationTimeoutMs, async () => {
        const row = (
          await session.execute('serverVersion', { query: 'SELECT release_version FROM system.local', params: [] })
        ).first();
        const durability = await commitlogSync(session);
        return `Apache Cassandra ${String(row?.release_version ?? 'unknown')}${durability ? ` (${durability})` : ''}`;
      }),
    close: () => session.close(),
  };
}

/**
 * When the node acknowledges a write relative to its commit log fsync, from the settings virtual table
 * (Cassandra 4.0+; undefined before): `commitlog_sync batch`, `… group 15ms` or `… periodic 10000ms`.
 * Results show it, since `periodic` acknowledges writes a crash can still lose.
 */
async function commitlogSync(session: CassandraSession): Promise<string | undefined> {
  let rows: types.Row[];
  try {
    rows = await session.rows('commitlog settings', {
      query: `SELECT name, value FROM system_views.settings
              WHERE name IN ('commitlog_sync', 'commitlog_sync_period', 'commitlog_sync_group_window')`,
      params: [],
    });
  } catch {
    return undefined;
  }
  const setting = (name: string): string | undefined =>
    rows.find((row) => row.get('name') === name)?.get('value') as string | undefined;
  const mode = setting('commitlog_sync');
  if (!mode) return undefined;
  const window =
    mode === 'periodic'
      ? setting('commitlog_sync_period')
      : mode === 'group'
        ? setting('commitlog_sync_group_window')
        : undefined;
  return `commitlog_sync ${mode}${window ? ` ${window}` : ''}`;
}
