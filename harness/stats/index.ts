import type { TrialRecord } from '../results/index.ts';
import { gridRate, type RateGrid } from '../load/search.ts';

/**
 * A headline figure: the median of a (backend, workload)'s trials with an interval from order
 * statistics. Each trial ends with a bracket [pass, fail): its capacity lies somewhere inside. The
 * interval runs from the lowest trial's pass to the highest trial's fail, so it holds the spread of
 * the trials and the search's resolution; for n trials, [lowest, highest] covers the median of the
 * trial distribution with confidence 1 - 2 * 0.5^n (75% for 3 trials, 94% for 5).
 */
export interface HeadlineFigure {
  backend: string;
  workload: string;
  /** Every trial's highest passing rate, in trial order (null: no rate passed). */
  values: (number | null)[];
  /** Median of those (a trial with no passing rate counts as 0); null when it is 0. */
  median: number | null;
  low: number;
  /** Highest fail of any trial; when a trial never failed, its pass (and `openEnded`). */
  high: number;
  /** Some trial never reached a rate that failed: the real ceiling may lie above `high`. */
  openEnded: boolean;
  /** Confidence that [low, high] covers the median of the trial distribution. */
  coverage: number;
}

export const INTERVAL_METHOD =
  'median of the trials; interval from the lowest trial pass to the highest trial fail (order statistics: covers the median of the trial distribution with confidence 1 - 2 * 0.5^n for n trials)';

/** The headline figure of one (backend, workload), or null when it has no trial. */
export function headlineFigure(
  trials: readonly TrialRecord[],
  backend: string,
  workload: string,
): HeadlineFigure | null {
  const own = trials.filter((t) => t.backend === backend && t.workload === workload).sort((a, b) => a.trial - b.trial);
  if (own.length === 0) return null;
  const passes = own.map((t) => t.pass ?? 0);
  const sorted = [...passes].sort((a, b) => a - b);
  const mid =
    sorted.length % 2 === 1
      ? sorted[(sorted.length - 1) / 2]!
      : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const tops = own.map((t) => t.fail ?? t.pass ?? 0);
  return {
    backend,
    workload,
    values: own.map((t) => t.pass),
    median: mid > 0 ? mid : null,
    low: sorted[0]!,
    high: Math.max(...tops),
    openEnded: own.some((t) => t.fail === null),
    coverage: 1 - 2 * 0.5 ** own.length,
  };
}

/**
 * How far the same system's trial figures moved: highest / lowest - 1, to three decimals (1 when
 * the lowest is 0). Recorded with the A/A calibration; before the seventh round it was the noise
 * floor, and jumped by whole grid steps from run to run (0%, 41%, 68% in three runs of one day).
 */
export function spreadOf(values: readonly number[]): number {
  const lowest = Math.min(...values);
  const spread = lowest > 0 ? Math.max(...values) / lowest - 1 : 1;
  return Math.round(spread * 1000) / 1000;
}

/** How far apart two figures' medians lie: higher / lower - 1, to three decimals (1 when either is missing). */
export function medianDifference(a: HeadlineFigure, b: HeadlineFigure): number {
  if (a.median === null || b.median === null) return a.median === b.median ? 0 : 1;
  const ratio = Math.max(a.median, b.median) / Math.min(a.median, b.median);
  return Math.round((ratio - 1) * 1000) / 1000;
}

/**
 * A run's noise floor from its A/A pair (the same system measured under two labels, interleaved with
 * everything else): how far apart the two medians fell, since a verdict compares medians, but never
 * less than one step of the search grid (the resolution, rounded up to three decimals): a system
 * whose capacity lies near a grid rate passes it in some trials and fails it in others, so the
 * medians of two identical systems can land one grid step apart from the grid alone. In the eleven
 * recorded default runs of rounds 3-6 the A/A medians lay 0 or one step apart, never more, while the
 * trials' max / min (`spreadOf`, the floor until then) moved 0-68%.
 */
export function noiseFloorOf(a: HeadlineFigure, b: HeadlineFigure, resolution: number): number {
  return Math.max(medianDifference(a, b), gridFloor(resolution));
}

/** Where a second run's median of a figure is expected to fall (`rerunRange`). */
export interface RerunRange {
  low: number;
  high: number;
}

export const RERUN_RANGE_METHOD =
  "the trials' interval, widened where needed to one noise floor either side of the median (in whole grid steps, at least one): the A/A pair's two medians of one system lay that far apart in the run, so the median of the same system measured again can too";

/**
 * Where the median of the same figure is expected to fall when the run is repeated. The trials'
 * interval holds what moves within a run, but a run whose three trials agree gets an interval one grid
 * step wide with its median at the bottom, and another run's median one step lower falls outside it
 * even when nothing moved: three-trial intervals left 3.5-4.6 of 48 pairs outside when the trials of a
 * round were reassigned to its runs at random (rounds 12, 14, 15). The noise floor says how far apart the medians of one system
 * fell in this run (the A/A pair, at least one grid step), so the range reaches that far either side of
 * the median, in whole steps of the grid (`anchor` × `ratio`^k), so for a median on the grid its ends are
 * rates the search tries. It cannot see a whole run moving further than its own A/A pair did (the machine's
 * speed that hour): `report --repeat` counts how often other runs' medians fell outside it.
 */
export function rerunRange(
  figure: HeadlineFigure,
  noiseFloor: number,
  grid: Pick<RateGrid, 'anchor' | 'ratio'>,
): RerunRange {
  if (figure.median === null) return { low: 0, high: figure.high };
  const steps = (x: number) => Math.log(x) / Math.log(grid.ratio);
  // A floor measured as a difference of grid rates is a whole number of steps up to rounding (19% vs 18.92%).
  const span = Math.max(1, Math.ceil(steps(1 + noiseFloor) - 0.05));
  // A median on the grid is a rounded grid rate (595 for 594.6): its neighbours are taken from the grid, not from it.
  const k = steps(figure.median / grid.anchor);
  const onGrid = Math.abs(k - Math.round(k)) < 0.05 ? Math.round(k) : k;
  const at = (step: number) => gridRate(grid, onGrid + step);
  return { low: Math.min(figure.low, at(-span)), high: Math.max(figure.high, at(span)) };
}

/** One step of the search grid as a floor: the resolution rounded up to three decimals (0.1892 -> 0.19). */
export function gridFloor(resolution: number): number {
  return Math.ceil(resolution * 1000) / 1000;
}

/**
 * Whether a higher median lies within the noise floor of a lower one. Offered rates are whole
 * requests per second (grid rates are rounded), so the comparison allows for half a request on each
 * side: 500 against 420 is one step of a 19% grid (420.4 rounded), not 19.05% apart.
 */
export function withinFloor(higher: number, lower: number, noiseFloor: number): boolean {
  return higher / lower <= (1 + noiseFloor) * (1 + 0.5 / higher) * (1 + 0.5 / lower);
}

/** The arithmetic mean (NaN for none). */
export function mean(values: readonly number[]): number {
  return values.reduce((s, x) => s + x, 0) / values.length;
}

/** The lower median: the middle value, or the lower of the two middle ones (an element of `values`). */
export function lowerMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Which of two figures is higher, or a tie, and why. */
export interface FigureComparison {
  verdict: 'a' | 'b' | 'tie';
  /** median(a) / median(b); null when either is missing or 0. */
  ratio: number | null;
  reason: string;
}

/**
 * The tie rule: one figure is higher only when its whole interval lies above the other's AND its
 * median exceeds the other's by more than the noise floor (`noiseFloorOf`, from the A/A pair of the same run).
 * Anything less is a tie, however the medians happen to fall. A trial's capacity lies in
 * [pass, fail): an interval starting where the other ends (one passed the rate the other failed)
 * does not overlap it.
 */
export function compareFigures(a: HeadlineFigure, b: HeadlineFigure, noiseFloor: number): FigureComparison {
  const ma = a.median ?? 0;
  const mb = b.median ?? 0;
  const ratio = ma > 0 && mb > 0 ? ma / mb : null;
  const decide = (
    hi: HeadlineFigure,
    lo: HeadlineFigure,
    mHi: number,
    mLo: number,
    side: 'a' | 'b',
  ): FigureComparison | null => {
    if (!(hi.low >= lo.high) || hi.median === null) return null;
    if (mLo > 0 && withinFloor(mHi, mLo, noiseFloor)) {
      return {
        verdict: 'tie',
        ratio,
        reason: `${hi.backend}'s interval lies above ${lo.backend}'s, but its median is only ${pct(mHi / mLo - 1)} higher, within the noise floor of ${pct(noiseFloor)}`,
      };
    }
    return {
      verdict: side,
      ratio,
      reason: `${hi.backend}'s interval lies wholly above ${lo.backend}'s and its median is ${mLo > 0 ? `${(mHi / mLo).toFixed(2)}×` : 'above zero, unlike'} ${lo.backend}'s, beyond the noise floor of ${pct(noiseFloor)}`,
    };
  };
  return (
    decide(a, b, ma, mb, 'a') ??
    decide(b, a, mb, ma, 'b') ?? {
      verdict: 'tie',
      ratio,
      reason: `the intervals of ${a.backend} and ${b.backend} overlap`,
    }
  );
}

function pct(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
