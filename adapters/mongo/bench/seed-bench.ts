/**
 * Seeding benchmark of the mongo bulk loader, with the project's dataset generators.
 *
 *   node --import tsx adapters/mongo/bench/seed-bench.ts <overview|usages|catalog> <scale> [--reads N] [--batch B] [--in-flight K]
 *
 * Needs STOREBENCH_MONGO_URL (or `storebench servers up`). Resets the database first.
 * Prints per-table completion times, total time, rows/s, the server that answered,
 * data size when the server reports it (dbStats), and with --reads N the latency of
 * N sequential reads aimed at the last 10% of ids (catalog and overview).
 */
import type { Backend, LoadProgress, WorkloadName } from '../../../core/backend.ts';
import { catalogDataset } from '../../../core/workloads/catalog/dataset.ts';
import { overviewDataset } from '../../../core/workloads/overview/dataset.ts';
import { usagesDataset } from '../../../core/workloads/usages/dataset.ts';
import { findEndpoint } from '../../../harness/provision/index.ts';
import { BSON, MongoClient } from 'mongodb';
import { COLLECTIONS } from '../documents.ts';
import { createMongoBackend } from '../index.ts';

const [workload, scale = 'small', ...flags] = process.argv.slice(2) as [WorkloadName, string, ...string[]];
const flag = (name: string) => {
  const at = flags.indexOf(name);
  return at >= 0 ? Number(flags[at + 1]) : undefined;
};
const url = findEndpoint('mongo')?.url;
if (!url || !['overview', 'usages', 'catalog'].includes(workload)) {
  console.error('usage: seed-bench.ts <overview|usages|catalog> <scale> [--reads N]  (needs STOREBENCH_MONGO_URL)');
  process.exit(2);
}
const database = 'storebench_bench';
const bulk = { batchSize: flag('--batch') ?? 1000, batchesInFlight: flag('--in-flight') ?? 2 };
const backend = createMongoBackend({ url, database, bulk });
console.log(`server: ${await backend.serverVersion()}; bulk ${JSON.stringify(bulk)}`);
await backend.migrate();
await backend.reset();

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
let peakRss = 0;
const onProgress = (p: LoadProgress) => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (p.done || p.rows % 500_000 === 0) console.log(`${seconds()} s  ${p.table} ${p.rows}${p.done ? ' (done)' : ''}`);
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

const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000 });
const stats = await client
  .db(database)
  .command({ dbStats: 1, scale: 1024 * 1024 })
  .catch((error: Error) => ({ unsupported: error.message }));
console.log('dbStats (MiB):', JSON.stringify(stats));
if (workload === 'catalog') {
  // Average BSON size of each catalog document kind, from a sample in the last 10% of products.
  const first = Math.floor(report.rows.products! * 0.9);
  for (const name of [COLLECTIONS.products, COLLECTIONS.styles]) {
    const sample = await client
      .db(database)
      .collection<{ _id: number }>(name)
      .find({ _id: { $gte: first } })
      .limit(1000)
      .toArray();
    const bytes = sample.reduce((sum, doc) => sum + BSON.calculateObjectSize(doc), 0);
    console.log(
      `${name}: average document ${Math.round(bytes / Math.max(1, sample.length))} bytes (n=${sample.length})`,
    );
  }
}
await client.close();

const reads = flag('--reads');
if (reads) await measureReads(backend, workload, report.rows, reads);
await backend.close();

/** Sequential reads of ids in the last 10%: p50/p99/max in ms (one client, so this is latency, not throughput). */
async function measureReads(store: Backend, kind: WorkloadName, rows: Record<string, number>, n: number) {
  const primary = kind === 'catalog' ? rows.products! : rows[kind]!;
  const ids = Array.from({ length: n }, (_, i) => primary - Math.floor(((i * 7919) % n) * (primary / 10 / n)));
  const routes: Record<string, (id: number) => Promise<unknown>> =
    kind === 'catalog'
      ? {
          listProducts: (id) => store.catalog.listProducts(Math.max(1, Math.floor(id / 5)), 5),
          getProduct: (id) => store.catalog.getProduct(id),
          getStyles: (id) => store.catalog.getStyles(id),
          getRelated: (id) => store.catalog.getRelated(id),
        }
      : kind === 'overview'
        ? { get: (id) => store.overview.get(id) }
        : {};
  for (const [route, read] of Object.entries(routes)) {
    const times: number[] = [];
    for (const id of ids) {
      const t = performance.now();
      const found = await read(id);
      times.push(performance.now() - t);
      if (found === undefined) throw new Error(`${route}(${id}) found nothing`);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
    console.log(`${route}: n=${n} p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
  }
}
