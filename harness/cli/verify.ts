import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SCALE_NAMES } from '../dataset/index.ts';
import { formatVerifyReport, startMemoryReference, verifyBackends, type RunningApi } from '../verify/index.ts';
import { parseWorkload } from './seed.ts';

const HELP = `usage: storebench verify --workload usages|catalog|overview --candidate NAME=URL [--candidate NAME=URL ...]
                        [--scale tiny|small|medium|full|COUNT] [--seed N] [--reference URL] [--no-mutate] [--json FILE]

Sends the same deterministic sample of requests (ids in the last 10%, unknown ids, pagination edges, write
round trips that undo themselves) to each candidate API server and to the memory reference, and compares
status and JSON. Candidates must already be seeded with the same --scale and --seed. Without --reference,
an in-process memory reference is seeded and served for the comparison. Exit status 1 on any difference.
Scales: ${SCALE_NAMES.join(', ')} or a primary record count.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      workload: { type: 'string' },
      candidate: { type: 'string', multiple: true, default: [] },
      scale: { type: 'string', default: 'small' },
      seed: { type: 'string', default: '1' },
      reference: { type: 'string' },
      'no-mutate': { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const workload = parseWorkload(values.workload);
  if (!workload) return 2;
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) {
    console.error('--seed must be an integer');
    return 2;
  }
  const candidates: Record<string, string> = {};
  for (const entry of values.candidate) {
    const at = entry.indexOf('=');
    if (at < 1 || !/^https?:\/\//.test(entry.slice(at + 1))) {
      console.error(`--candidate ${entry}: expected NAME=http://host:port`);
      return 2;
    }
    candidates[entry.slice(0, at)] = entry.slice(at + 1);
  }
  if (Object.keys(candidates).length === 0) {
    console.error('at least one --candidate NAME=URL is required');
    return 2;
  }

  let reference: RunningApi | undefined;
  try {
    let referenceUrl = values.reference;
    if (!referenceUrl) {
      console.error(`seeding the memory reference (${workload}, scale ${values.scale}, seed ${seed})...`);
      reference = await startMemoryReference(workload, values.scale, seed);
      referenceUrl = reference.url;
    }
    const report = await verifyBackends({
      reference: referenceUrl,
      candidates,
      workload,
      scale: values.scale,
      seed,
      mutate: !values['no-mutate'],
      throwOnDiff: false,
    });
    console.log(formatVerifyReport(report));
    if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
    return report.ok ? 0 : 1;
  } finally {
    await reference?.close();
  }
}
