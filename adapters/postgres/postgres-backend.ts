import { z } from 'zod';
import type { Backend } from '../../core/backend.ts';
import { createBulkLoader } from './bulk-loader.ts';
import { PostgresCatalogStore } from './catalog-store.ts';
import { createServingPools, withMaintenanceClient } from './postgres-connection.ts';
import { guarded } from './postgres-errors.ts';
import { PostgresOverviewStore } from './overview-store.ts';
import { migrateSchema, TABLES } from './schema.ts';
import { PostgresUsageStore } from './usage-store.ts';

/** Tuning of `createPostgresBackend`; every field but `url` has a written-down default. */
export interface PostgresBackendConfig {
  /**
   * `postgres://user:pass@127.0.0.1:5432/db`; with a standby, libpq style:
   * `postgres://user:pass@primary:5432,standby:5432/db?target_session_attrs=read-write[&reads=standby]`
   * (writes follow a failover to whichever host is the primary; `reads=standby` reads from a hot standby).
   */
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

function resolveConfig(config: PostgresBackendConfig): z.output<typeof configSchema> {
  const parsed = configSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`createPostgresBackend: ${issue?.path.join('.') ?? 'config'}: ${issue?.message ?? 'invalid'}`);
}

/**
 * PostgreSQL behind every store port: a normalized schema with an index on
 * every foreign key, nested documents built by the database (json_agg), named
 * prepared statements on a sized pool, and COPY-based bulk loading.
 */
export function createPostgresBackend(config: PostgresBackendConfig): Backend {
  const resolved = resolveConfig(config);
  const pools = createServingPools(resolved);
  const pool = pools.writes;
  let closed: Promise<void> | undefined;
  return {
    name: 'postgres',
    usages: new PostgresUsageStore(pool, pools.reads),
    catalog: new PostgresCatalogStore(pools.reads),
    overview: new PostgresOverviewStore(pool, pools.reads),
    load: createBulkLoader(resolved),
    migrate: () => guarded('migrate', () => withMaintenanceClient(resolved, (client) => migrateSchema(client))),
    reset: () =>
      guarded('reset', () =>
        withMaintenanceClient(resolved, async (client) => {
          await client.query(`TRUNCATE ${TABLES.map((t) => t.name).join(', ')} RESTART IDENTITY`);
        }),
      ),
    ping: () =>
      guarded('ping', async () => {
        await pool.query('SELECT 1');
      }),
    sizeOnDisk: (workload) =>
      guarded('size on disk', async () => {
        const tables = TABLES.filter((t) => t.workload === workload).map((t) => t.name);
        const { rows } = await pool.query<{ bytes: string }>(
          'SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS bytes FROM pg_class c ' +
            "WHERE c.relname = ANY($1::text[]) AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace",
          [tables],
        );
        return Number(rows[0]!.bytes);
      }),
    /**
     * After a bulk load: a checkpoint (so the load's WAL is not flushed during the first measured
     * steps) and VACUUM (ANALYZE) of every table (visibility map, planner statistics), timed.
     */
    settle: () =>
      guarded('settle', () =>
        withMaintenanceClient(resolved, async (client) => {
          const timed = async (label: string, sql: string): Promise<string> => {
            const started = performance.now();
            await client.query(sql);
            return `${label} ${((performance.now() - started) / 1000).toFixed(1)} s`;
          };
          return [
            await timed('VACUUM (ANALYZE)', `VACUUM (ANALYZE) ${TABLES.map((t) => t.name).join(', ')}`),
            await timed('CHECKPOINT', 'CHECKPOINT'),
          ];
        }),
      ),
    serverVersion: () =>
      guarded('server version', async () => {
        // On a serving connection: synchronous_commit may be the pool's own (config.synchronousCommit).
        const { rows } = await pool.query<{ version: string; fsync: string; synchronous_commit: string }>(
          `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
                  current_setting('synchronous_commit') AS synchronous_commit`,
        );
        const { version, fsync, synchronous_commit } = rows[0]!;
        // "15.18 (Debian 15.18-0+deb12u1)" -> "PostgreSQL 15.18", with what a commit waits for: results show durability.
        return `PostgreSQL ${version.split(' ')[0]} (fsync ${fsync}, synchronous_commit ${synchronous_commit})`;
      }),
    close: () => (closed ??= pools.end()),
  };
}
