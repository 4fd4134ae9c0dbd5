import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatVerifyReport, startMemoryReference, verifyBackends, type RunningApi } from '../verify/index.ts';
import { FLAG_HELP, integerFlag, scaleFlag, UsageError, workloadFlag } from './flags.ts';

const HELP = `usage: storebench verify --workload ${FLAG_HELP.workload} --candidate NAME=URL [--candidate NAME=URL ...]
                        [--scale S] [--dataset-seed N] [--reference URL] [--no-mutate] [--json FILE]

Sends the same deterministic sample of requests (ids in the last 10%, unknown ids, pagination edges, write
round trips that undo themselves) to each candidate API server and to the memory reference, and compares
status and JSON. Candidates must already be seeded with the same --scale and --dataset-seed. Without --reference,
an in-process memory reference is seeded and served for the comparison. Exit status 1 on any difference.
  --scale S            ${FLAG_HELP.scale}
  ${FLAG_HELP.datasetSeed}`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      workload: { type: 'string' },
      candidate: { type: 'string', multiple: true, default: [] },
      scale: { type: 'string' },
      'dataset-seed': { type: 'string' },
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
  const workload = workloadFlag(values.workload);
  const scale = scaleFlag(values.scale);
  const datasetSeed = integerFlag(values['dataset-seed'], '--dataset-seed', 1);
  const candidates: Record<string, string> = {};
  for (const entry of values.candidate) {
    const at = entry.indexOf('=');
    if (at < 1 || !/^https?:\/\//.test(entry.slice(at + 1))) {
      throw new UsageError(`--candidate ${entry}: expected NAME=http://host:port`);
    }
    candidates[entry.slice(0, at)] = entry.slice(at + 1);
  }
  if (Object.keys(candidates).length === 0) throw new UsageError('at least one --candidate NAME=URL is required');

  let reference: RunningApi | undefined;
  try {
    let referenceUrl = values.reference;
    if (!referenceUrl) {
      console.error(`seeding the memory reference (${workload.name}, scale ${scale}, dataset seed ${datasetSeed})...`);
      reference = await startMemoryReference(workload, scale, datasetSeed);
      referenceUrl = reference.url;
    }
    const report = await verifyBackends({
      reference: referenceUrl,
      candidates,
      workload,
      scale,
      datasetSeed,
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
