import { parseArgs } from 'node:util';
import { stepLine } from '../load/index.ts';
import { newRunResult, writeRun, type DatasetRecord } from '../results/index.ts';
import { commandTarget, runScenario } from '../runner/index.ts';
import {
  loadScenarioFile,
  parseScenario,
  SCENARIO_FLAG_HELP,
  SCENARIO_FLAG_OPTIONS,
  scenarioOverrides,
  scenarioRecord,
  ScenarioError,
} from '../scenario/index.ts';
import { FLAG_HELP, UsageError } from './flags.ts';

const HELP = `usage: storebench load --url http://127.0.0.1:3000 [options]

Runs a ladder of load steps against one running server and writes results/<run-id>/run.json and steps.csv.

target
  --url URL               server under test (loopback)
  --server-cmd "CMD"      start the server with this command (shell words) and stop it after;
                          its process tree is sampled as "server" (needed for --profile)
  --server-pid PID        sample this process tree as the server (repeatable / comma list)
  --db-pid PID            sample this process tree as the database (repeatable / comma list)
  --backend NAME          label for the results (default: the scenario's first backend)
scenario (flags override the file)
  --scenario FILE         YAML or JSON scenario (see harness/scenario/schema.ts)
  --workload LIST         ${FLAG_HELP.workload} (comma list)
  --scale S               data set the server holds, sets the id ranges: ${FLAG_HELP.scale}
${SCENARIO_FLAG_HELP}
results
  --results DIR           default results
  --run-id ID
  --dataset-fingerprint F recorded in run.json
  --server-version K=V    recorded in run.json (repeatable)`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...SCENARIO_FLAG_OPTIONS,
      url: { type: 'string' },
      'server-cmd': { type: 'string' },
      'server-pid': { type: 'string', multiple: true },
      'db-pid': { type: 'string', multiple: true },
      backend: { type: 'string' },
      scenario: { type: 'string' },
      workload: { type: 'string' },
      scale: { type: 'string' },
      results: { type: 'string', default: 'results' },
      'run-id': { type: 'string' },
      'dataset-fingerprint': { type: 'string' },
      'server-version': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.url) throw new UsageError('--url is required');
  const overrides = {
    ...scenarioOverrides(values),
    ...(values.workload && { workloads: values.workload.split(',').map((s) => s.trim()) }),
    ...(values.backend && { backends: [values.backend] }),
    ...(values.scale && { scale: values.scale }),
  };
  let scenario;
  try {
    scenario = values.scenario
      ? await loadScenarioFile(values.scenario, overrides)
      : parseScenario(overrides, 'command line');
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  const backend = values.backend ?? scenario.backends[0] ?? 'server';
  scenario = { ...scenario, backends: [backend] };
  const fingerprint = values['dataset-fingerprint'];
  const datasets: DatasetRecord[] = fingerprint
    ? scenario.workloads.map((workload) => ({ backend, workload, fingerprint, scale: {} }))
    : [];
  const result = newRunResult({
    scenario: scenarioRecord(scenario),
    serverVersions: Object.fromEntries((values['server-version'] ?? []).map((kv) => splitOnce(kv, '='))),
    datasets,
    ...(values['run-id'] && { runId: values['run-id'] }),
  });
  const runDir = `${values.results}/${result.runId}`;
  const target = commandTarget({
    label: backend,
    url: values.url,
    ...(values['server-cmd'] && { command: shellWords(values['server-cmd']) }),
    serverPids: pidList(values['server-pid']),
    databasePids: pidList(values['db-pid']),
  });
  const save = async (): Promise<void> => {
    result.finishedAt = new Date().toISOString();
    await writeRun(values.results, result);
  };
  await runScenario({ scenario, targets: [target], result, runDir, save });
  await save();
  for (const step of result.steps) console.log(stepLine(step));
  for (const s of result.summary) {
    const best =
      s.maxSustainableRps === null
        ? 'no step met the SLO'
        : `${s.maxSustainableRps} RPS at ${s.atTarget} (p99 ${s.p99Ms} ms)${s.ceilingNotReached ? ', ceiling not reached' : ''}`;
    console.log(`max sustainable ${s.backend}/${s.workload}: ${best}`);
  }
  console.log(`results: ${runDir}/run.json, ${runDir}/steps.csv`);
  return 0;
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
