import type { Backend } from '../../core/backend.ts';
import { createBulkLoader } from './bulk-loader.ts';
import { PostgresCatalogStore } from './catalog-store.ts';
import {
  createServingPool,
  guarded,
  type PostgresBackendConfig,
  resolveConfig,
  withMaintenanceClient,
} from './connection.ts';
import { PostgresOverviewStore } from './overview-store.ts';
import { migrateSchema, TABLES } from './schema.ts';
import { PostgresUsageStore } from './usage-store.ts';

/**
 * PostgreSQL behind every store port: a normalized schema with an index on
 * every foreign key, nested documents built by the database (json_agg), named
 * prepared statements on a sized pool, and COPY-based bulk loading.
 */
export function createPostgresBackend(config: PostgresBackendConfig): Backend {
  const resolved = resolveConfig(config);
  const pool = createServingPool(resolved);
  let closed: Promise<void> | undefined;
  return {
    name: 'postgres',
    usages: new PostgresUsageStore(pool),
    catalog: new PostgresCatalogStore(pool),
    overview: new PostgresOverviewStore(pool),
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
    serverVersion: () =>
      guarded('server version', async () => {
        const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
        // "15.18 (Debian 15.18-0+deb12u1)" -> "PostgreSQL 15.18"
        return `PostgreSQL ${rows[0]!.server_version.split(' ')[0]}`;
      }),
    close: () => (closed ??= pool.end()),
  };
}
