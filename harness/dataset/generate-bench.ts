/**
 * Generation speed without a database: `npx tsx harness/dataset/generate-bench.ts <workload> <scale> [--fingerprint]`.
 * Reads every table through its async iterator (as a bulk loader does) and prints rows/s per table;
 * with --fingerprint also hashes the canonical stream. Run under `/usr/bin/time -v` for peak RSS.
 */
import { workload as workloadNamed, WORKLOAD_NAMES } from '../../core/workloads/index.ts';
import { TableHasher } from './fingerprint.ts';

const [name = WORKLOAD_NAMES[0]!, scale = 'tiny', flag] = process.argv.slice(2);
const workload = workloadNamed(name);
const hash = flag === '--fingerprint';
const data = workload.dataset({ scale, seed: 1 });

let total = 0;
const started = performance.now();
for (const [table, fields] of Object.entries(workload.tables)) {
  const t0 = performance.now();
  const hasher = hash ? new TableHasher(fields) : undefined;
  let n = 0;
  for await (const row of data[table]!()) {
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
