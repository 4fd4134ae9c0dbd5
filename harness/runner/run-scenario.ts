import { join } from 'node:path';
import { profileServer, ProgressDisplay, runLadder } from '../load/index.ts';
import { freeLoopbackPort } from '../provision/ports.ts';
import type { ProfileRecord, RunResult, StepResult } from '../results/index.ts';
import { scenarioLadder, type Scenario } from '../scenario/index.ts';
import type { LoadTarget } from './target.ts';

/** One run of a scenario against its targets. */
export interface ScenarioRun {
  scenario: Scenario;
  targets: LoadTarget[];
  /** Steps, summaries and profiles are pushed here. */
  result: RunResult;
  /** The run folder (profiles land in `<runDir>/profiles/`). */
  runDir: string;
  /** Writes the result so far; called after every ladder, so an interrupted run keeps what it measured. */
  save(): Promise<void>;
  log?: (line: string) => void;
}

/**
 * The one scenario runner behind `load` and `compare`: for each target in turn, bring it up, run
 * the ladder of every workload of the scenario against it, take it down, then (when the scenario
 * asks) re-run one step against a fresh process of it under clinic. Errors of a target (it does
 * not start, it answers wrongly) propagate; what was measured before is saved.
 */
export async function runScenario(run: ScenarioRun): Promise<void> {
  const { scenario, result } = run;
  const log = run.log ?? ((line: string) => console.error(line));
  const progress = new ProgressDisplay();
  const unit = scenario.stepKind === 'rate' ? 'RPS' : 'conn';
  for (const target of run.targets) {
    const open = await target.open();
    try {
      for (const workload of scenario.workloads) {
        const ladder = await runLadder({
          ...scenarioLadder(scenario, workload),
          backend: target.label,
          workload,
          baseUrl: open.url,
          ...(open.serverPids && { serverPids: open.serverPids }),
          ...(open.databasePids && { databasePids: open.databasePids }),
          ...progress.hooks(target.label, workload, unit, scenario.stepDurationS + scenario.warmupS),
        });
        result.steps.push(...ladder.steps);
        result.summary.push(ladder.summary);
        await run.save();
      }
    } finally {
      await open.close();
    }
    if (scenario.profile !== 'none') {
      result.profiles.push(await profileTarget(run, target, log));
      await run.save();
    }
  }
}

/**
 * The step a profile re-runs: the scenario's `profileStep` when set, else the highest step of the
 * first workload that met the SLO, else the last one run.
 */
export function profiledTarget(scenario: Scenario, steps: StepResult[]): number | undefined {
  if (scenario.profileStep !== undefined) {
    return scenario.stepValues[Math.min(scenario.profileStep, scenario.stepValues.length - 1)];
  }
  const best = [...steps].reverse().find((s) => s.slo.met) ?? steps[steps.length - 1];
  return best?.target;
}

/** One clinic profile of a target; every failure becomes the record's error, never an exception. */
async function profileTarget(
  run: ScenarioRun,
  target: LoadTarget,
  log: (line: string) => void,
): Promise<ProfileRecord> {
  const { scenario, result } = run;
  const tool = scenario.profile === 'flame' ? 'flame' : 'doctor';
  const workload = scenario.workloads[0]!;
  const ran = result.steps.filter((s) => s.backend === target.label && s.workload === workload);
  const step = profiledTarget(scenario, ran) ?? scenario.stepValues[0]!;
  const failed = (error: string): ProfileRecord => ({
    tool,
    backend: target.label,
    workload,
    target: step,
    ok: false,
    htmlPath: null,
    error,
  });
  if (!target.profileCommand) return failed('profiling needs a server the harness starts (e.g. load --server-cmd)');
  const { command, url } = target.profileCommand(await freeLoopbackPort());
  log(`${target.label}/${workload}: profiling one API process at ${step} with clinic ${tool}…`);
  try {
    const record = await profileServer(
      { tool, command, url, runDir: run.runDir, backend: target.label, workload, target: step },
      async () => {
        await runLadder({
          ...scenarioLadder(scenario, workload),
          backend: target.label,
          workload,
          baseUrl: url,
          values: [step],
          stopAfterFailedSteps: 0,
        });
      },
    );
    log(record.ok ? `profile: ${join(run.runDir, record.htmlPath!)}` : `profile failed: ${record.error}`);
    return record;
  } catch (error) {
    return failed((error as Error).message.split('\n')[0] ?? 'profile failed');
  }
}
