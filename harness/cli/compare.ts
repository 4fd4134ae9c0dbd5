import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  comparePlan,
  CompareStoppedError,
  inputFromRecord,
  mergeInputs,
  PRESETS,
  runCompare,
  type ComparePlanInput,
} from '../compare/index.ts';
import type { ProvisionMode } from '../provision/index.ts';
import type { RunResult } from '../results/index.ts';
import { ScenarioError } from '../scenario/index.ts';
import { BALANCER_POLICIES, parseTopology, type BalancerPolicy, type Topology } from '../topology/index.ts';

const d = PRESETS.default;
const f = PRESETS.full;
const HELP = `usage: storebench compare [options]

The main job: provisions every backend's database (Docker when an engine answers, else native
servers on loopback), seeds identical data into each, checks every backend answers like the
memory reference, drives a load ladder per workload, and writes results/<run-id>/ with run.json,
steps.csv, charts/*.png, report.md and report.html.

Defaults (about 10 minutes on 2 cores): every backend (memory, postgres, cassandra, mongo),
every workload (usages, catalog, overview), scale ${d.scale}, rate steps ${d.stepValues.join(',')} RPS of
${d.stepDurationS} s after ${d.warmupS} s warm-up; a ladder stops after ${d.stopAfterFailedSteps} SLO misses in a row (p99 <= 50 ms, errors <= 1%).

  --full                  full scale (1M products, 10M overview records), steps ${f.stepValues.join(',')},
                          ${f.stepDurationS} s steps after ${f.warmupS} s warm-up; hours, not minutes
  --from RUN              repeat a run: results/<run-id> or its run.json (flags still override)
  --backends LIST         e.g. memory,postgres
  --workloads LIST        e.g. catalog,overview
  --scale S               tiny | small | medium | full | a count such as 250k
  --dataset-seed N        seed of the data generator (default 1)
  --steps LIST            offered RPS per step, e.g. 100,200,400
  --duration S            measured seconds per step
  --warmup S              warm-up seconds per step
  --stop-after N          stop a ladder after N consecutive SLO misses (0 = run every step)
  --distribution D        ids drawn uniform | zipfian | last10 (default last10)
  --slow-fraction F       add a deliberately slow request class: this fraction of requests (0..0.5) keeps
                          the API process serving it busy for --slow-ms of CPU (GET /experiment/busy)
  --slow-ms MS            CPU per slow request (default 50)
  --slo-p99 MS            default 50
  --slo-errors FRACTION   default 0.01
  --workers N             node cluster workers per API process (default 1)
  --instances N           API processes behind nginx (default 1)
  --balancer P            nginx policy over the instances: least_conn (default) | round_robin
  --cache redis           put the Redis read-through cache in front of every backend
  --topologies LIST       measure several API layouts per backend, each labelled in the report, e.g.
                          1,4:round_robin,4:least_conn,4:least_conn:redis (instances[:policy][:redis][:wN])
  --provision MODE        auto | local | docker | external (default auto)
  --postgres-url URL, --cassandra-url URL, --mongo-url URL, --redis-url URL
                          servers you run (with --provision external)
  --allow-reset           let compare wipe and seed those external servers
  --heap SIZE             JVM heap of the local Cassandra and MongoDB-wire server (e.g. 1G)
  --profile doctor|flame  after the ladders, re-run one step per backend under clinic
  --profile-workload W    which workload to profile (default the first)
  --results DIR           default results
  --run-id ID
  --no-report             write run.json and steps.csv only`;

export async function run(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let plan;
  try {
    const fromRun = values.from ? await readRecord(values.from) : undefined;
    const input = mergeInputs(fromRun ? inputFromRecord(fromRun.scenario) : {}, flagsInput(values));
    plan = comparePlan(input);
  } catch (error) {
    if (error instanceof RangeError || error instanceof ScenarioError || error instanceof SyntaxError) {
      console.error(error.message);
      return 2;
    }
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      console.error(`--from: no run.json at ${err.path ?? values.from}`);
      return 2;
    }
    throw error;
  }
  try {
    const outcome = await runCompare(plan);
    const { result } = outcome;
    console.log(`\nrun ${result.runId}: ${result.steps.length} steps, ${result.datasets.length} data sets`);
    for (const s of result.summary) {
      const best =
        s.maxSustainableRps === null
          ? 'no step met the SLO'
          : `${s.maxSustainableRps} RPS at ${s.atTarget} offered (p99 ${s.p99Ms} ms)${s.ceilingNotReached ? ', ceiling not reached' : ''}`;
      console.log(`  ${s.backend.padEnd(10)} ${s.workload.padEnd(9)} ${best}`);
    }
    for (const skipped of result.skippedBackends ?? [])
      console.log(`  ${skipped.backend}: SKIPPED (${skipped.reason})`);
    for (const w of outcome.report?.workloads ?? []) {
      console.log(`recommended for ${w.workload}: ${w.recommendation.backend ?? 'none'} — ${w.recommendation.reason}`);
    }
    console.log(`results: ${outcome.runDir}`);
    if (outcome.report) console.log(`report:  ${outcome.report.markdownPath}\n         ${outcome.report.htmlPath}`);
    const measured = new Set(result.steps.map((s) => s.backend));
    return measured.size > 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof CompareStoppedError) {
      console.error(`\ncompare stopped: ${error.message}\npartial results: ${error.runDir}`);
      return 1;
    }
    throw error;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      full: { type: 'boolean', default: false },
      from: { type: 'string' },
      backends: { type: 'string' },
      workloads: { type: 'string' },
      scale: { type: 'string' },
      'dataset-seed': { type: 'string' },
      steps: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'stop-after': { type: 'string' },
      distribution: { type: 'string' },
      'slow-fraction': { type: 'string' },
      'slow-ms': { type: 'string' },
      'slo-p99': { type: 'string' },
      'slo-errors': { type: 'string' },
      workers: { type: 'string' },
      instances: { type: 'string' },
      balancer: { type: 'string' },
      topologies: { type: 'string' },
      cache: { type: 'string' },
      provision: { type: 'string' },
      'postgres-url': { type: 'string' },
      'cassandra-url': { type: 'string' },
      'mongo-url': { type: 'string' },
      'redis-url': { type: 'string' },
      'allow-reset': { type: 'boolean' },
      heap: { type: 'string' },
      profile: { type: 'string' },
      'profile-workload': { type: 'string' },
      results: { type: 'string' },
      'run-id': { type: 'string' },
      'no-report': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** Flags as plan input; numbers stay NaN when not numbers so validation names the flag. */
function flagsInput(values: ReturnType<typeof parse>['values']): ComparePlanInput {
  const num = (name: string, v: string): number => {
    const n = v.trim() === '' ? Number.NaN : Number(v);
    if (!Number.isFinite(n)) throw new RangeError(`--${name}: "${v}" is not a number`);
    return n;
  };
  const list = (v: string): string[] =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (values.cache !== undefined && values.cache !== 'redis') throw new RangeError('--cache: only `redis`');
  if (values.balancer !== undefined && !(BALANCER_POLICIES as readonly string[]).includes(values.balancer)) {
    throw new RangeError(`--balancer: ${BALANCER_POLICIES.join(' | ')}`);
  }
  const layoutDefaults = {
    ...(values.workers && { workers: num('workers', values.workers) }),
    ...(values.balancer && { balancer: values.balancer as BalancerPolicy }),
    ...(values.cache === 'redis' && { cache: true }),
  };
  let topologies: Topology[] | undefined;
  if (values.topologies) topologies = list(values.topologies).map((t) => parseTopology(t, layoutDefaults));
  else if (values.instances || values.balancer) topologies = [parseTopology(values.instances ?? '1', layoutDefaults)];
  // --full means the full preset's ladder, even over the ladder of a --from run; explicit flags still win.
  const full = PRESETS.full;
  const scenario: Record<string, unknown> = values.full
    ? {
        stepValues: [...full.stepValues],
        stepDurationS: full.stepDurationS,
        warmupS: full.warmupS,
        stopAfterFailedSteps: full.stopAfterFailedSteps,
      }
    : {};
  if (values.steps) scenario.stepValues = list(values.steps).map((v) => num('steps', v));
  if (values.duration) scenario.stepDurationS = num('duration', values.duration);
  if (values.warmup) scenario.warmupS = num('warmup', values.warmup);
  if (values['stop-after']) scenario.stopAfterFailedSteps = num('stop-after', values['stop-after']);
  if (values.distribution) scenario.idDistribution = values.distribution;
  if (values['slow-fraction']) scenario.slowFraction = num('slow-fraction', values['slow-fraction']);
  if (values['slow-ms']) scenario.slowBusyMs = num('slow-ms', values['slow-ms']);
  if (values['slo-p99'] || values['slo-errors']) {
    scenario.slo = {
      ...(values['slo-p99'] && { p99Ms: num('slo-p99', values['slo-p99']) }),
      ...(values['slo-errors'] && { maxErrorRate: num('slo-errors', values['slo-errors']) }),
    };
  }
  if (values.profile) scenario.profile = values.profile;
  const externalUrls = Object.fromEntries(
    (['postgres', 'cassandra', 'mongo', 'redis'] as const)
      .map((kind) => [kind, values[`${kind}-url`]] as const)
      .filter(([, url]) => url !== undefined),
  );
  const input: ComparePlanInput = {
    ...(values.full && { preset: 'full' as const }),
    ...(values.backends && { backends: list(values.backends) }),
    ...(values.workloads && { workloads: list(values.workloads) }),
    ...(values.scale && { scale: values.scale }),
    ...(values['dataset-seed'] && { datasetSeed: num('dataset-seed', values['dataset-seed']) }),
    ...(values.workers && { workers: num('workers', values.workers) }),
    ...(values.cache === 'redis' && { cache: 'redis' as const }),
    ...(topologies && { topologies }),
    ...(values.provision && { provision: values.provision as ProvisionMode }),
    ...(Object.keys(externalUrls).length > 0 && { externalUrls }),
    ...(values['allow-reset'] && { allowReset: true }),
    ...(values.heap && { javaHeap: values.heap }),
    ...(values['profile-workload'] && { profileWorkload: values['profile-workload'] }),
    ...(values.results && { resultsDir: values.results }),
    ...(values['run-id'] && { runId: values['run-id'] }),
    ...(values['no-report'] && { report: false }),
    ...(Object.keys(scenario).length > 0 && { scenario }),
  };
  if (values.full && !values.scale) input.scale = full.scale;
  return input;
}

async function readRecord(path: string): Promise<RunResult> {
  const file = path.endsWith('.json') ? path : `${path.replace(/\/+$/, '')}/run.json`;
  return JSON.parse(await readFile(file, 'utf8')) as RunResult;
}
