/**
 * Seeding and read-latency benchmark of the cassandra adapter, with the project's dataset generators.
 *
 *   node --import tsx adapters/cassandra/bench/seed-bench.ts <overview|usages|catalog> <scale> [--concurrency C] [--reads N]
 *
 * Needs STOREBENCH_CASSANDRA_URL (or `storebench servers up`). Uses keyspace storebench_bench, truncated first.
 * Prints rows/s and loader peak RSS; with --reads N (catalog) the latency of getStyles on ids in
 * the last 10%: N sequential calls, then N calls with 32 in flight.
 */
import type { LoadProgress, WorkloadName } from '../../../core/backend.ts';
import { catalogDataset } from '../../../core/workloads/catalog/dataset.ts';
import { overviewDataset } from '../../../core/workloads/overview/dataset.ts';
import { usagesDataset } from '../../../core/workloads/usages/dataset.ts';
import { findEndpoint } from '../../../harness/provision/index.ts';
import { createCassandraBackend } from '../index.ts';

const [workload, scale = 'small', ...flags] = process.argv.slice(2) as [WorkloadName, string, ...string[]];
const flag = (name: string) => {
  const at = flags.indexOf(name);
  return at >= 0 ? Number(flags[at + 1]) : undefined;
};
const url = findEndpoint('cassandra')?.url;
if (!url || !['overview', 'usages', 'catalog'].includes(workload)) {
  console.error('usage: seed-bench.ts <overview|usages|catalog> <scale> [--concurrency C] [--reads N]');
  process.exit(2);
}
const backend = createCassandraBackend({ url, keyspace: 'storebench_bench', concurrency: flag('--concurrency') });
console.log(`server: ${await backend.serverVersion()}`);
await backend.migrate();
await backend.reset();

const started = performance.now();
let peakRss = 0;
const onProgress = (p: LoadProgress) => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (p.done || p.rows % 250_000 === 0) {
    console.log(
      `${((performance.now() - started) / 1000).toFixed(1)} s  ${p.table} ${p.rows}${p.done ? ' (done)' : ''}`,
    );
  }
};
const report =
  workload === 'catalog'
    ? await backend.load.catalog(catalogDataset({ scale }), { onProgress })
    : workload === 'overview'
      ? await backend.load.overview(overviewDataset({ scale }), { onProgress })
      : await backend.load.usages(usagesDataset({ scale }), { onProgress });
const total = Object.values(report.rows).reduce((a, b) => a + b, 0);
console.log(
  `loaded ${total} rows in ${(report.ms / 1000).toFixed(1)} s = ${Math.round(total / (report.ms / 1000))} rows/s; loader peak RSS ${Math.round(peakRss / 2 ** 20)} MiB`,
  report.rows,
);

const reads = flag('--reads');
if (reads && workload === 'catalog') {
  const products = report.rows.products!;
  const ids = Array.from({ length: reads }, (_, i) => products - ((i * 7919) % Math.max(1, Math.floor(products / 10))));
  const summary = (label: string, times: number[], ms: number) => {
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
    console.log(
      `getStyles ${label}: n=${times.length} ${Math.round(times.length / (ms / 1000))}/s p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`,
    );
  };
  for (const inFlight of [1, 32]) {
    const times: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < ids.length) {
          const id = ids[next++]!;
          const t = performance.now();
          if (!(await backend.catalog.getStyles(id))) throw new Error(`styles of ${id} missing`);
          times.push(performance.now() - t);
        }
      }),
    );
    summary(`${inFlight} in flight`, times, performance.now() - t0);
  }
}
await backend.close();
