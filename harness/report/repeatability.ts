import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { seededRandom } from '../../core/workloads/load-mix.ts';
import { DEFAULT_GRID } from '../load/index.ts';
import { headlineFigure, mean, type HeadlineFigure } from '../stats/index.ts';
import type { TrialRecord } from '../results/index.ts';
import { likeForLike } from './comparison.ts';
import { controlCost, correlation, predictedMove } from './control-cost.ts';
import { html, markdown, type Block, type Inline } from './document.ts';
import {
  buildWorkloadReports,
  CONTROL_BACKEND,
  formatPercent,
  formatRps,
  trialRecords,
  unique,
  verdictText,
  type ReportRun,
} from './model.ts';
import { addRerunChecks } from './rerun.ts';
import { readRun } from './run-report.ts';
import { roundTo } from '../stats/round.ts';

/**
 * Whether a comparison survives being run again: several runs of the same command, read side by side.
 * A run's intervals come from its own trials, and a trial cannot see what moves a whole run (the
 * machine's speed that hour, a data layout, a database process's JIT): only another run can. This
 * reads N runs and says, per workload, whether the verdict came out the same every time; per figure,
 * which runs' medians fall outside another run's interval; and per row, whether whole runs moved the
 * figure further than its trials vary within a run (a permutation test).
 */

/** How often the trials are reassigned to runs at random in the permutation test. */
export const PERMUTATIONS = 10_000;

export const BETWEEN_RUNS_METHOD =
  "a permutation test per row: every trial's figure (its pass; a trial keeps its fail with it) as grid steps (log rate / log(1 + resolution)); the statistic is the spread of the run means (their sum of squares about the row's mean, weighted by trials); the trials are reassigned to runs at random, keeping each run's number of trials, and p is the share of reassignments whose run means spread at least as far as measured (seeded, so the same runs give the same p). It treats a row's trials as exchangeable: a first trial searches cold, the later ones warm";

/** One (workload, backend) across the runs. */
export interface RepeatRow {
  workload: string;
  backend: string;
  displayName: string;
  /** Per run, in the order given; null when the run has no such row. */
  figures: (HeadlineFigure | null)[];
  /** Pairs where run `run`'s median lies outside run `other`'s interval, and by how many grid steps (negative: below). */
  outside: { run: number; other: number; steps: number }[];
  /** The same against the other run's rerun range (`rerunRange`: the interval widened to that run's noise floor). */
  outsideRerun: { run: number; other: number; steps: number }[];
  /** Ordered pairs of runs that both have this row. */
  pairs: number;
  /** Per run, the mean of its trials in grid steps; null when it has no trial that met the SLO. */
  runMeans: (number | null)[];
  /** Pooled standard deviation of the trials within runs, in grid steps; null without two trials in a run. */
  withinSd: number | null;
  /** The permutation test's p; null when fewer than two runs have trials. */
  p: number | null;
  /** Mean pairs outside when the row's trials are reassigned to runs at random; null when not tested. */
  expectedOutside: number | null;
}

export interface RepeatWorkload {
  workload: string;
  /** Per run, the verdict (verdictText); null when the run did not measure the workload. */
  verdicts: (string | null)[];
  /** Per run, the share of its simulated reruns that gave its verdict; null without a rerun check. */
  rerunSame: (number | null)[];
  /** Every run that measured the workload gave the same verdict. */
  same: boolean;
}

export interface RepeatRun {
  runId: string;
  runDir: string;
  startedAt: string;
  minutes: number;
  steps: number;
  /** The speed probe's medians on the system under test's CPU, ms, in order: start, before each later trial, end. */
  speedMs: number[];
  /** The memory control row's API CPU per answered request (ms, median over its valid steps); null without one. */
  controlMs: number | null;
  /** The move from run 1 that the control row's CPU per request predicts (grid steps; + = faster); null without it. */
  predictedMove: number | null;
  /** The database rows' mean move from run 1 (grid steps; the control row and its twin left out); null without rows. */
  databaseMove: number | null;
  noiseFloor: number | null;
}

export interface RepeatabilityAnalysis {
  runs: RepeatRun[];
  /** Differences that make the runs not repeats of one command (machine, dataset, method settings). */
  warnings: string[];
  workloads: RepeatWorkload[];
  rows: RepeatRow[];
  /** (median, other run's interval) pairs outside, of all pairs. */
  outside: number;
  /** (median, other run's rerun range) pairs outside. */
  outsideRerun: number;
  pairs: number;
  /** The permutation test over all rows at once (the sum of the rows' statistics); null when no row qualifies. */
  pooledP: number | null;
  /**
   * Pairs outside on average when every row's trials are reassigned to runs at random (what three-trial
   * intervals give when whole runs move nothing), and the share of reassignments with at least as many
   * outside as measured; null when no row qualifies.
   */
  expectedOutside: number | null;
  atLeastOutside: number | null;
  resolution: number;
  permutations: number;
  /**
   * Over runs 2..N, Pearson's r between the move the control row's CPU per request predicts and the database
   * rows' mean move; null with fewer than three such runs (four runs in all) or no spread.
   */
  speedCorrelation: number | null;
  /**
   * The database rows (the control row and its twin left out: their limit is the API's p99, not the machine's
   * CPU) with each run's figures moved back by the move its control row predicts, rounded to whole grid steps
   * so medians stay on the grid: pairs outside as measured and after, of all their pairs. An analysis beside
   * the measured count, not a correction of any figure. Null when a run has no control-row reading.
   */
  speedAdjusted: { measured: number; adjusted: number; pairs: number } | null;
}

/** Reads the runs and compares them: verdicts, figures against each other's intervals, between-run spread. */
export function analyseRepeatability(
  runs: readonly { run: ReportRun; runDir: string }[],
  options: { permutations?: number; seed?: number } = {},
): RepeatabilityAnalysis {
  if (runs.length < 2) throw new Error('a repeatability report needs at least two runs');
  const first = runs[0]!.run;
  const resolution = first.scenario.resolution ?? DEFAULT_GRID.ratio - 1;
  const stepOf = (rate: number): number => Math.log(rate) / Math.log(1 + resolution);
  const reports = runs.map(({ run }) => addRerunChecks(run, buildWorkloadReports(run)));

  const workloadNames = unique(reports.flatMap((r) => r.map((w) => w.workload)));
  const workloads = workloadNames.map((workload): RepeatWorkload => {
    const own = reports.map((r) => r.find((w) => w.workload === workload));
    const verdicts = own.map((w) => (w ? verdictText(w.recommendation) : null));
    const measured = verdicts.filter((v): v is string => v !== null);
    return {
      workload,
      verdicts,
      rerunSame: own.map((w) => w?.rerun?.same ?? null),
      same: measured.every((v) => v === measured[0]),
    };
  });

  const rowKeys = unique(
    reports.flatMap((r) => r.flatMap((w) => w.rows.map((row) => `${w.workload}\u0000${row.backend}`))),
  );
  const trialsOf = runs.map(({ run }) => trialRecords(run));
  const rows = rowKeys.map((key): RepeatRow => {
    const [workload, backend] = key.split('\u0000') as [string, string];
    const found = reports.map((r) =>
      r.find((w) => w.workload === workload)?.rows.find((row) => row.backend === backend),
    );
    const figures = found.map((row) => row?.figure ?? null);
    const groups = figures.map((f) => (f ? passSteps(f.values, stepOf) : []));
    const measured = figures.filter((f) => f !== null).length;
    return {
      workload,
      backend,
      displayName: found.find((row) => row)?.displayName ?? backend,
      figures,
      outside: outsidePairs(figures, stepOf),
      outsideRerun: outsidePairs(
        figures.map((f, i) => f && { ...f, ...found[i]!.rerun }),
        stepOf,
      ),
      pairs: measured * (measured - 1),
      runMeans: groups.map((g) => (g.length > 0 ? mean(g) : null)),
      withinSd: pooledSd(groups),
      p: null,
      expectedOutside: null,
    };
  });

  const permutations = options.permutations ?? PERMUTATIONS;
  const pooled = permutationTest(
    rows.map((row) =>
      trialsOf.map((trials, i) =>
        row.figures[i] === null ? [] : trials.filter((t) => t.backend === row.backend && t.workload === row.workload),
      ),
    ),
    { permutations, random: seededRandom(options.seed ?? 1), stepOf, rows },
  );

  const warnings: string[] = [];
  runs.slice(1).forEach(({ run }, k) => {
    for (const w of [...likeForLike(first, run), ...methodDifferences(first, run)])
      warnings.push(`run ${k + 2} against run 1: ${w}`);
  });

  const costs = runs.map(({ run }) => controlCost(run));
  const databaseRows = rows.filter(
    (r) => r.backend !== CONTROL_BACKEND && !r.backend.startsWith(`${CONTROL_BACKEND} `),
  );
  const repeatRuns = runs.map(({ run, runDir }, i): RepeatRun => ({
    runId: run.runId,
    runDir,
    startedAt: run.startedAt,
    minutes: Math.round((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 6000) / 10,
    steps: run.steps.length,
    speedMs: (run.machineSpeed?.readings ?? []).flatMap((r) => (r.cpus[0] ? [r.cpus[0].medianMs] : [])),
    controlMs: costs[i]?.msPerRequest ?? null,
    predictedMove: costs[0] && costs[i] ? roundTo(predictedMove(costs[0], costs[i], resolution), 2) : null,
    databaseMove: meanMove(databaseRows, i),
    noiseFloor: run.calibration?.noiseFloor ?? null,
  }));
  const moves = repeatRuns.map((r, i) => (i === 0 ? 0 : r.predictedMove));
  const countOutside = (shift: (i: number) => number): number =>
    databaseRows.reduce(
      (n, row) =>
        n +
        outsidePairs(
          row.figures.map((f, i) => f && shiftedFigure(f, shift(i), resolution)),
          stepOf,
        ).length,
      0,
    );
  const speedAdjusted = moves.every((m): m is number => m !== null)
    ? {
        measured: countOutside(() => 0),
        adjusted: countOutside((i) => -Math.round(moves[i]!)),
        pairs: databaseRows.reduce((n, r) => n + r.pairs, 0),
      }
    : null;
  const paired = repeatRuns.slice(1).filter((r) => r.predictedMove !== null && r.databaseMove !== null);
  const speedCorrelation = correlation(
    paired.map((r) => r.predictedMove!),
    paired.map((r) => r.databaseMove!),
  );

  return {
    runs: repeatRuns,
    warnings,
    workloads,
    rows,
    outside: rows.reduce((n, r) => n + r.outside.length, 0),
    outsideRerun: rows.reduce((n, r) => n + r.outsideRerun.length, 0),
    pairs: rows.reduce((n, r) => n + r.pairs, 0),
    pooledP: pooled?.p ?? null,
    expectedOutside: pooled?.expectedOutside ?? null,
    atLeastOutside: pooled?.atLeastOutside ?? null,
    resolution,
    permutations,
    speedCorrelation: speedCorrelation === null ? null : roundTo(speedCorrelation, 2),
    speedAdjusted,
  };
}

/** A figure with its median and interval moved by `steps` grid steps (+ = up); unchanged for 0. */
function shiftedFigure(f: HeadlineFigure, steps: number, resolution: number): HeadlineFigure {
  if (steps === 0) return f;
  const factor = (1 + resolution) ** steps;
  return { ...f, median: f.median === null ? null : f.median * factor, low: f.low * factor, high: f.high * factor };
}

/** The scenario settings that decide how a figure is measured, as the flags that set them. */
const METHOD_SETTINGS: [keyof ReportRun['scenario'], string][] = [
  ['method', '--method'],
  ['trials', '--trials'],
  ['resolution', '--resolution'],
  ['searchStartRps', '--search-start'],
  ['stepDurationS', '--duration'],
  ['warmupS', '--warmup'],
  ['targetWarmupS', '--target-warmup'],
  ['apiPerTrial', '--api-per-trial'],
  ['databasePerTrial', '--database-per-trial'],
  ['pageCache', '--page-cache'],
  ['jitWarmupMaxS', '--jit-warmup'],
  ['phaseShiftMaxS', '--phase-shift'],
  ['endMissedStepsAfterS', '--end-missed'],
  ['requestSeed', '--request-seed'],
];

/** Measuring settings in which run b differs from run a (`--phase-shift 0 (run 1: 14)`). */
export function methodDifferences(a: ReportRun, b: ReportRun): string[] {
  const out: string[] = [];
  for (const [field, flag] of METHOD_SETTINGS) {
    const [va, vb] = [a.scenario[field], b.scenario[field]];
    if (JSON.stringify(va) !== JSON.stringify(vb)) out.push(`${flag} ${show(vb)} (run 1: ${show(va)})`);
  }
  const list = (run: ReportRun) => [...run.scenario.backends].sort().join(', ');
  if (list(a) !== list(b)) out.push(`backends ${list(b)} (run 1: ${list(a)})`);
  return out;
}

function show(value: unknown): string {
  return value === undefined ? 'not recorded' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** The trials' passing rates in grid steps (a trial with no passing rate has none). */
function passSteps(values: readonly (number | null)[], stepOf: (rate: number) => number): number[] {
  return values.filter((v): v is number => v !== null && v > 0).map(stepOf);
}

/** How far apart two figures may lie and still be one grid rate (grid rates are rounded to whole RPS). */
const GRID_ROUNDING = 0.005;

/** Ordered pairs of runs (i, j) where run i's median lies outside run j's interval, with the distance in grid steps. */
function outsidePairs(
  figures: readonly (HeadlineFigure | null)[],
  stepOf: (rate: number) => number,
): RepeatRow['outside'] {
  const outside: RepeatRow['outside'] = [];
  figures.forEach((a, i) =>
    figures.forEach((b, j) => {
      if (i === j || a === null || b === null) return;
      const m = a.median ?? 0;
      // Grid rates are whole RPS: a figure moved by whole grid steps lands within rounding (0.5%) of a grid rate.
      if (m >= b.low * (1 - GRID_ROUNDING) && m <= b.high * (1 + GRID_ROUNDING)) return;
      const bound = m < b.low ? b.low : b.high;
      const steps =
        m > 0 && bound > 0 ? Math.round((stepOf(m) - stepOf(bound)) * 10) / 10 : m < b.low ? -Infinity : Infinity;
      outside.push({ run: i, other: j, steps });
    }),
  );
  return outside;
}

/**
 * What the runs would look like if whole runs moved nothing: a row's trials (each with its pass and
 * fail) reassigned to the runs at random, each run keeping its number of trials, `permutations` times.
 * Per row: p, the share of reassignments whose run means (grid steps) spread at least as far as
 * measured, and the mean number of (median, other interval) pairs outside. Pooled: p of the sum of the
 * rows' statistics (each row reassigned independently), the mean total of pairs outside, and the share
 * of reassignments with at least as many pairs outside as measured. Null when no row has trials in two runs.
 */
function permutationTest(
  trialsPerRow: TrialRecord[][][],
  options: { permutations: number; random: () => number; stepOf: (rate: number) => number; rows: RepeatRow[] },
): { p: number; expectedOutside: number; atLeastOutside: number } | null {
  const { permutations, random, stepOf, rows } = options;
  const tested = trialsPerRow
    .map((runs, index) => ({ index, runs: runs.filter((g) => g.length > 0) }))
    .filter((r) => r.runs.length >= 2);
  if (tested.length === 0) return null;
  const ss = (groups: TrialRecord[][]): number =>
    betweenSs(
      groups.map((g) =>
        passSteps(
          g.map((t) => t.pass),
          stepOf,
        ),
      ),
    );
  const observed = tested.map((r) => ss(r.runs));
  const observedTotal = observed.reduce((s, x) => s + x, 0);
  const observedOutside = tested.reduce((n, r) => n + rows[r.index]!.outside.length, 0);
  const atLeast = tested.map(() => 0);
  const outsideSum = tested.map(() => 0);
  let pooledAtLeast = 0;
  let outsideAtLeast = 0;
  let outsideTotal = 0;
  const tolerance = 1e-9;
  for (let p = 0; p < permutations; p++) {
    let sum = 0;
    let outside = 0;
    tested.forEach((r, k) => {
      const pool = r.runs.flat();
      shuffle(pool, random);
      let at = 0;
      const regrouped = r.runs.map((g) => pool.slice(at, (at += g.length)));
      const stat = ss(regrouped);
      if (stat >= observed[k]! - tolerance) atLeast[k]!++;
      sum += stat;
      const { backend, workload } = rows[r.index]!;
      const n = outsidePairs(
        regrouped.map((g) => headlineFigure(g, backend, workload)),
        stepOf,
      ).length;
      outsideSum[k]! += n;
      outside += n;
    });
    if (sum >= observedTotal - tolerance) pooledAtLeast++;
    if (outside >= observedOutside) outsideAtLeast++;
    outsideTotal += outside;
  }
  tested.forEach((r, k) => {
    rows[r.index]!.p = (1 + atLeast[k]!) / (1 + permutations);
    rows[r.index]!.expectedOutside = outsideSum[k]! / permutations;
  });
  return {
    p: (1 + pooledAtLeast) / (1 + permutations),
    expectedOutside: outsideTotal / permutations,
    atLeastOutside: outsideAtLeast / permutations,
  };
}

/** Sum over groups of n · (group mean − grand mean)². */
function betweenSs(groups: number[][]): number {
  const all = groups.flat();
  const grand = mean(all);
  return groups.reduce((s, g) => s + g.length * (mean(g) - grand) ** 2, 0);
}

function pooledSd(groups: number[][]): number | null {
  let ss = 0;
  let df = 0;
  for (const g of groups) {
    if (g.length < 2) continue;
    const m = mean(g);
    ss += g.reduce((s, x) => s + (x - m) ** 2, 0);
    df += g.length - 1;
  }
  return df > 0 ? Math.sqrt(ss / df) : null;
}

function shuffle<T>(values: T[], random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
}

/** A run's id from its folder or its run.json path (`results/<id>` or `results/<id>/run.json`). */
export function runDirId(dir: string): string {
  return basename(dir.endsWith('.json') ? dirname(resolve(dir)) : resolve(dir));
}

/** The default folder name of a repeatability report of these runs: `repeat-<first run>-to-<last run>`. */
export function repeatDirName(firstRunDir: string, lastRunDir: string): string {
  return `repeat-${runDirId(firstRunDir)}-to-${runDirId(lastRunDir)}`;
}

/** What renderRepeatability wrote. */
export interface RenderedRepeatability {
  markdownPath: string;
  htmlPath: string;
  analysis: RepeatabilityAnalysis;
}

/** Reads the runs, analyses them and writes repeatability.md and repeatability.html into `outDir`. */
export async function renderRepeatability(runDirs: readonly string[], outDir: string): Promise<RenderedRepeatability> {
  const runs = await Promise.all(runDirs.map((dir) => readRun(dir)));
  const analysis = analyseRepeatability(runs);
  await mkdir(outDir, { recursive: true });
  const blocks = repeatabilityBlocks(analysis, outDir);
  const markdownPath = join(outDir, 'repeatability.md');
  const htmlPath = join(outDir, 'repeatability.html');
  await writeFile(markdownPath, markdown(blocks));
  await writeFile(htmlPath, await html(`storebench repeatability of ${analysis.runs.length} runs`, blocks, outDir));
  return { markdownPath, htmlPath, analysis };
}

/** The one-paragraph answer: do the verdicts and figures come out again. */
export function repeatabilitySummary(a: RepeatabilityAnalysis): string {
  const same = a.workloads.filter((w) => w.same).map((w) => w.workload);
  const differ = a.workloads.filter((w) => !w.same).map((w) => w.workload);
  const verdicts =
    differ.length === 0
      ? `The same verdict in all ${a.runs.length} runs for every workload (${same.join(', ')}).`
      : `The verdict changed between runs for ${differ.join(', ')}${same.length > 0 ? `; the same in every run for ${same.join(', ')}` : ''}.`;
  const steps = [...new Set(a.rows.flatMap((r) => r.outside.map((o) => Math.abs(o.steps))))].sort((x, y) => x - y);
  const figures =
    a.outside === 0
      ? `Every run's median lies inside every other run's interval (${a.pairs} pairs).`
      : `${a.outside} of ${a.pairs} pairs (one run's median, another run's interval) fall outside, by ${steps.map(stepsText).join(', ')}.`;
  const rerun =
    a.outsideRerun === 0
      ? ` Every run's median lies inside every other run's rerun range (its interval widened to its noise floor either side of its median).`
      : ` Against the rerun ranges (each interval widened to its run's noise floor either side of the median), ${a.outsideRerun} of ${a.pairs} fall outside.`;
  const expected =
    a.expectedOutside === null || a.atLeastOutside === null
      ? ''
      : ` Had whole runs moved nothing (each row's trials reassigned to the runs at random), the intervals of ${trialsText(a)} would leave ${a.expectedOutside.toFixed(1)} outside on average${a.outside > 0 ? `, and ${a.outside} or more in ${shareText(a.atLeastOutside)} of the reassignments` : ''}.`;
  const between =
    a.pooledP === null
      ? ''
      : a.pooledP < 0.05
        ? ` Whole runs moved the figures further than their trials vary within a run (permutation test over all rows, ${pText(a.pooledP)}): one run's intervals understate how far a rerun can land.`
        : ` Whole runs moved the figures no further than their trials vary within a run would explain (permutation test over all rows, ${pText(a.pooledP)}).`;
  return `${verdicts} ${figures}${expected}${rerun}${between}`;
}

function repeatabilityBlocks(a: RepeatabilityAnalysis, outDir: string): Block[] {
  const runHeader = a.runs.map((_, i) => `run ${i + 1}`);
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: `storebench repeatability: ${a.runs.length} runs` },
    {
      kind: 'paragraph',
      inlines: [
        'The runs, in the order given: ',
        ...a.runs.flatMap((run, i): Inline[] => {
          const report = join(run.runDir, 'report.md');
          const name = `run ${i + 1}: ${run.runId}`;
          return [
            i > 0 ? '; ' : '',
            existsSync(report) ? { text: name, href: relative(outDir, report) } : name,
            ` (${run.startedAt})`,
          ];
        }),
        '.',
      ],
    },
    { kind: 'paragraph', inlines: [{ text: 'In short: ', strong: true }, repeatabilitySummary(a)] },
  ];
  if (a.warnings.length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Not repeats of one command' });
    blocks.push({ kind: 'list', items: a.warnings.map((w) => [w]) });
  }

  blocks.push({ kind: 'heading', level: 2, text: 'Verdicts' });
  blocks.push({
    kind: 'table',
    header: ['workload', ...runHeader, 'the same in every run'],
    rows: a.workloads.map((w) => [
      [w.workload],
      ...w.verdicts.map((v, i): Inline[] => [
        v === null
          ? 'not measured'
          : `${v}${w.rerunSame[i] === null ? '' : ` (rerun check ${Math.round(w.rerunSame[i]! * 100)}%)`}`,
      ]),
      [w.same ? 'yes' : { text: 'no', strong: true }],
    ]),
  });
  blocks.push({
    kind: 'paragraph',
    inlines: [
      "The rerun check in brackets is each run's own estimate of how often its verdict would come out again (its report says how it is made); it cannot see what moves a whole run, which is what this page measures.",
    ],
  });

  blocks.push({ kind: 'heading', level: 2, text: 'Figures against the other runs’ intervals' });
  blocks.push({
    kind: 'table',
    header: ['workload', 'backend', ...runHeader, 'outside: interval / rerun range'],
    rows: a.rows.map((row) => [
      [row.workload],
      [row.displayName],
      ...row.figures.map((f): Inline[] => [figureCell(f)]),
      [`${row.outside.length} / ${row.outsideRerun.length} of ${row.pairs}`],
    ]),
  });
  blocks.push({
    kind: 'paragraph',
    inlines: [
      "Each cell: the median of the run's trials, its interval [lowest trial pass – highest trial fail], and the trials' figures. A pair is outside when one run's median lies outside another run's interval; the last column also counts the pairs outside the other run's rerun range, which its report prints beside the interval: the interval widened, where needed, to one noise floor either side of the median.",
    ],
  });
  const misses = a.rows.flatMap((row) =>
    row.outside.map(
      (o) =>
        `${row.displayName} on ${row.workload}: run ${o.run + 1}'s ${formatRps(row.figures[o.run]!.median ?? 0)} lies ${stepsText(Math.abs(o.steps))} ${o.steps < 0 ? 'below' : 'above'} run ${o.other + 1}'s [${formatRps(row.figures[o.other]!.low)}–${formatRps(row.figures[o.other]!.high)}]${row.outsideRerun.some((r) => r.run === o.run && r.other === o.other) ? ', outside its rerun range too' : ''}`,
    ),
  );
  if (misses.length > 0) blocks.push({ kind: 'list', items: misses.map((m) => [m]) });

  blocks.push({ kind: 'heading', level: 2, text: 'What moves whole runs' });
  blocks.push({
    kind: 'table',
    header: [
      'workload',
      'backend',
      'trials within a run (sd, grid steps)',
      'run means (grid steps from run 1)',
      'p',
      'pairs outside: measured / had runs moved nothing',
    ],
    rows: a.rows.map((row) => {
      const base = row.runMeans.find((m) => m !== null) ?? null;
      return [
        [row.workload],
        [row.displayName],
        [row.withinSd === null ? '—' : row.withinSd.toFixed(2)],
        [row.runMeans.map((m) => (m === null || base === null ? '—' : signedSteps(m - base))).join(' / ')],
        [row.p === null ? '—' : row.p < 0.05 ? { text: formatP(row.p), strong: true } : formatP(row.p)],
        [`${row.outside.length} / ${row.expectedOutside === null ? '—' : row.expectedOutside.toFixed(1)}`],
      ];
    }),
  });
  blocks.push({
    kind: 'paragraph',
    inlines: [
      { text: 'Method: ', strong: true },
      `${BETWEEN_RUNS_METHOD}; ${a.permutations.toLocaleString('en-US')} reassignments, one grid step = ${formatPercent(a.resolution)}. `,
      'A small p (bold: under 0.05) says whole runs moved that row more than its trials vary within a run: the interval of one run understates how far another run can land. A large p does not prove the runs alike; with three or four runs the test sees only large run-to-run moves.',
      a.pooledP === null ? '' : ` Over all rows at once: ${pText(a.pooledP)}.`,
      ' The last column: the pairs outside as measured, and their mean over the reassignments, which is what intervals from this many trials give when whole runs move nothing.',
    ],
  });

  const speed = speedParagraph(a);
  if (speed) blocks.push({ kind: 'paragraph', inlines: [{ text: 'Machine speed: ', strong: true }, speed] });

  blocks.push({ kind: 'heading', level: 2, text: 'Runs' });
  blocks.push({
    kind: 'table',
    header: [
      'run',
      'run id',
      'started',
      'wall time',
      'steps',
      'speed probe (ms: start, between trials, end)',
      'control row CPU per request (ms)',
      'the move it predicts from run 1 (grid steps)',
      'database rows moved from run 1 (mean, grid steps)',
      'noise floor',
      'rows moved from run 1 (mean, grid steps)',
    ],
    rows: a.runs.map((run, i) => [
      [`run ${i + 1}`],
      [run.runId],
      [run.startedAt],
      [`${run.minutes} min`],
      [String(run.steps)],
      [run.speedMs.length === 0 ? '—' : run.speedMs.join(', ')],
      [run.controlMs === null ? '—' : String(run.controlMs)],
      [run.predictedMove === null ? '—' : signedSteps(run.predictedMove)],
      [run.databaseMove === null ? '—' : signedSteps(run.databaseMove)],
      [run.noiseFloor === null ? '—' : formatPercent(run.noiseFloor)],
      [rowsMoved(a, i)],
    ]),
  });
  return blocks;
}

/**
 * How far run i's trials sat from run 1's, averaged over the rows both measured, in grid steps: a whole
 * run that sat higher or lower on every row (next to its speed probe) is the machine, not a backend.
 */
function rowsMoved(a: RepeatabilityAnalysis, i: number): string {
  const move = meanMove(a.rows, i);
  return move === null ? '—' : signedSteps(move);
}

/** The mean over `rows` of run i's mean minus run 1's (grid steps); null when no row has both. */
function meanMove(rows: readonly RepeatRow[], i: number): number | null {
  const moves = rows
    .filter((r) => r.runMeans[0] !== null && r.runMeans[i] !== null)
    .map((r) => r.runMeans[i]! - r.runMeans[0]!);
  return moves.length === 0 ? null : roundTo(mean(moves), 2);
}

/**
 * Whether the runs' moves follow the machine's speed under load: the control row's CPU per request in each
 * run, the move it predicts from run 1, the database rows' mean move, and their correlation. Null when no
 * two runs have a control row.
 */
export function speedParagraph(a: RepeatabilityAnalysis): string | null {
  const later = a.runs.slice(1).filter((r) => r.predictedMove !== null);
  if (a.runs[0]?.controlMs == null || later.length === 0) return null;
  const listed = a.runs.map((r) => (r.controlMs === null ? '—' : String(r.controlMs))).join(', ');
  const pairs = later
    .map(
      (r) =>
        `run ${a.runs.indexOf(r) + 1}: predicted ${signedSteps(r.predictedMove!)}, database rows ${r.databaseMove === null ? '—' : signedSteps(r.databaseMove)}`,
    )
    .join('; ');
  const r = a.speedCorrelation;
  const follows =
    r === null
      ? ' (too few runs for a correlation: it takes four)'
      : `; across the runs the database rows' moves follow the predicted ones with r = ${r.toFixed(2)}`;
  const shifted = a.speedAdjusted;
  const adjusted =
    shifted === null
      ? ''
      : ` With each run's figures shifted against its predicted move, in whole grid steps (${moves(a)}), the database rows would leave ${shifted.adjusted} of ${shifted.pairs} pairs outside, against ${shifted.measured} as measured.`;
  return `the memory control row's API used ${listed} ms of CPU per answered request in the runs, the same work each time: a run that needed less ran on a faster machine. The move that alone predicts from run 1 (log of the ratio, in grid steps), beside the database rows' mean move: ${pairs}${follows}.${adjusted} Nothing is corrected by it; it says whether a run's figures moved with the machine or on their own.`;
}

/** The predicted moves of runs 2..N rounded to whole grid steps, as `run 2 ±0, run 3 −1`. */
function moves(a: RepeatabilityAnalysis): string {
  return a.runs
    .slice(1)
    .map((r, k) => `run ${k + 2} ${signedSteps(-Math.round(r.predictedMove ?? 0), 0)}`)
    .join(', ');
}

function figureCell(f: HeadlineFigure | null): string {
  if (f === null) return 'not measured';
  if (f.median === null) return 'no rate met the SLO';
  const trials = f.values.map((v) => (v === null ? '—' : formatRps(v))).join('/');
  return `${formatRps(f.median)} [${formatRps(f.low)}–${formatRps(f.high)}${f.openEnded ? '+' : ''}] (${trials})`;
}

/** `3 trials` or `2-3 trials`: how many trials the runs' figures had. */
function trialsText(a: RepeatabilityAnalysis): string {
  const counts = a.rows.flatMap((r) => r.figures.filter((f) => f !== null).map((f) => f!.values.length));
  const [lo, hi] = [Math.min(...counts), Math.max(...counts)];
  return `${lo === hi ? lo : `${lo}-${hi}`} trial${hi === 1 ? '' : 's'}`;
}

function stepsText(steps: number): string {
  if (!Number.isFinite(steps)) return 'the whole range';
  return steps === 1 ? 'one grid step' : `${steps} grid steps`;
}

/** Grid steps with their sign, `+0.41`, `−1`, `±0.00` (`decimals` places). */
function signedSteps(steps: number, decimals = 2): string {
  const r = roundTo(steps, decimals);
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${Math.abs(r).toFixed(decimals)}`;
}

function pText(p: number): string {
  return p < 0.001 ? `p ${formatP(p)}` : `p = ${formatP(p)}`;
}

function shareText(share: number): string {
  return share > 0 && share < 0.005 ? 'under 1%' : `${Math.round(share * 100)}%`;
}

function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}
