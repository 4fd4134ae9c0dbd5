import { seededRandom, type RandomSource } from '../../core/workloads/index.ts';
import { gridResolution, simulateSearch, type RateGrid, type SearchStep } from '../load/index.ts';
import type { StepResult, TrialRecord } from '../results/index.ts';
import {
  compareFigures,
  headlineFigure,
  lowerMedian,
  noiseFloorOf,
  spreadOf,
  type HeadlineFigure,
} from '../stats/index.ts';
import { gridOf, quietLeadTies, verdictText, type MajorGcBound, type ReportRun, type WorkloadReport } from './model.ts';

/**
 * How likely a step at an offered rate is to meet the SLO, fitted to the steps of one row:
 * P(met) = 1 / (1 + exp(ln(rate / center) / width)). `center` is the rate a step meets the SLO at
 * half the time; `width` how gradual the change is (0.1: from 73% to 27% between center / 1.1 and
 * center * 1.1).
 */
export interface PassCurve {
  center: number;
  width: number;
  /** Valid steps it was fitted to. */
  steps: number;
}

/**
 * Bounds of the fitted width. Steps that separate perfectly (every pass below every miss) would
 * fit a step function; the lower bound keeps the simulation from treating a handful of steps as
 * certainty. The pooled fits of three default runs gave 0.06-0.26 (docs/reproducibility.md).
 */
export const MIN_WIDTH = 0.05;
export const MAX_WIDTH = 0.5;

export function passProbability(curve: Pick<PassCurve, 'center' | 'width'>, rate: number): number {
  return 1 / (1 + Math.exp(Math.log(rate / curve.center) / curve.width));
}

/**
 * The maximum-likelihood pass curve of a row's valid rate steps (a grid search over center and
 * width); null when there are fewer than three valid steps to fit.
 */
export function fitPassCurve(steps: readonly StepResult[]): PassCurve | null {
  const points = steps.filter((s) => s.valid && s.kind === 'rate').map((s) => ({ rate: s.target, met: s.slo.met }));
  if (points.length < 3) return null;
  const logs = points.map((p) => Math.log(p.rate));
  const from = Math.min(...logs) - 0.7;
  const to = Math.max(...logs) + 0.7;
  let best = { loss: Infinity, center: 0, width: 0 };
  for (let c = from; c <= to; c += 0.005) {
    const center = Math.exp(c);
    for (let width = MIN_WIDTH; width <= MAX_WIDTH + 1e-9; width += 0.005) {
      let loss = 0;
      for (const p of points) {
        const q = passProbability({ center, width }, p.rate);
        loss -= Math.log(Math.max(1e-12, p.met ? q : 1 - q));
        if (loss >= best.loss) break;
      }
      if (loss < best.loss) best = { loss, center, width };
    }
  }
  return { center: Math.round(best.center), width: Math.round(best.width * 1000) / 1000, steps: points.length };
}

/** How often a run's verdict for one workload came out again in simulated reruns. */
export interface RerunCheck {
  reruns: number;
  /** This run's verdict (verdictText). */
  verdict: string;
  /** Share of the reruns that gave the same verdict. */
  same: number;
  /** Every verdict the reruns gave, most frequent first. */
  outcomes: { verdict: string; share: number }[];
  /** The curves the steps were drawn from, per row simulated. */
  curves: Record<string, PassCurve>;
}

export const RERUN_METHOD =
  "each row's pass probability against offered rate fitted to this run's own valid steps (a logistic curve in log rate, maximum likelihood), then the whole run re-searched many times with the same search code, trials and tie rule, each step drawn from its curve; it assumes steps independent given their rate, so it leaves out what moves a whole run (another data layout, a slower machine)";

/**
 * Simulated reruns of a run: how often each workload's verdict would come out again if the run were
 * repeated and each step's outcome varied as much as this run's steps say it does. Each rerun
 * searches every eligible row (and the A/A calibration rows, which give the rerun its noise floor
 * as the run's gave it: `noiseFloorOf`, or for a run recorded before it, their spread) in as many
 * trials as the run had, warm searches starting from the earlier trials' median
 * as in the runner, and decides each workload with the same tie rule as the report. Deterministic
 * for a given seed. Empty for runs that are not a multi-trial search.
 */
export function rerunChecks(
  run: ReportRun,
  workloads: readonly WorkloadReport[],
  options: { reruns?: number; seed?: number } = {},
): Map<string, RerunCheck> {
  const checks = new Map<string, RerunCheck>();
  const scenario = run.scenario;
  if (scenario.method !== 'search' || (scenario.trials ?? 1) < 2 || scenario.stepKind !== 'rate') return checks;
  const reruns = options.reruns ?? 1000;
  const random = seededRandom(options.seed ?? 1);
  const search: SearchShape = {
    grid: gridOf(scenario),
    start: scenario.searchStartRps ?? 1000,
    maxSteps: scenario.maxSearchSteps ?? 14,
    trials: scenario.trials ?? 1,
  };
  const curveOf = (backend: string, workload: string): PassCurve | null =>
    fitPassCurve(run.steps.filter((s) => s.backend === backend && s.workload === workload));

  const calibration = run.calibration;
  const aa = calibration ? calibration.labels.map((label) => curveOf(label, calibration.workload)) : [];
  const fixedFloor = workloads[0]?.noiseFloor.fraction ?? 0;
  const simulated = workloads.flatMap((w) => {
    const rows = w.rows.filter((r) => !r.isControl && !r.isCalibration && !r.standIn);
    // A row whose figure the run showed to count the API's quiet moments is not recommended on it (model.ts).
    const optimistic = new Map(rows.flatMap((r) => (r.majorGcBound ? [[r.backend, r.majorGcBound] as const] : [])));
    const curves = rows.map((r) => curveOf(r.backend, w.workload));
    if (rows.length === 0 || curves.some((c) => c === null)) return [];
    return [
      {
        w,
        rows: rows.map((r, i) => ({ backend: r.backend, curve: curves[i]! })),
        optimistic,
        counts: new Map<string, number>(),
      },
    ];
  });
  if (simulated.length === 0) return checks;

  for (let n = 0; n < reruns; n++) {
    let floor = fixedFloor;
    if (aa.length > 0 && aa.every((c) => c !== null)) {
      const [a, b] = aa.map((c) =>
        headlineFigure(
          simulateTrials(c!, search, random).map((t) => ({ ...t, backend: 'aa', workload: 'simulated' })),
          'aa',
          'simulated',
        )!,
      );
      floor =
        calibration?.medianDifference === undefined
          ? spreadOf([...a!.values, ...b!.values].map((v) => v ?? 0))
          : noiseFloorOf(a!, b!, gridResolution(search.grid));
    }
    for (const { rows, optimistic, counts } of simulated) {
      const figures = rows.map(({ backend, curve }) =>
        headlineFigure(
          simulateTrials(curve, search, random).map((t) => ({ ...t, backend, workload: 'simulated' })),
          backend,
          'simulated',
        )!,
      );
      const verdict = simulatedVerdict(figures, floor, optimistic);
      counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
    }
  }
  for (const { w, rows, counts } of simulated) {
    const verdict = verdictText(w.recommendation);
    const outcomes = [...counts.entries()]
      .map(([v, c]) => ({ verdict: v, share: c / reruns }))
      .sort((a, b) => b.share - a.share || a.verdict.localeCompare(b.verdict));
    checks.set(w.workload, {
      reruns,
      verdict,
      same: (counts.get(verdict) ?? 0) / reruns,
      outcomes,
      curves: Object.fromEntries(rows.map((r) => [r.backend, r.curve])),
    });
  }
  return checks;
}

/** Adds each workload's rerun check to its report (in place); returns the workloads. */
export function addRerunChecks(run: ReportRun, workloads: WorkloadReport[]): WorkloadReport[] {
  const checks = rerunChecks(run, workloads);
  for (const w of workloads) {
    const check = checks.get(w.workload);
    if (check) w.rerun = check;
  }
  return workloads;
}

/** `the same verdict in 71% of 1,000 simulated reruns (else tie (cassandra, postgres) 29%)`. */
export function rerunText(check: RerunCheck): string {
  const others = check.outcomes.filter((o) => o.verdict !== check.verdict && o.share > 0);
  const share = (x: number): string => (x > 0 && x < 0.005 ? '<1%' : `${Math.round(x * 100)}%`);
  return `the same verdict in ${share(check.same)} of ${check.reruns.toLocaleString('en-US')} simulated reruns${
    others.length > 0 ? ` (else ${others.map((o) => `${o.verdict} ${share(o.share)}`).join(', ')})` : ''
  }`;
}

interface SearchShape {
  grid: RateGrid;
  start: number;
  maxSteps: number;
  trials: number;
}

/** One row's trials as the runner runs them: a cold search, then warm ones from the earlier trials' median. */
function simulateTrials(curve: PassCurve, shape: SearchShape, random: RandomSource): TrialRecord[] {
  const trials: TrialRecord[] = [];
  for (let trial = 1; trial <= shape.trials; trial++) {
    const earlier = trials.flatMap((t) => (t.pass ? [t.pass] : []));
    const warm = earlier.length > 0;
    const result = simulateSearch<SearchStep>({
      grid: shape.grid,
      start: warm ? lowerMedian(earlier) : shape.start,
      warm,
      confirm: !warm,
      maxSteps: shape.maxSteps,
      measure: (rate) => ({
        valid: true,
        invalidReasons: [],
        slo: { met: random() < passProbability(curve, rate), reasons: [] },
      }),
    });
    trials.push({ backend: '', workload: '', trial, pass: result.pass, fail: result.fail, steps: result.steps.length });
  }
  return trials;
}

/**
 * The report's rule on simulated figures: the highest median, tied with every figure the tie rule
 * cannot separate from it, or with the runner-up when the best is a row whose figure the run showed
 * to count the API's quiet moments and whose collections cost a step at a rate inside the runner-up's
 * interval (model.ts, recommend).
 */
function simulatedVerdict(
  figures: HeadlineFigure[],
  floor: number,
  optimistic: ReadonlyMap<string, MajorGcBound>,
): string {
  const ranked = [...figures].sort((a, b) => (b.median ?? -1) - (a.median ?? -1) || a.backend.localeCompare(b.backend));
  const best = ranked[0];
  if (!best || best.median === null) return 'none';
  const tied = ranked.slice(1).filter((f) => compareFigures(best, f, floor).verdict === 'tie');
  const quiet = optimistic.get(best.backend);
  const second = ranked[1];
  if (tied.length === 0 && quiet && second?.median && quietLeadTies(quiet, second.high)) tied.push(second);
  return verdictText({ backend: best.backend, tiedWith: tied.map((f) => f.backend) });
}
