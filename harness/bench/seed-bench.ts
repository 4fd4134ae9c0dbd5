/**
 * Seeding and read-latency benchmark of any backend, with the project's data set generators.
 *
 *   node --import tsx harness/bench/seed-bench.ts --backend postgres --workload overview --scale 10m
 *        [--config '{"keyspace":"storebench_bench"}'] [--reads N] [--in-flight K]
 *
 * The server comes from STOREBENCH_<KIND>_URL or `storebench servers up`. Migrates and resets
 * first. Prints per-table progress, total rows/s, the loader's peak RSS and the size on disk the
 * backend reports; with --reads N, the latency of N reads of the workload's load mix (its GET
 * requests, aimed at the last 10% of ids) through the API served in this process: N one at a time,
 * then N with K in flight (default 32).
 */
import { parseArgs } from 'node:util';
import type { LoadProgress } from '../../core/backend.ts';
import { primaryCount, seededRandom, workload as workloadNamed, type MixRequest } from '../../core/workloads/index.ts';
import { createBackend, isBackendName } from '../backends/index.ts';
import { serveBackend } from '../verify/index.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'memory' },
    workload: { type: 'string', default: 'overview' },
    scale: { type: 'string', default: 'small' },
    config: { type: 'string', default: '{}' },
    reads: { type: 'string' },
    'in-flight': { type: 'string', default: '32' },
  },
});
if (!isBackendName(values.backend)) throw new Error(`--backend: unknown backend ${values.backend}`);
const workload = workloadNamed(values.workload);
const backend = await createBackend(values.backend, undefined, JSON.parse(values.config) as Record<string, unknown>);
console.log(`server: ${await backend.serverVersion()}`);
await backend.migrate();
await backend.reset();

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
let peakRss = 0;
const onProgress = (p: LoadProgress) => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (p.done || p.rows % 1_000_000 === 0) console.log(`${seconds()} s  ${p.table} ${p.rows}${p.done ? ' (done)' : ''}`);
};
const report = await workload.load(backend, workload.dataset({ scale: values.scale, seed: 1 }), { onProgress });
const total = Object.values(report.rows).reduce((a, b) => a + b, 0);
console.log(
  `loaded ${total} rows in ${(report.ms / 1000).toFixed(1)} s = ${Math.round(total / (report.ms / 1000))} rows/s; loader peak RSS ${Math.round(peakRss / 2 ** 20)} MiB`,
  report.rows,
);
if (backend.sizeOnDisk)
  console.log(`on disk (the database's own figure): ${(await backend.sizeOnDisk(workload.name)) >> 20} MiB`);

const reads = values.reads === undefined ? 0 : Number(values.reads);
if (reads > 0) {
  const api = await serveBackend(backend);
  const mix = workload.mix({
    primary: primaryCount(workload, values.scale),
    distribution: 'last10',
    readBackFraction: 0,
  });
  const random = seededRandom(1);
  const requests: MixRequest[] = [];
  for (let guard = 0; requests.length < reads && guard < reads * 100; guard++) {
    const template = mix.templates[Math.floor(random() * mix.templates.length)]!;
    const request = template.build(random);
    if (request?.method === 'GET') requests.push(request);
  }
  if (requests.length === 0) console.log(`${workload.name}: its mix has no reads to time`);
  for (const inFlight of [1, Number(values['in-flight'])]) {
    const times: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(inFlight, requests.length) }, async () => {
        while (next < requests.length) {
          const request = requests[next++]!;
          const t = performance.now();
          const response = await fetch(`${api.url}${request.path}`);
          await response.arrayBuffer();
          times.push(performance.now() - t);
        }
      }),
    );
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]?.toFixed(2);
    const rate = Math.round(times.length / ((performance.now() - t0) / 1000));
    console.log(
      `reads, ${inFlight} in flight: n=${times.length} ${rate}/s p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`,
    );
  }
  await api.close();
} else {
  await backend.close();
}
