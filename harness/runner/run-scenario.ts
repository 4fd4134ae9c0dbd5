import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { seededRandom, type RandomSource } from '../../core/workloads/index.ts';
import {
  DEFAULT_GRID,
  findMaxRate,
  measureStep,
  phaseSpanS,
  profileServer,
  ProgressDisplay,
  runLadder,
  runPhaseShift,
  sustainableThroughput,
  type RateGrid,
  type StepContext,
} from '../load/index.ts';
import { freeLoopbackPort } from '../provision/ports.ts';
import { throwIfStopRequested } from '../provision/process-registry.ts';
import type { ProfileRecord, RunResult, StepResult, TrialRecord } from '../results/index.ts';
import { scenarioLadder, type Scenario } from '../scenario/index.ts';
import { lowerMedian } from '../stats/index.ts';
import type { LoadTarget, OpenTarget } from './target.ts';

/** One run of a scenario against its targets. */
export interface ScenarioRun {
  scenario: Scenario;
  targets: LoadTarget[];
  /** Steps, summaries, trials and profiles are pushed here. */
  result: RunResult;
  /** The run folder (profiles land in `<runDir>/profiles/`). */
  runDir: string;
  /** Writes the result so far; called after every (target, workload, trial), so an interrupted run keeps what it measured. */
  save(): Promise<void>;
  /** Processes the run started besides the targets' own (paused databases...): never counted as interference. */
  runPids?: () => number[];
  /**
   * A target that fails to open: true skips it (in every later trial too) and goes on with the
   * others; false (the default) stops the run with the error.
   */
  skip?: (target: LoadTarget, error: unknown) => boolean;
  /**
   * Called before every trial after the first, while every target is paused or closed (compare reads
   * the machine's speed there, so a run records its own drift).
   */
  betweenTrials?: (trial: number) => Promise<void>;
  /** The workload a profile re-runs (default each target's first). */
  profileWorkload?: string;
  log?: (line: string) => void;
}

/**
 * The one scenario runner behind `load`, `compare` and `calibrate`. For each trial, every target in
 * turn (the order rotates from trial to trial, so slow drift of the machine hits every target
 * alike): bring it up (the first time, or every trial for a target with `freshPerTrial`) or resume
 * it, find the max sustainable rate of every workload (a ladder, or a search that starts from the
 * earlier trials' figure), then pause it (or close it) while the others are measured. After the last trial each target is closed and, when the scenario
 * asks, one step is re-run against a fresh process of it under clinic. Errors of a target (it does
 * not start, it answers wrongly) propagate; what was measured before is saved.
 */
export async function runScenario(run: ScenarioRun): Promise<void> {
  const { scenario, targets } = run;
  const log = run.log ?? ((line: string) => console.error(line));
  const opened = new Map<LoadTarget, OpenTarget>();
  const everOpened = new Set<LoadTarget>();
  const skipped = new Set<LoadTarget>();
  // One stream of phase draws per run, taken in the run's fixed order: the recorded seed replays them.
  const phaseSeed = scenario.phaseSeed ?? randomInt(2 ** 31);
  if (scenario.phaseShiftMaxS > 0) run.result.scenario.phaseSeed = phaseSeed;
  const phases = seededRandom(phaseSeed);
  try {
    for (let trial = 1; trial <= scenario.trials; trial++) {
      if (trial > 1) await run.betweenTrials?.(trial);
      const shift = (trial - 1) % Math.max(1, targets.length);
      const order = [...targets.slice(shift), ...targets.slice(0, shift)];
      for (const target of order) {
        if (skipped.has(target)) continue;
        throwIfStopRequested();
        let open = opened.get(target);
        if (open) await open.resume?.();
        else {
          try {
            open = await target.open(everOpened.has(target), trial);
          } catch (error) {
            throwIfStopRequested(); // a target that failed because the run is stopping is not skipped
            if (!run.skip?.(target, error)) throw error;
            skipped.add(target);
            continue;
          }
          opened.set(target, open);
          everOpened.add(target);
        }
        try {
          for (const workload of target.workloads ?? scenario.workloads) {
            throwIfStopRequested();
            await measureTrial(run, target, open, workload, trial, phases);
            await run.save();
          }
        } finally {
          if (trial < scenario.trials && !target.freshPerTrial) await open.pause?.();
          else {
            opened.delete(target);
            await open.close();
          }
        }
      }
    }
  } finally {
    for (const open of opened.values()) await open.close().catch(() => undefined);
  }
  if (scenario.profile !== 'none') {
    for (const target of targets.filter((t) => !skipped.has(t))) {
      run.result.profiles.push(await profileTarget(run, target, log));
      await run.save();
    }
  }
}

const progress = new ProgressDisplay();

/** One trial of one workload on one target: its steps, its summary and its trial record go into the result. */
async function measureTrial(
  run: ScenarioRun,
  target: LoadTarget,
  open: OpenTarget,
  workload: string,
  trial: number,
  phases: RandomSource,
): Promise<void> {
  const { result } = run;
  const scenario = { ...run.scenario, ...target.scenario?.() };
  const ladder = scenarioLadder(scenario, workload);
  const unit = scenario.stepKind === 'rate' ? 'RPS' : 'conn';
  const label = scenario.trials > 1 ? `${target.label} trial ${trial}/${scenario.trials}` : target.label;
  const hooks = progress.hooks(label, workload, unit, scenario.stepDurationS + scenario.warmupS);
  const ctx: StepContext = {
    ...ladder,
    backend: target.label,
    workload,
    baseUrl: open.url,
    ...(open.serverPids && { serverPids: open.serverPids }),
    ...(open.databasePids && { databasePids: open.databasePids }),
    ...(run.runPids && { runPids: run.runPids }),
    ...(open.observe && { observe: open.observe }),
    onLive: hooks.onLive,
  };
  let steps: StepResult[];
  let record: TrialRecord;
  // Whatever evicted the target's files while it waited, every trial of every workload starts with them cached.
  const pageCache = scenario.pageCache === 'warm' ? await open.warmPageCache?.() : undefined;
  if (scenario.method === 'search') {
    const grid: RateGrid = { ...DEFAULT_GRID, ratio: 1 + scenario.resolution };
    const earlier = result.trials?.filter((t) => t.backend === target.label && t.workload === workload && t.pass);
    const warm = earlier !== undefined && earlier.length > 0;
    const random = seededRandom(scenario.requestSeed);
    const searchCtx: StepContext = { ...ctx, endMissedStepsAfterS: scenario.endMissedStepsAfterS };
    const start = warm ? lowerMedian(earlier.map((t) => t.pass!)) : scenario.searchStartRps;
    // A warm start passed before; a cold one may lie above capacity, so the shift runs at half of it.
    const phaseShift = await shiftPhase(run, scenario, ctx, warm ? start : start / 2, phases);
    let index = 0;
    const search = await findMaxRate({
      grid,
      start,
      warm,
      // A warm search starts on the earlier trials' figure: that start re-tests their boundary already.
      confirm: !warm,
      maxSteps: scenario.maxSearchSteps,
      measure: async (rate, phase) => {
        throwIfStopRequested();
        hooks.onStepStart?.({ index, count: 0, target: rate });
        const step = await measureStep(searchCtx, rate, index++, random);
        step.searchPhase = phase;
        hooks.onStepEnd?.(step);
        return step;
      },
    });
    steps = search.steps;
    record = {
      backend: target.label,
      workload,
      trial,
      pass: search.pass,
      fail: search.fail,
      steps: steps.length,
      ...(search.unfinished && { unfinished: true }),
      ...(search.invalid && { invalid: search.invalid }),
      ...(phaseShift && { phaseShift }),
    };
  } else {
    const phaseShift = await shiftPhase(run, scenario, ctx, ladder.values[0]! / 2, phases);
    ({ steps } = await runLadder({ ...ctx, ...ladder, ...hooks }));
    const best = sustainableThroughput(target.label, workload, scenario.stepKind, steps).atTarget;
    const above = steps.filter((s) => !(s.valid && s.slo.met) && (best === null || s.target > best));
    record = {
      backend: target.label,
      workload,
      trial,
      pass: best,
      fail: above.length > 0 ? Math.min(...above.map((s) => s.target)) : null,
      steps: steps.length,
      ...(phaseShift && { phaseShift }),
    };
  }
  if (pageCache) record.pageCache = pageCache;
  for (const step of steps) step.trial = trial;
  result.steps.push(...steps);
  result.summary.push({ ...sustainableThroughput(target.label, workload, scenario.stepKind, steps), trial });
  (result.trials ??= []).push(record);
}

/**
 * A trial's phase shift: unmeasured load at `rps` (rate steps only) for a time drawn uniformly from zero to
 * about one major GC period of the target's API (see `phaseSpanS`). One draw per trial whatever the span,
 * so the recorded seed replays every draw. Null when the scenario asks for none.
 */
async function shiftPhase(
  run: ScenarioRun,
  scenario: Scenario,
  ctx: StepContext,
  rps: number,
  phases: RandomSource,
): Promise<TrialRecord['phaseShift'] | null> {
  const draw = phases();
  if (scenario.phaseShiftMaxS <= 0 || scenario.stepKind !== 'rate') return null;
  const earlier = run.result.steps.filter((s) => s.backend === ctx.backend && s.workload === ctx.workload);
  const rate = Math.max(1, Math.round(rps));
  const spanS = phaseSpanS(earlier, rate, scenario.stepDurationS + scenario.warmupS, scenario.phaseShiftMaxS);
  const seconds = Math.round(draw * spanS * 10) / 10;
  await runPhaseShift(ctx, rate, seconds, scenario.requestSeed);
  return { rps: rate, seconds, spanS: Math.round(spanS * 10) / 10 };
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
  const measured = target.workloads ?? scenario.workloads;
  const workload = run.profileWorkload && measured.includes(run.profileWorkload) ? run.profileWorkload : measured[0]!;
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
