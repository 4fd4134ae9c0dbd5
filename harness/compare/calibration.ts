import type { CalibrationRecord, RunResult } from '../results/index.ts';
import { DEFAULT_GRID, gridResolution } from '../load/index.ts';
import { compareFigures, gridFloor, headlineFigure, medianDifference, noiseFloorOf, spreadOf } from '../stats/index.ts';

/** The label of the second copy of the calibrated target: the same system, measured as if it were another. */
export function twinLabel(label: string): string {
  return `${label} (A/A twin)`;
}

/** The label of the calibrated target with a known extra cost per request. */
export function costLabel(label: string): string {
  return `${label} (+cost)`;
}

/** Fraction of requests that carry the extra cost. */
const COST_FRACTION = 0.05;

/**
 * A slow request class that should cut the target's capacity by about a third: at capacity C
 * requests/s on its CPU, each request costs about 1/C s; adding half of that on average (a fraction
 * f of requests busy for b ms, f * b = 0.5 / C) leaves 2/3 of the capacity. C is the target's first
 * trial figure (or `fallbackRps` before it has one); the result is fixed once computed.
 */
export function knownCost(result: RunResult, label: string, workload: string, fallbackRps: number) {
  let cost: { slowFraction: number; slowBusyMs: number } | undefined;
  return (): { slowFraction: number; slowBusyMs: number } => {
    if (cost) return cost;
    const first = (result.trials ?? []).find((t) => t.backend === label && t.workload === workload && t.pass);
    const capacity = first?.pass ?? fallbackRps;
    const busyMs = Math.min(1000, Math.max(1, Math.round((0.5 / (COST_FRACTION * capacity)) * 1000)));
    cost = { slowFraction: COST_FRACTION, slowBusyMs: busyMs };
    return cost;
  };
}

/**
 * The A/A calibration from the trials of a target and its twin on one workload: every trial's
 * passing rate and their spread (max / min - 1), how far the two medians fell apart, the noise
 * floor a difference must exceed (`noiseFloorOf`: that median difference, at least one grid step),
 * and the A/A verdict. The verdict is decided at the grid's own resolution, not at the floor the pair
 * itself sets (at that floor it would be a tie by construction): when the method tells the same system
 * from itself by more than one grid step, with the intervals apart, the pair is called different, the
 * report says to distrust the run, and the floor has already risen to that difference.
 */
export function calibrationRecord(result: RunResult, label: string, workload: string): CalibrationRecord | null {
  const twin = twinLabel(label);
  const a = headlineFigure(result.trials ?? [], label, workload);
  const b = headlineFigure(result.trials ?? [], twin, workload);
  if (!a || !b) return null;
  const values = [...a.values, ...b.values].filter((v): v is number => v !== null);
  if (values.length === 0) return null;
  const resolution = result.scenario.resolution ?? gridResolution(DEFAULT_GRID);
  const floor = noiseFloorOf(a, b, resolution);
  const record: CalibrationRecord = {
    labels: [label, twin],
    workload,
    values,
    spread: spreadOf(values),
    medianDifference: medianDifference(a, b),
    resolution: Math.round(resolution * 10_000) / 10_000,
    noiseFloor: floor,
    verdict: compareFigures(a, b, gridFloor(resolution)).verdict === 'tie' ? 'tie' : 'different',
  };
  const costly = headlineFigure(result.trials ?? [], costLabel(label), workload);
  if (costly) {
    const check = compareFigures(a, costly, floor);
    record.sensitivity = {
      label: costLabel(label),
      expectedRatio: 1.5,
      ...(check.ratio !== null && { ratio: Math.round(check.ratio * 100) / 100 }),
      verdict: check.verdict === 'a' ? 'faster' : check.verdict === 'b' ? 'slower' : 'tie',
      reason: check.reason,
    };
  }
  return record;
}
