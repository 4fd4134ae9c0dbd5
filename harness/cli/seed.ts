import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BACKEND_NAMES, createBackend, isBackendName } from '../backends/index.ts';
import { describeScale, seedWorkload } from '../dataset/index.ts';
import { FLAG_HELP, integerFlag, progressPrinter, scaleFlag, UsageError, workloadFlag } from './flags.ts';

const HELP = `usage: storebench seed --workload ${FLAG_HELP.workload} [--backend ${BACKEND_NAMES.join('|')}]
                      [--url URL] [--scale S] [--dataset-seed N] [--reset] [--no-fingerprint] [--json FILE]

Migrates the backend, then bulk-loads the deterministic data set of one workload. The workload's tables
must be empty: pass --reset to empty every workload first. Prints rows per table, the content fingerprint
(sha256 of the canonical stream, skipped with --no-fingerprint) and the load time; --json also writes them to FILE.
  --scale S            ${FLAG_HELP.scale}
  ${FLAG_HELP.datasetSeed}`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'memory' },
      url: { type: 'string' },
      workload: { type: 'string' },
      scale: { type: 'string' },
      'dataset-seed': { type: 'string' },
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
  if (!isBackendName(name)) throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
  const workload = workloadFlag(values.workload);
  const scale = scaleFlag(values.scale);
  const datasetSeed = integerFlag(values['dataset-seed'], '--dataset-seed', 1);
  const expected = describeScale(workload, scale, datasetSeed).rows;

  const backend = await createBackend(name, values.url);
  try {
    await backend.migrate();
    if (values.reset) await backend.reset();
    console.error(`seeding ${workload.name} into ${backend.name}: ${formatRows(expected)}`);
    const result = await seedWorkload(backend, workload, {
      scale,
      datasetSeed,
      fingerprint: !values['no-fingerprint'],
      onProgress: progressPrinter(),
    });
    const output = { backend: backend.name, scale, datasetSeed, ...result };
    console.log(JSON.stringify(output, null, 2));
    if (values.json) writeFileSync(values.json, JSON.stringify(output, null, 2) + '\n');
    return 0;
  } finally {
    await backend.close();
  }
}

function formatRows(rows: Record<string, number>): string {
  return Object.entries(rows)
    .map(([table, n]) => `${table}=${n.toLocaleString('en-US')}`)
    .join(' ');
}
