import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import type { WorkloadName } from '../../core/backend.ts';
import { ProgressDisplay, processTree, profileServer, runLadder, stepLine } from '../load/index.ts';
import { newRunResult, writeRun, type DatasetRecord, type RunResult } from '../results/index.ts';
import {
  loadScenarioFile,
  parseScenario,
  scenarioLadder,
  scenarioRecord,
  ScenarioError,
  type Scenario,
} from '../scenario/index.ts';

const HELP = `usage: storebench load --url http://127.0.0.1:3000 [options]

Runs a ladder of load steps against one running server and writes
results/<run-id>/run.json and steps.csv.

target
  --url URL               server under test (loopback)
  --server-cmd "CMD"      start the server with this command (shell words) and stop it after;
                          its process tree is sampled as "server"
  --server-pid PID        sample this process tree as the server (repeatable / comma list)
  --db-pid PID            sample this process tree as the database (repeatable / comma list)
  --backend NAME          label for the results (default: the scenario's first backend)
scenario (flags override the file)
  --scenario FILE         YAML or JSON scenario (see harness/scenario/schema.ts)
  --workload NAME         usages | catalog | overview (comma list)
  --kind rate|concurrency
  --steps LIST            offered RPS or connections, e.g. 500,1000,2000
  --duration S            measured seconds per step (default 10)
  --warmup S              warm-up seconds per step, excluded from figures (default 3)
  --connections N         connection pool of rate steps (default rate/10, 16..1024)
  --timeout-ms MS         request timeout (default 10000)
  --distribution D        uniform | zipfian | last10
  --scale S               dataset scale the server holds (sets id ranges; default tiny)
  --max-product-id N, --max-game-id N   id ranges, overriding the scale
  --slo-p99 MS, --slo-errors FRACTION
  --stop-after N          stop after N consecutive SLO misses (0 = never)
  --seed N
  --profile doctor|flame  re-run one step (--profile-step, default the last run) under clinic;
                          needs --server-cmd starting with node
results
  --results DIR           default results
  --run-id ID
  --dataset-fingerprint F recorded in run.json
  --server-version K=V    recorded in run.json (repeatable)`;

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
  if (!values.url) {
    console.error(`--url is required\n\n${HELP}`);
    return 2;
  }
  let scenario: Scenario;
  try {
    const overrides = scenarioOverrides(values);
    scenario = values.scenario
      ? await loadScenarioFile(values.scenario, overrides)
      : parseScenario(overrides, 'command line');
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof RangeError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const backend = values.backend ?? scenario.backends[0] ?? 'server';
  scenario = { ...scenario, backends: [backend] };

  const datasets: DatasetRecord[] = values['dataset-fingerprint']
    ? scenario.workloads.map((workload) => ({
        backend,
        workload,
        fingerprint: values['dataset-fingerprint']!,
        scale: {},
      }))
    : [];
  const result = newRunResult({
    scenario: scenarioRecord(scenario),
    serverVersions: Object.fromEntries((values['server-version'] ?? []).map((kv) => splitOnce(kv, '='))),
    datasets,
    ...(values['run-id'] && { runId: values['run-id'] }),
  });
  const resultsDir = values.results ?? 'results';
  const serverCommand = values['server-cmd'] ? shellWords(values['server-cmd']) : null;
  const serverPids = pidList(values['server-pid']);
  const dbPids = pidList(values['db-pid']);

  let server: ChildProcess | null = null;
  if (serverCommand) {
    server = await startServer(serverCommand, values.url);
    if (!server) {
      console.error(`the server command did not listen on ${values.url}`);
      return 1;
    }
    serverPids.push(server.pid!);
  }
  const progress = new ProgressDisplay();
  const unit = scenario.stepKind === 'rate' ? 'RPS' : 'conn';
  let runDir = '';
  try {
    for (const workload of scenario.workloads) {
      const ladder = await runLadder({
        ...scenarioLadder(scenario, workload),
        backend,
        workload,
        baseUrl: values.url,
        ...(serverPids.length > 0 && { serverPids: () => serverPids.flatMap(processTree) }),
        ...(dbPids.length > 0 && { databasePids: () => dbPids.flatMap(processTree) }),
        ...progress.hooks(backend, workload, unit, scenario.stepDurationS + scenario.warmupS),
      });
      result.steps.push(...ladder.steps);
      result.summary.push(ladder.summary);
      result.finishedAt = new Date().toISOString();
      runDir = await writeRun(resultsDir, result); // partial results survive an interrupted run
    }
  } finally {
    if (server) await stopServer(server);
  }

  if (scenario.profile !== 'none') {
    await profileRun(result, scenario, values.url, serverCommand, backend, runDir || `${resultsDir}/${result.runId}`);
  }
  result.finishedAt = new Date().toISOString();
  runDir = await writeRun(resultsDir, result);
  printSummary(result);
  console.log(`results: ${runDir}/run.json, ${runDir}/steps.csv`);
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      'server-cmd': { type: 'string' },
      'server-pid': { type: 'string', multiple: true },
      'db-pid': { type: 'string', multiple: true },
      backend: { type: 'string' },
      scenario: { type: 'string' },
      workload: { type: 'string' },
      kind: { type: 'string' },
      steps: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'timeout-ms': { type: 'string' },
      distribution: { type: 'string' },
      scale: { type: 'string' },
      'max-product-id': { type: 'string' },
      'max-game-id': { type: 'string' },
      'slo-p99': { type: 'string' },
      'slo-errors': { type: 'string' },
      'stop-after': { type: 'string' },
      seed: { type: 'string' },
      profile: { type: 'string' },
      'profile-step': { type: 'string' },
      results: { type: 'string' },
      'run-id': { type: 'string' },
      'dataset-fingerprint': { type: 'string' },
      'server-version': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** CLI flags as scenario fields; numbers stay strings that fail validation loudly when not numbers. */
function scenarioOverrides(values: ReturnType<typeof parse>['values']): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const num = (v: string): number => (v.trim() === '' ? Number.NaN : Number(v));
  if (values.workload) o.workloads = values.workload.split(',').map((s) => s.trim());
  if (values.backend) o.backends = [values.backend];
  if (values.kind) o.stepKind = values.kind;
  if (values.steps) o.stepValues = values.steps.split(',').map(num);
  if (values.duration) o.stepDurationS = num(values.duration);
  if (values.warmup) o.warmupS = num(values.warmup);
  if (values.connections) o.connections = num(values.connections);
  if (values['timeout-ms']) o.requestTimeoutMs = num(values['timeout-ms']);
  if (values.distribution) o.idDistribution = values.distribution;
  if (values.scale) o.scale = values.scale;
  if (values['max-product-id']) o.maxProductId = num(values['max-product-id']);
  if (values['max-game-id']) o.maxGameId = num(values['max-game-id']);
  if (values['slo-p99'] || values['slo-errors']) {
    o.slo = {
      ...(values['slo-p99'] && { p99Ms: num(values['slo-p99']) }),
      ...(values['slo-errors'] && { maxErrorRate: num(values['slo-errors']) }),
    };
  }
  if (values['stop-after']) o.stopAfterFailedSteps = num(values['stop-after']);
  if (values.seed) o.seed = num(values.seed);
  if (values.profile) o.profile = values.profile;
  if (values['profile-step']) o.profileStep = num(values['profile-step']);
  return o;
}

/** Re-runs one step against a server started under clinic; failures become a ProfileRecord, never an exit. */
async function profileRun(
  result: RunResult,
  scenario: Scenario,
  url: string,
  serverCommand: string[] | null,
  backend: string,
  runDir: string,
): Promise<void> {
  const tool = scenario.profile === 'flame' ? 'flame' : 'doctor';
  const workload = scenario.workloads[0] as WorkloadName;
  const ran = result.steps.filter((s) => s.workload === workload);
  const index = scenario.profileStep ?? Math.max(0, ran.length - 1);
  const target = scenario.stepValues[Math.min(index, scenario.stepValues.length - 1)] ?? scenario.stepValues[0]!;
  if (!serverCommand) {
    result.profiles.push({
      tool,
      backend,
      workload,
      target,
      ok: false,
      htmlPath: null,
      error: 'profiling needs --server-cmd: the harness must start the server under clinic',
    });
    return;
  }
  console.error(`profiling ${backend}/${workload} at ${target} with clinic ${tool}...`);
  try {
    const record = await profileServer(
      { tool, command: serverCommand, url, runDir, backend, workload, target },
      async () => {
        await runLadder({
          ...scenarioLadder(scenario, workload),
          backend,
          workload,
          baseUrl: url,
          values: [target],
          stopAfterFailedSteps: 0,
        });
      },
    );
    result.profiles.push(record);
    console.error(record.ok ? `profile: ${runDir}/${record.htmlPath}` : `profile failed: ${record.error}`);
  } catch (error) {
    result.profiles.push({
      tool,
      backend,
      workload,
      target,
      ok: false,
      htmlPath: null,
      error: (error as Error).message,
    });
  }
}

function printSummary(result: RunResult): void {
  for (const step of result.steps) console.log(stepLine(step));
  for (const s of result.summary) {
    const best =
      s.maxSustainableRps === null
        ? 'no step met the SLO'
        : `${s.maxSustainableRps} RPS at ${s.atTarget} (p99 ${s.p99Ms} ms)${s.ceilingNotReached ? ', ceiling not reached' : ''}`;
    console.log(`max sustainable ${s.backend}/${s.workload}: ${best}`);
  }
}

async function startServer(command: string[], url: string): Promise<ChildProcess | null> {
  const [file, ...args] = command;
  const child = spawn(file!, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const { hostname, port } = new URL(url);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: hostname, port: Number(port || 80) });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopServer(child);
  return null;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function pidList(values: string[] | undefined): number[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => Number(v.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

/** Splits a command line into words: whitespace-separated, with '…' and "…" quoting (no expansion). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of line.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}
