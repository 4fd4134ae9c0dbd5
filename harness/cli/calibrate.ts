import { parseArgs } from 'node:util';
import { comparePlan, runCompare } from '../compare/index.ts';
import { WORKLOAD_NAMES } from '../../core/workloads/index.ts';
import { BACKEND_NAMES } from '../backends/index.ts';
import { FLAG_HELP, integerFlag, UsageError } from './flags.ts';

const HELP = `usage: storebench calibrate [--backend memory] [--workload W] [--trials 3] [--scale S]
                           [--provision MODE] [--results DIR] [--run-id ID]

Measures this machine's noise and checks that the method still sees real differences, alone
(compare does the first half in every run): one backend's API measured in interleaved trials
under three labels on one workload, with the same max-rate search as compare:
  B               the system itself
  B (A/A twin)    the same system again: must come out as a tie; how far the two medians lie
                  apart (at least one grid step) is the noise floor a comparison must exceed
  B (+cost)       the same system with a known extra cost (5% of requests hold the CPU, sized from
                  B's first trial to cut its capacity by a third): must come out slower
Writes results/<run-id>/ with run.json (its calibration record) and the report; exit status 1
when the A/A pair is called different or the cost is not seen.
  --backend B         ${BACKEND_NAMES.join(' | ')} (default memory, the control row)
  --workload W        ${FLAG_HELP.workload} (default the first)
  --trials N          default 3
  --scale S           ${FLAG_HELP.scale}`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'memory' },
      workload: { type: 'string' },
      trials: { type: 'string' },
      scale: { type: 'string' },
      provision: { type: 'string' },
      results: { type: 'string' },
      'run-id': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let plan;
  try {
    plan = comparePlan({
      backends: [values.backend],
      workloads: [values.workload ?? WORKLOAD_NAMES[0]!],
      ...(values.scale && { scale: values.scale }),
      ...(values.provision && { provision: values.provision as 'auto' }),
      ...(values.results && { resultsDir: values.results }),
      ...(values['run-id'] && { runId: values['run-id'] }),
      scenario: { name: 'calibrate', trials: integerFlag(values.trials, '--trials', 3, 2) },
      calibrate: `${values.backend}:${values.workload ?? WORKLOAD_NAMES[0]!}`,
      sensitivity: true,
    });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  const outcome = await runCompare(plan);
  const c = outcome.result.calibration;
  if (!c) {
    console.error(`calibrate: no calibration could be computed (see ${outcome.runDir}/report.md)`);
    return 1;
  }
  console.log(
    `A/A: ${c.labels.join(' vs ')} on ${c.workload}: ${c.verdict}, medians ${Math.round((c.medianDifference ?? c.spread) * 100)}% apart, noise floor ${Math.round(c.noiseFloor * 100)}% (single trials ${Math.round(c.spread * 100)}% apart)`,
  );
  if (c.sensitivity) {
    console.log(
      `cost: ${c.labels[0]} vs ${c.sensitivity.label}: ${c.sensitivity.verdict} (ratio ${c.sensitivity.ratio ?? '—'}, sized for ${c.sensitivity.expectedRatio}): ${c.sensitivity.reason}`,
    );
  }
  console.log(`results: ${outcome.runDir}`);
  return c.verdict === 'tie' && c.sensitivity?.verdict === 'faster' ? 0 : 1;
}
