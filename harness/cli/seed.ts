import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BACKEND_NAMES, createBackend, isBackendName } from '../backends/index.ts';
import { WORKLOADS, type LoadProgress, type WorkloadName } from '../../core/backend.ts';
import { describeScale, SCALE_NAMES, seedWorkload } from '../dataset/index.ts';

const HELP = `usage: storebench seed --workload usages|catalog|overview [--backend memory|postgres|cassandra|mongo]
                      [--url URL] [--scale tiny|small|medium|full|250k|1m|10m] [--seed N] [--reset] [--no-fingerprint] [--json FILE]

Migrates the backend, then bulk-loads the deterministic data set of one workload. The workload's tables
must be empty: pass --reset to empty every workload first. Prints rows per table, the content fingerprint
(sha256 of the canonical stream, skipped with --no-fingerprint) and the load time; --json also writes them to FILE.
Scales: ${SCALE_NAMES.join(', ')} or a primary record count (products for catalog).`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'memory' },
      url: { type: 'string' },
      workload: { type: 'string' },
      scale: { type: 'string', default: 'small' },
      seed: { type: 'string', default: '1' },
      reset: { type: 'boolean', default: false },
      'no-fingerprint': { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const name = values.backend;
  if (!isBackendName(name)) {
    console.error(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
    return 2;
  }
  const workload = parseWorkload(values.workload);
  if (!workload) return 2;
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) {
    console.error('--seed must be an integer');
    return 2;
  }
  let expected: Record<string, number>;
  try {
    expected = describeScale(workload, values.scale, seed).rows;
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }

  const backend = await createBackend(name, values.url);
  try {
    await backend.migrate();
    if (values.reset) await backend.reset();
    console.error(`seeding ${workload} into ${backend.name}: ${formatRows(expected)}`);
    const result = await seedWorkload(backend, workload, {
      scale: values.scale,
      seed,
      fingerprint: !values['no-fingerprint'],
      onProgress: progressPrinter(),
    });
    const output = { backend: backend.name, scale: values.scale, seed, ...result };
    console.log(JSON.stringify(output, null, 2));
    if (values.json) writeFileSync(values.json, JSON.stringify(output, null, 2) + '\n');
    return 0;
  } finally {
    await backend.close();
  }
}

export function parseWorkload(raw: string | undefined): WorkloadName | undefined {
  if (raw && (WORKLOADS as readonly string[]).includes(raw)) return raw as WorkloadName;
  console.error(`--workload must be one of ${WORKLOADS.join(', ')}`);
  return undefined;
}

function formatRows(rows: Record<string, number>): string {
  return Object.entries(rows)
    .map(([table, n]) => `${table}=${n.toLocaleString('en-US')}`)
    .join(' ');
}

/** Progress on stderr, at most once a second per table, and once when each table is done. */
export function progressPrinter(): (progress: LoadProgress) => void {
  const last = new Map<string, number>();
  return ({ table, rows, done }) => {
    const now = Date.now();
    if (!done && now - (last.get(table) ?? 0) < 1000) return;
    last.set(table, now);
    console.error(`  ${table}: ${rows.toLocaleString('en-US')} rows${done ? ' (done)' : ''}`);
  };
}
