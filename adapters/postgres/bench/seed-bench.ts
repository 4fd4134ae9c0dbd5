/**
 * Seeding benchmark of the PostgreSQL bulk loader, with the project's dataset generators.
 *
 *   node --import tsx adapters/postgres/bench/seed-bench.ts <overview|usages|catalog> <scale> [--explain]
 *
 * Needs STOREBENCH_POSTGRES_URL (or `storebench servers up`). Resets the database first.
 * Prints per-table COPY completion times, total time, rows/s and on-disk size; with
 * --explain (catalog), `EXPLAIN (ANALYZE, BUFFERS)` of the styles query for a product in the last 10%.
 */
import pg from 'pg';
import type { LoadProgress, WorkloadName } from '../../../core/backend.ts';
import { catalogDataset } from '../../../core/workloads/catalog/dataset.ts';
import { overviewDataset } from '../../../core/workloads/overview/dataset.ts';
import { usagesDataset } from '../../../core/workloads/usages/dataset.ts';
import { findEndpoint } from '../../../harness/provision/index.ts';
import { STYLES_SQL } from '../catalog-store.ts';
import { createPostgresBackend } from '../index.ts';
import { tablesOf } from '../schema.ts';

const [workload, scale = 'small', ...flags] = process.argv.slice(2) as [WorkloadName, string, ...string[]];
const url = findEndpoint('postgres')?.url;
if (!url || !['overview', 'usages', 'catalog'].includes(workload)) {
  console.error('usage: seed-bench.ts <overview|usages|catalog> <scale> [--explain]  (needs STOREBENCH_POSTGRES_URL)');
  process.exit(2);
}

const backend = createPostgresBackend({ url });
await backend.migrate();
await backend.reset();
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const onProgress = (p: LoadProgress) => {
  if (p.done || p.rows % 1_000_000 === 0)
    console.log(`${seconds()} s  ${p.table} ${p.rows}${p.done ? ' (copied)' : ''}`);
};
const report =
  workload === 'catalog'
    ? await backend.load.catalog(catalogDataset({ scale }), { onProgress })
    : workload === 'overview'
      ? await backend.load.overview(overviewDataset({ scale }), { onProgress })
      : await backend.load.usages(usagesDataset({ scale }), { onProgress });
const total = Object.values(report.rows).reduce((a, b) => a + b, 0);
console.log(`${seconds()} s  done (keys, indexes, foreign keys, ANALYZE)`);
console.log(
  `loaded ${total} rows in ${(report.ms / 1000).toFixed(1)} s = ${Math.round(total / (report.ms / 1000))} rows/s`,
  report.rows,
);

const sql = new pg.Client({ connectionString: url });
await sql.connect();
const tables = tablesOf(workload).map((t) => t.name);
const { rows: sizes } = await sql.query<{ table: string; size: string }>(
  `SELECT relname AS table, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class WHERE relname = ANY($1)`,
  [tables],
);
console.log('on disk (with indexes):', Object.fromEntries(sizes.map((r) => [r.table, r.size])));

if (workload === 'catalog' && flags.includes('--explain')) {
  const productId = Math.floor(report.rows.products! * 0.95);
  const { rows } = await sql.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${STYLES_SQL.replace('$1', String(productId))}`,
  );
  console.log(`\nEXPLAIN (ANALYZE, BUFFERS) styles of product ${productId}:`);
  for (const row of rows) console.log(row['QUERY PLAN']);
}
await sql.end();
await backend.close();
