/**
 * Generation speed without a database: `npx tsx harness/dataset/generate-bench.ts <workload> <scale> [--fingerprint]`.
 * Reads every table through its async iterator (as a bulk loader does) and prints rows/s per table;
 * with --fingerprint also hashes the canonical stream. Run under `/usr/bin/time -v` for peak RSS.
 */
import type { WorkloadName } from '../../core/backend.ts';
import type { CatalogSource } from '../../core/workloads/catalog/types.ts';
import { CATALOG_TABLES, TableHasher, type TableName } from './fingerprint.ts';
import { generateWorkload } from './generate.ts';

const [workload = 'overview', scale = 'tiny', flag] = process.argv.slice(2);
const hash = flag === '--fingerprint';
const data = generateWorkload(workload as WorkloadName, { scale, seed: 1 });
const tables: [TableName, AsyncIterable<object>][] =
  workload === 'catalog'
    ? CATALOG_TABLES.map((t) => [t, (data as CatalogSource)[t]() as AsyncIterable<object>])
    : [[workload as TableName, data as AsyncIterable<object>]];

let total = 0;
const started = performance.now();
for (const [table, rows] of tables) {
  const t0 = performance.now();
  const hasher = hash ? new TableHasher(table) : undefined;
  let n = 0;
  for await (const row of rows) {
    hasher?.add(row);
    n++;
  }
  const s = (performance.now() - t0) / 1000;
  total += n;
  console.log(
    `${table.padEnd(9)} ${String(n).padStart(10)} rows ${s.toFixed(1).padStart(6)} s ${Math.round(n / s)
      .toLocaleString('en-US')
      .padStart(11)} rows/s${hasher ? ' ' + hasher.digest().slice(0, 16) : ''}`,
  );
}
const s = (performance.now() - started) / 1000;
console.log(
  `total     ${String(total).padStart(10)} rows ${s.toFixed(1).padStart(6)} s ${Math.round(total / s)
    .toLocaleString('en-US')
    .padStart(11)} rows/s, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
);
