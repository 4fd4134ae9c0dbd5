import { DEFAULT_GRID, sustainableThroughput, type RateGrid } from '../load/index.ts';
import type {
  DatasetRecord,
  RunResult,
  SkippedBackendRecord,
  StepResult,
  SustainableThroughput,
  TrialRecord,
} from '../results/index.ts';
import {
  compareFigures,
  headlineFigure,
  lowerMedian as median,
  rerunRange,
  type HeadlineFigure,
  type RerunRange,
} from '../stats/index.ts';
import type { RerunCheck } from './rerun.ts';

/** The backend drawn as the control row (the HTTP ceiling with no database): never recommended. */
export const CONTROL_BACKEND = 'memory';

/**
 * The noise floor of a run without a calibration (a single trial, or an old run): differences under
 * this fraction are never called real. Runs with an A/A calibration use its measured spread instead.
 */
export const TIE_FRACTION = 0.05;

/** A backend the run wanted but could not measure (run.json's `skippedBackends`, else inferred from the notes). */
export type SkippedBackend = SkippedBackendRecord;

/** run.json as the renderer reads it. */
export type ReportRun = RunResult;

/** One backend's row in a workload's summary table. */
export interface BackendRow {
  backend: string;
  /** What readers see: a stand-in is named as one (`MongoDB-wire stand-in (mongo-java-server)`). */
  displayName: string;
  isControl: boolean;
  /** A calibration row (the A/A twin, the control row with an extra cost): shown, never ranked against the others. */
  isCalibration: boolean;
  /** A server that speaks a database's protocol without being it: ranked, never recommended. */
  standIn: string | null;
  steps: StepResult[];
  /** The best trial's figures (for tables of one-trial runs and the before/after comparison). */
  sustainable: SustainableThroughput;
  /** The headline: median of the trials with its interval; null when nothing was measured. */
  figure: HeadlineFigure | null;
  /** Where a second run's median is expected (`rerunRange`: the interval widened to the noise floor); null without a figure. */
  rerun: RerunRange | null;
  /** p99 at the workload's common load; null when this backend has no step there. */
  p99AtCommonMs: number | null;
  /** Errors over the whole ladder (every measured step). */
  errors: { total: number; requests: number; rate: number; classes: string };
  invalidSteps: StepResult[];
  dataset: DatasetRecord | null;
  /** Why steps at the boundary missed the SLO (the most likely cause each recorded), most frequent first. */
  causes: string[];
  /** Set when p99 was already near the SLO well below the figure: the figure is decided by the latency tail. */
  tailBound: TailBound | null;
  /** Set when steps near the figure passed between the API's major collections and missed with one inside. */
  majorGcBound: MajorGcBound | null;
}

/** A figure whose steps near it passed when no major collection of the API fell inside them (see `majorGcBound`). */
export interface MajorGcBound {
  /** Valid steps near the figure without a major collection of the API inside, and how many met the SLO. */
  without: { steps: number; passed: number };
  /** The same with at least one inside. */
  with: { steps: number; passed: number };
  /** Measured seconds per major collection over the row's steps (how often the API collected). */
  periodS: number | null;
  /** Measured seconds of a step. */
  stepDurationS: number;
  /**
   * The lowest offered rate at which a step that held a major collection missed the SLO: below it the
   * collections were not seen to cost a step, so a runner-up whose interval lies below it is beaten
   * whatever the figure's quiet moments added.
   */
  collectedMiss: number | null;
}

/**
 * Whether a lead that counts the API's quiet moments is a tie with a runner-up whose interval ends at
 * `runnerUpHigh`: when the collections cost a step at a rate not above that interval. One rule for the
 * report's verdict and the rerun check's simulated ones.
 */
export function quietLeadTies(bound: MajorGcBound, runnerUpHigh: number): boolean {
  return (bound.collectedMiss ?? 0) <= runnerUpHigh;
}

/** A figure decided by where a latency tail falls against the SLO, not by saturation (see `tailBound`). */
export interface TailBound {
  /** The lowest offered rate that met the SLO, at most the median figure / √2 (two grid steps below it). */
  rps: number;
  /** p99 there (median over the trials' steps at that rate), and its share of the SLO's p99. */
  p99Ms: number;
  share: number;
  /** The request type with the highest median latency at that rate, e.g. a write that waits for a commit log. */
  slowest?: { template: string; p50Ms: number };
}

/** Share of the SLO's p99 at which a p99 well below the figure counts as "near the SLO". */
export const TAIL_BOUND_SHARE = 0.8;

/**
 * Whether a rate figure is set by its latency tail: p99 at the lowest passing rate, at most the
 * median figure / √2, was already at least TAIL_BOUND_SHARE of the SLO's p99. Such a backend passes or
 * misses steps over a wide range of rates on small shifts of that tail, so its figure moves a lot from
 * run to run (Cassandra's LWT writes on overview, waiting for several commit-log group syncs, were
 * the case that showed it). Null when no passing step lies that low, or for concurrency steps.
 */
export function tailBound(steps: StepResult[], figureRps: number | null, sloP99Ms: number): TailBound | null {
  if (figureRps === null || figureRps <= 0) return null;
  const low = steps.filter((s) => s.kind === 'rate' && s.valid && s.slo.met && s.target <= figureRps / Math.SQRT2);
  if (low.length === 0) return null;
  const rps = Math.min(...low.map((s) => s.target));
  const at = low.filter((s) => s.target === rps);
  const p99Ms = median(at.map((s) => s.latencyMs.p99));
  const share = p99Ms / sloP99Ms;
  if (share < TAIL_BOUND_SHARE) return null;
  const templates = Object.entries(at[0]!.byTemplate ?? {}).sort((a, b) => b[1].p50 - a[1].p50);
  const [slowest] = templates;
  return {
    rps,
    p99Ms: Math.round(p99Ms * 10) / 10,
    share: Math.round(share * 100) / 100,
    ...(slowest &&
      templates.length > 1 && { slowest: { template: slowest[0], p50Ms: Math.round(slowest[1].p50 * 10) / 10 } }),
  };
}

/**
 * Whether a figure counts the moments between the API's major collections. A V8 major collection's
 * marking runs on helper threads; on a core shared with the database that stalls the API for 100-500
 * ms (measured: every latency spike of a 40 s Cassandra catalog step at 900 RPS fell on one, every
 * 7.3 s), and a step shorter than that period may or may not hold one. When the steps near the figure
 * (from one grid step below the median to the highest fail) passed at least half more often without
 * a major collection inside than with one (two steps of each at least), the figure is set by which
 * steps fell between collections and overstates what the backend sustains for longer. Null for steps
 * recorded without the count, or when the collections made no such difference.
 */
export function majorGcBound(steps: StepResult[], figure: HeadlineFigure | null): MajorGcBound | null {
  if (!figure || figure.median === null) return null;
  const counted = steps.filter((s) => s.kind === 'rate' && s.valid && s.pauses?.api?.majorGcCount !== undefined);
  const majors = (s: StepResult) => s.pauses!.api!.majorGcCount!;
  const near = counted.filter((s) => s.target >= figure.median! / 1.2 && s.target <= figure.high);
  const split = (inside: boolean) => {
    const group = near.filter((s) => majors(s) > 0 === inside);
    return { steps: group.length, passed: group.filter((s) => s.slo.met).length };
  };
  const without = split(false);
  const withGc = split(true);
  if (without.steps < 2 || withGc.steps < 2) return null;
  if (without.passed / without.steps - withGc.passed / withGc.steps < 0.5) return null;
  const total = counted.reduce((n, s) => n + majors(s), 0);
  const seconds = counted.reduce((n, s) => n + s.durationS, 0);
  const collectedMisses = counted.filter((s) => majors(s) > 0 && !s.slo.met).map((s) => s.target);
  return {
    without,
    with: withGc,
    periodS: total > 0 ? Math.round((seconds / total) * 10) / 10 : null,
    stepDurationS: median(counted.map((s) => s.durationS)),
    collectedMiss: collectedMisses.length > 0 ? Math.min(...collectedMisses) : null,
  };
}

/**
 * The verdict in a few words: `postgres`, `tie (cassandra, postgres)` or `none` (a tie recommends none
 * of them). The tied backends are listed in alphabetical order, so the same verdict reads the same in
 * every run.
 */
export function verdictText(recommendation: Pick<Recommendation, 'backend' | 'tiedWith'>): string {
  const { backend, tiedWith } = recommendation;
  return backend && tiedWith.length > 0 ? `tie (${[backend, ...tiedWith].sort().join(', ')})` : (backend ?? 'none');
}

/** The recommendation for one workload, with its one-sentence reason. */
export interface Recommendation {
  /** The backend recommended; null when no database backend met the SLO, or the best ones are tied. */
  backend: string | null;
  /** Backends the statistics cannot separate from the recommended one (a tie: `backend` is the first of them). */
  tiedWith: string[];
  reason: string;
}

/** Everything the report says about one workload. */
export interface WorkloadReport {
  workload: string;
  kind: StepResult['kind'];
  /** Offered RPS or connections where every backend has a step (p99 column); null when none is shared. */
  commonTarget: number | null;
  rows: BackendRow[];
  /** Eligible backends ranked by median (best first), then stand-ins, the twin and the control row. */
  ranking: BackendRow[];
  recommendation: Recommendation;
  /** The difference a ranking must exceed, and where it comes from. */
  noiseFloor: { fraction: number; source: string };
  /** How often simulated reruns of this run gave the same verdict (report.ts adds it; see rerun.ts). */
  rerun?: RerunCheck;
}

/** Groups the run by workload and ranks each workload's backends. */
export function buildWorkloadReports(run: ReportRun): WorkloadReport[] {
  const workloads = unique([...run.scenario.workloads, ...run.steps.map((s) => s.workload)]).filter((w) =>
    run.steps.some((s) => s.workload === w),
  );
  return workloads.map((workload) => buildWorkload(run, workload));
}

/** The noise floor of a run: from its A/A pair when calibrated (stats' noiseFloorOf), else TIE_FRACTION. */
export function noiseFloor(run: ReportRun): { fraction: number; source: string } {
  const c = run.calibration;
  if (!c) return { fraction: TIE_FRACTION, source: 'no A/A calibration in this run: a fixed 5%' };
  const pct = (f: number) => `${Math.round(f * 100)}%`;
  return {
    fraction: c.noiseFloor,
    source:
      c.medianDifference !== undefined && c.resolution !== undefined
        ? `the medians of ${c.labels[0]} and its twin on ${c.workload} in this run lay ${pct(c.medianDifference)} apart; the floor is that, at least one step of the search grid (${pct(c.resolution)})`
        : `the A/A spread of ${c.labels[0]} against its twin on ${c.workload} in this run`,
  };
}

/** Trial records of a run; a run written before trials existed gets one per summary (its ladder). */
export function trialRecords(run: ReportRun): TrialRecord[] {
  if (run.trials && run.trials.length > 0) return run.trials;
  return run.summary.map((s) =>
    ladderTrial(
      s,
      run.steps.filter((st) => st.backend === s.backend && st.workload === s.workload),
    ),
  );
}

/** A ladder as one trial: its best passing step, and the lowest step above it that missed or was invalid. */
function ladderTrial(s: SustainableThroughput, steps: StepResult[]): TrialRecord {
  const above = steps.filter((st) => !(st.valid && st.slo.met) && (s.atTarget === null || st.target > s.atTarget));
  return {
    backend: s.backend,
    workload: s.workload,
    trial: s.trial ?? 1,
    pass: s.atTarget,
    fail: above.length > 0 ? Math.min(...above.map((st) => st.target)) : null,
    steps: steps.length,
  };
}

/** `mongo` on a server that is not MongoDB becomes `MongoDB-wire stand-in (mongo-java-server)`; other labels stay. */
export function displayName(run: ReportRun, backend: string): string {
  const standIn = standInOf(run, backend);
  return standIn ? backend.replace(/^\S+/, `MongoDB-wire stand-in (${standIn})`) : backend;
}

/** The stand-in server behind a backend label, or null when the backend runs on the real thing. */
export function standInOf(run: ReportRun, backend: string): string | null {
  if (!/^mongo\b/.test(backend)) return null;
  const version = run.environment.serverVersions.mongo;
  if (version === undefined || /^MongoDB \d/.test(version)) return null;
  return /^mongo-java-server/.test(version) ? 'mongo-java-server' : (version.split(/[ (]/)[0] ?? version);
}

const CALIBRATION = / \((A\/A twin|\+cost)\)$/;

/** The rate grid a run searched on: the default grid with the run's resolution (runs before it had none). */
export function gridOf(scenario: ReportRun['scenario']): RateGrid {
  return { ...DEFAULT_GRID, ratio: 1 + (scenario.resolution ?? DEFAULT_GRID.ratio - 1) };
}

function buildWorkload(run: ReportRun, workload: string): WorkloadReport {
  const steps = run.steps.filter((s) => s.workload === workload);
  const kind = steps[0]?.kind ?? run.scenario.stepKind;
  const backends = orderBackends(unique(steps.map((s) => s.backend)));
  const byBackend = new Map(backends.map((b) => [b, steps.filter((s) => s.backend === b)]));
  const commonTarget = pickCommonTarget([...byBackend.values()]);
  const trials = trialRecords(run);
  const floor = noiseFloor(run);
  const grid = gridOf(run.scenario);
  const rows = backends.map((backend): BackendRow => {
    const own = byBackend.get(backend) ?? [];
    const summaries = run.summary.filter((s) => s.backend === backend && s.workload === workload);
    const sustainable =
      summaries.reduce<SustainableThroughput | null>(
        (a, s) => (a === null || (s.maxSustainableRps ?? -1) > (a.maxSustainableRps ?? -1) ? s : a),
        null,
      ) ?? sustainableThroughput(backend, workload, kind, own);
    const atCommon = commonTarget === null ? [] : own.filter((s) => s.target === commonTarget);
    const figure =
      headlineFigure(trials, backend, workload) ?? headlineFigure([ladderTrial(sustainable, own)], backend, workload);
    return {
      backend,
      displayName: displayName(run, backend),
      isControl: backend === CONTROL_BACKEND || backend.startsWith(`${CONTROL_BACKEND} `),
      isCalibration: CALIBRATION.test(backend),
      standIn: standInOf(run, backend),
      steps: own,
      sustainable,
      figure,
      rerun: figure ? rerunRange(figure, floor.fraction, grid) : null,
      p99AtCommonMs: atCommon.length > 0 ? median(atCommon.map((s) => s.latencyMs.p99)) : null,
      errors: ladderErrors(own),
      invalidSteps: own.filter((s) => !s.valid),
      dataset: run.datasets.find((d) => d.backend === backend && d.workload === workload) ?? null,
      causes: boundaryCauses(
        own,
        trials.filter((t) => t.backend === backend && t.workload === workload),
      ),
      tailBound: tailBound(own, figure?.median ?? null, run.scenario.slo.p99Ms),
      majorGcBound: majorGcBound(own, figure),
    };
  });
  // Equal medians: the lower p99 at the common load first.
  const byMedian = (a: BackendRow, b: BackendRow) =>
    (b.figure?.median ?? -1) - (a.figure?.median ?? -1) ||
    (a.p99AtCommonMs ?? Infinity) - (b.p99AtCommonMs ?? Infinity) ||
    a.backend.localeCompare(b.backend);
  const eligible = rows.filter((r) => !r.isControl && !r.isCalibration && !r.standIn).sort(byMedian);
  const others = rows.filter((r) => !eligible.includes(r)).sort((a, b) => rank(a) - rank(b) || byMedian(a, b));
  const control = rows.find((r) => r.isControl && !r.isCalibration) ?? null;
  return {
    workload,
    kind,
    commonTarget,
    rows,
    ranking: [...eligible, ...others],
    recommendation: recommend(
      eligible,
      rows.filter((r) => r.standIn && !r.isCalibration),
      control,
      kind,
      run.scenario.slo.p99Ms,
      floor.fraction,
    ),
    noiseFloor: floor,
  };
}

/** Order of the rows that are never recommended: stand-ins, then the twin, then the control row. */
function rank(row: BackendRow): number {
  return row.standIn ? 0 : row.isCalibration ? 1 : 2;
}

/** The causes recorded at each trial's failing rate, most frequent first (`cause ×n`). */
function boundaryCauses(steps: StepResult[], trials: TrialRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const t of trials) {
    if (t.fail === null) continue;
    for (const s of steps.filter((st) => st.trial === t.trial || st.trial === undefined)) {
      if (s.target === t.fail && s.cause) counts.set(s.cause, (counts.get(s.cause) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([cause, n]) => (n > 1 ? `${cause} (×${n})` : cause));
}

/** A figure as a reader sees it: `2,000 RPS [1,682–2,828] (3 trials)`. */
export function formatFigure(figure: HeadlineFigure | null, kind: StepResult['kind']): string {
  if (!figure || figure.median === null) return 'no rate met the SLO';
  const unit = kind === 'rate' ? ' RPS' : ' conn';
  const n = figure.values.length;
  const interval = `[${formatRps(figure.low)}–${formatRps(figure.high)}${figure.openEnded ? '+' : ''}]`;
  return `${formatRps(figure.median)}${unit} ${interval}${n > 1 ? ` (median of ${n} trials)` : ''}`;
}

function recommend(
  ranked: BackendRow[],
  standIns: BackendRow[],
  control: BackendRow | null,
  kind: StepResult['kind'],
  sloP99Ms: number,
  floor: number,
): Recommendation {
  const best = ranked[0];
  const standInNote = (): string => {
    const ahead = standIns.filter((r) => (r.figure?.median ?? 0) > (best?.figure?.median ?? 0));
    return ahead.length === 0
      ? ''
      : ` ${ahead.map((r) => r.displayName).join(', ')} measured higher, but a stand-in is not the database it imitates and is never recommended: measure the real server (docker compose) before choosing it.`;
  };
  if (!best) {
    return {
      backend: null,
      tiedWith: [],
      reason: `No recommendation: no database backend was measured for this workload, so there is nothing to rank.${standInNote()}`,
    };
  }
  if (!best.figure || best.figure.median === null) {
    const tried = ranked
      .map((r) => r.backend)
      .sort()
      .join(', ');
    return {
      backend: null,
      tiedWith: [],
      reason: `No recommendation: ${tried} did not meet the SLO (p99 ≤ ${sloP99Ms} ms) at any valid step, so the run cannot rank them; lower the first step or fix the invalid steps.${standInNote()}`,
    };
  }
  const tiedWith = ranked
    .slice(1)
    .filter((r) => r.figure && compareFigures(best.figure!, r.figure, floor).verdict === 'tie')
    .map((r) => r.backend);
  const runnerUp = ranked.find((r) => r !== best && !tiedWith.includes(r.backend));
  let reason: string;
  const quiet = best.majorGcBound;
  const quietText = quiet
    ? `${best.backend}'s figure counts the moments between the API's major garbage collections (near it, steps without one inside passed ${quiet.without.passed} of ${quiet.without.steps}, steps with one ${quiet.with.passed} of ${quiet.with.steps}; the first rate at which a step that held one missed was ${formatRps(quiet.collectedMiss ?? 0)} RPS)`
    : '';
  if (tiedWith.length === 0 && quiet && runnerUp?.figure && quietLeadTies(quiet, runnerUp.figure.high)) {
    // The collections cost steps at rates the runner-up reaches: the lead may rest on the quiet moments.
    tiedWith.push(runnerUp.backend);
    reason = `Tie: ${best.backend} ${formatFigure(best.figure, kind)} lies above ${runnerUp.backend}'s ${formatFigure(runnerUp.figure, kind)}, but ${quietText}, not above ${runnerUp.backend}'s interval (its highest fail ${formatRps(runnerUp.figure.high)} RPS): the lead may rest on the quiet moments, so it is not a recommendation; measure with steps longer than the API's collection period (--duration, --full) to decide.`;
  } else if (tiedWith.length > 0) {
    const tied = [best, ...ranked.filter((r) => tiedWith.includes(r.backend))];
    const first = compareFigures(best.figure, tied[1]!.figure!, floor);
    reason = `Tie: ${tied.map((r) => `${r.backend} ${formatFigure(r.figure, kind)}`).join(', ')}. The statistics cannot separate them (${first.reason}); weigh latency at a common load, seeding time and size on disk, or run more trials.`;
  } else if (runnerUp?.figure) {
    const verdict = compareFigures(best.figure, runnerUp.figure, floor);
    reason = `${best.backend} sustained ${formatFigure(best.figure, kind)}, against ${runnerUp.backend}'s ${formatFigure(runnerUp.figure, kind)}: ${verdict.reason}.`;
  } else {
    reason = `${best.backend} is the only database backend measured; it sustained ${formatFigure(best.figure, kind)} under the SLO.`;
  }
  const caveats: string[] = [];
  if (quiet && tiedWith.length === 0 && runnerUp?.figure)
    caveats.push(
      `${quietText}, still above ${runnerUp.backend}'s interval, so the lead stands though the figure is optimistic`,
    );
  if (best.figure.openEnded)
    caveats.push(`${best.backend} never reached a rate it failed, so its ceiling may be higher`);
  const controlMedian = control?.figure?.median ?? null;
  if (controlMedian !== null && best.figure.median > 1.1 * controlMedian)
    caveats.push(
      `it sustained more than the memory control row (${formatRps(controlMedian)}), which a database behind the same HTTP layer cannot really do: treat this run's ranking with care and repeat it`,
    );
  else if (controlMedian !== null && best.figure.median >= 0.9 * controlMedian)
    caveats.push(
      `it reached ${Math.round((best.figure.median / controlMedian) * 100)}% of the memory control row, so the HTTP layer, not the database, is the limit here`,
    );
  if (caveats.length > 0) reason = `${reason.replace(/\.$/, '')} (${caveats.join('; ')}).`;
  return { backend: best.backend, tiedWith, reason: reason + standInNote() };
}

/**
 * The load at which p99 is compared: the highest target every backend ran where all of them were valid and
 * met the SLO (a like-for-like latency figure); else the lowest shared target.
 */
function pickCommonTarget(ladders: StepResult[][]): number | null {
  if (ladders.length === 0) return null;
  const shared = (ladders[0] ?? [])
    .map((s) => s.target)
    .filter((t) => ladders.every((l) => l.some((s) => s.target === t)))
    .sort((a, b) => a - b);
  if (shared.length === 0) return null;
  const healthy = shared.filter((t) => ladders.every((l) => l.some((s) => s.target === t && s.valid && s.slo.met)));
  return healthy.length > 0 ? (healthy[healthy.length - 1] ?? null) : (shared[0] ?? null);
}

function ladderErrors(steps: StepResult[]): BackendRow['errors'] {
  const total = steps.reduce((n, s) => n + s.errors.total, 0);
  const requests = steps.reduce((n, s) => n + (s.kind === 'rate' ? s.requests.scheduled : s.requests.sent), 0);
  const counts = new Map<string, number>();
  const add = (name: string, n: number): void => {
    if (n > 0) counts.set(name, (counts.get(name) ?? 0) + n);
  };
  for (const s of steps) {
    for (const [code, n] of Object.entries(s.errors.byStatus)) add(`HTTP ${code}`, n);
    add('timeout', s.errors.timeouts);
    add('socket', s.errors.socket);
    add('body mismatch', s.errors.bodyMismatch);
    add('not sent', s.errors.notSent);
  }
  const classes = [...counts.entries()].map(([name, n]) => `${name} ×${formatCount(n)}`).join(', ');
  return { total, requests, rate: requests > 0 ? total / requests : 0, classes };
}

/**
 * Backends the scenario asked for that have no step, with the reason: the run's own `skippedBackends`
 * when present, else the first note naming the backend.
 */
export function skippedBackends(run: ReportRun): SkippedBackend[] {
  const measured = new Set(run.steps.map((s) => s.backend));
  // A backend measured in layouts has labels such as `postgres loopback` or `postgres x4 least_conn`.
  const wasMeasured = (b: string) => measured.has(b) || [...measured].some((label) => label.startsWith(`${b} `));
  const listed = run.skippedBackends ?? [];
  const inferred = run.scenario.backends
    .filter((b) => !wasMeasured(b) && !listed.some((s) => s.backend === b))
    .map((backend) => ({
      backend,
      reason: run.notes.find((n) => new RegExp(`\\b${escapeRegExp(backend)}\\b`, 'i').test(n)) ?? 'no reason recorded',
    }));
  return [...listed, ...inferred];
}

/** Control row last, others in a stable order so colours and tables line up across runs. */
export function orderBackends(backends: string[]): string[] {
  const control = (b: string) => b === CONTROL_BACKEND || b.startsWith(`${CONTROL_BACKEND} `);
  return [...backends].sort((a, b) => Number(control(a)) - Number(control(b)) || a.localeCompare(b));
}

/** The items in first-seen order, each once. */
export function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** "2,000 RPS" for rate ladders, "64 connections" for concurrency ladders. */
export function formatTarget(target: number, kind: StepResult['kind']): string {
  return kind === 'rate' ? `${formatRps(target)} RPS offered` : `${formatCount(target)} connections`;
}

export function formatRps(rps: number): string {
  return rps >= 100 ? formatCount(Math.round(rps)) : String(Math.round(rps * 10) / 10);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatMs(ms: number): string {
  if (ms >= 100) return `${formatCount(Math.round(ms))} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  if (pct === 0) return '0%';
  if (pct < 0.01) return '<0.01%';
  return `${pct < 1 ? pct.toFixed(2) : pct.toFixed(1)}%`;
}

/** One line describing the machine, for captions: "AMD EPYC 7B13, 2 cores, 24 GiB, Debian GNU/Linux 12, Node v20.20.0". */
export function describeMachine(run: RunResult): string {
  const e = run.environment;
  const os = e.os.distro ?? `${e.os.platform} ${e.os.release}`;
  return `${e.cpuModel}, ${e.cores} cores, ${formatBytes(e.memoryTotalBytes)} RAM, ${os}, Node ${e.node}`;
}

/** One line describing a workload's dataset: scale and fingerprint (from the first backend seeded with it). */
export function describeDataset(run: RunResult, workload: string): string {
  const records = run.datasets.filter((d) => d.workload === workload);
  const first = records[0];
  if (!first) return `${workload}: dataset not recorded`;
  const scale = Object.entries(first.scale)
    .map(([k, v]) => `${formatCount(v)} ${k}`)
    .join(', ');
  const fingerprints = new Set(records.map((d) => d.fingerprint));
  const fp =
    fingerprints.size === 1 ? `fingerprint ${first.fingerprint.slice(0, 12)}` : 'DIFFERENT fingerprints per backend';
  return `${workload}: ${scale || 'scale not recorded'} (${fp})`;
}
