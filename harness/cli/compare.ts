import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  COMPARE_FLAG_OPTIONS,
  compareInputFromFlags,
  comparePlan,
  CompareStoppedError,
  inputFromRecord,
  mergeInputs,
  PRESETS,
  runCompare,
} from '../compare/index.ts';
import { SERVER_KIND_NAMES, throwIfStopRequested } from '../provision/index.ts';
import { buildWorkloadReports, formatFigure, rerunText, verdictText } from '../report/index.ts';
import { renderRepeatability, repeatabilitySummary, repeatDirName } from '../report/repeatability.ts';
import type { RunResult } from '../results/index.ts';
import { SCENARIO_FLAG_HELP, ScenarioError } from '../scenario/index.ts';
import { FLAG_HELP, UsageError } from './flags.ts';

const d = PRESETS.default;
const f = PRESETS.full;
const HELP = `usage: storebench compare [options]

The main job: provisions every backend's database (Docker when an engine answers, else native
servers on loopback), seeds identical data into each, checks every backend answers like the
memory reference, finds each one's max sustainable rate per workload, and writes results/<run-id>/ with run.json,
steps.csv, charts/*.png, report.md and report.html.

Defaults: backends ${d.backends.join(', ')} (the MongoDB-wire stand-in only when named: --backends ${d.backends.join(',')},mongo),
every workload, scale ${d.scale}; each backend's max sustainable rate is searched in ${d.trials} interleaved trials
(steps of ${d.stepDurationS} s after ${d.warmupS} s warm-up), reported as the median with an interval, and the memory control
row is measured twice (A/A) on the first workload to measure this machine's noise.

  --calibrate B:W|none    the A/A twin: backend B measured twice on workload W (default memory, first workload)
  --control-row every|calibrated  the memory control row on every workload, or on the calibrated one only
                          (default ${d.controlRow}; --full: ${f.controlRow})
  --placement pinned|shared  own CPUs for the load generator and the system under test (default pinned)
  --full                  full scale, ${f.stepDurationS} s steps after ${f.warmupS} s warm-up; hours, not minutes
  --from RUN              repeat a run: results/<run-id> or its run.json (flags still override)
  --backends LIST         e.g. memory,postgres
  --workloads LIST        ${FLAG_HELP.workload} (comma list)
  --scale S               ${FLAG_HELP.scale}
  ${FLAG_HELP.datasetSeed}
${SCENARIO_FLAG_HELP}
  --workers N             node cluster workers per API process (default 1)
  --instances N           API processes behind nginx (default 1)
  --balancer P            nginx policy over the instances: least_conn (default) | round_robin
  --cache redis           put the Redis read-through cache in front of every backend
  --topologies LIST       measure several API layouts per backend, each labelled in the report, e.g.
                          1,4:round_robin,4:least_conn,4:least_conn:redis (instances[:policy][:redis][:wN])
  --rtt LIST              the network between hosts, one layout per value: loopback (default: every process on
                          127.0.0.1) or a round trip such as 0.5ms, 500us, 0.5ms~0.1ms (with jitter) or 0: the
                          load generator, the API and every database server then run on hosts of their own
                          (network namespaces joined by a router; needs root), e.g. --rtt loopback,0.5ms
  --hosts loopback|netns  netns: hosts in namespaces even with no delay (the same as --rtt 0)
  --cluster LIST          database layouts, one per value for the backends they fit: single (default),
                          cassandra:3[:rf=N][:cl=LEVEL] (a ring; RF 3 and LOCAL_QUORUM by default),
                          postgres:standby[:sync][:reads=standby][:failover=5s] (a streaming hot standby,
                          promoted 5 s after the primary is lost). mongo has no replica sets here: the
                          MongoDB-wire stand-in always runs as one server
  --fault LIST            after the trials, one failure per database in a steady step: kill:<member>@<s>
                          (kill -9) or partition:<member>@<s> (cut its link; needs --rtt/--hosts netns), with
                          +<s> to restart or mend it that much later; members: node1..nodeN, primary, standby
  --fault-load F          the steady step's rate as a fraction of the layout's measured max (default 0.5)
  --fault-rps RPS         a fixed rate instead, the same for every layout
  --fault-duration S      its length in seconds (default 30)
  --fault-workload W      its workload (default usages when compared: every write id is read back)
  --provision MODE        auto | local | docker | external (default auto)
  ${SERVER_KIND_NAMES.map((k) => `--${k}-url URL`).join(', ')}
                          servers you run (with --provision external)
  --allow-reset           let compare wipe and seed those external servers
  --heap SIZE             JVM heap of the local Cassandra and MongoDB-wire server (e.g. 1G)
  --profile-workload W    which workload to profile (default the first)
  --results DIR           default results
  --run-id ID             (with --runs N: ID-1 .. ID-N)
  --runs N                the whole comparison N times in a row (servers started and seeded again each time),
                          then results/repeat-<first>-to-<last>/repeatability.md: whether every verdict came
                          out the same, which medians fall outside another run's interval, and whether whole
                          runs moved a figure more than its trials vary (storebench report --repeat)
  --no-report             write run.json and steps.csv only`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: COMPARE_FLAG_OPTIONS });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let plan;
  try {
    const fromRun = values.from ? await readRecord(values.from) : undefined;
    plan = comparePlan(mergeInputs(fromRun ? inputFromRecord(fromRun.scenario) : {}, compareInputFromFlags(values)));
  } catch (error) {
    if (error instanceof RangeError || error instanceof ScenarioError || error instanceof SyntaxError) {
      throw new UsageError(error.message);
    }
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new UsageError(`--from: no run.json at ${err.path ?? values.from}`);
    throw error;
  }
  const runs = values.runs === undefined ? 1 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50)
    throw new UsageError(`--runs: a whole number of runs from 1 to 50, not ${values.runs}`);
  const runDirs: string[] = [];
  let status = 0;
  for (let i = 1; i <= runs; i++) {
    if (runs > 1) console.log(`\ncompare: run ${i} of ${runs}`);
    throwIfStopRequested();
    const once = runs > 1 && plan.runId !== undefined ? { ...plan, runId: `${plan.runId}-${i}` } : plan;
    try {
      const outcome = await runCompare(once);
      runDirs.push(outcome.runDir);
      if (printOutcome(outcome) !== 0) status = 1;
    } catch (error) {
      if (error instanceof CompareStoppedError) {
        console.error(`\ncompare stopped: ${error.message}\npartial results: ${error.runDir}`);
        return 1;
      }
      throw error;
    }
  }
  if (runs > 1 && plan.report !== false) {
    const outDir = join(plan.resultsDir, repeatDirName(runDirs[0]!, runDirs[runDirs.length - 1]!));
    const rendered = await renderRepeatability(runDirs, outDir);
    console.log(`\n${runs} runs: ${repeatabilitySummary(rendered.analysis)}`);
    console.log(`repeatability: ${rendered.markdownPath}\n               ${rendered.htmlPath}`);
  }
  return status;
}

/** The console summary of one run; 1 when no backend was measured. */
function printOutcome(outcome: Awaited<ReturnType<typeof runCompare>>): number {
  const { result } = outcome;
  console.log(`\nrun ${result.runId}: ${result.steps.length} steps, ${result.datasets.length} data sets`);
  for (const w of outcome.report?.workloads ?? buildWorkloadReports(result)) {
    console.log(`${w.workload}:`);
    for (const r of w.ranking) console.log(`  ${r.displayName.padEnd(44)} ${formatFigure(r.figure, w.kind)}`);
    // A tie recommends none of the tied backends over the others: say so, not just the first of them.
    console.log(`  recommended: ${verdictText(w.recommendation)} — ${w.recommendation.reason}`);
    if (w.rerun) console.log(`  rerun check: ${rerunText(w.rerun)}`);
  }
  for (const skipped of result.skippedBackends ?? []) console.log(`  ${skipped.backend}: SKIPPED (${skipped.reason})`);
  console.log(`results: ${outcome.runDir}`);
  if (outcome.report) console.log(`report:  ${outcome.report.markdownPath}\n         ${outcome.report.htmlPath}`);
  return new Set(result.steps.map((s) => s.backend)).size > 0 ? 0 : 1;
}

async function readRecord(path: string): Promise<RunResult> {
  const file = path.endsWith('.json') ? path : `${path.replace(/\/+$/, '')}/run.json`;
  return JSON.parse(await readFile(file, 'utf8')) as RunResult;
}
