import type { CalibrationRecord, RunResult } from '../results/index.ts';
import { compareFigures, headlineFigure } from '../stats/index.ts';

/** The label of the second copy of the calibrated target: the same system, measured as if it were another. */
export function twinLabel(label: string): string {
  return `${label} (A/A twin)`;
}

/**
 * The A/A calibration from the trials of a target and its twin on one workload: every trial's
 * passing rate, their spread (max / min - 1: how far the same system moves from trial to trial
 * here), which becomes the noise floor a difference must exceed, and the A/A verdict. With the
 * spread as floor, no two medians of these values can differ by more: the A/A pair is a tie unless
 * something other than noise separated them.
 */
export function calibrationRecord(result: RunResult, label: string, workload: string): CalibrationRecord | null {
  const twin = twinLabel(label);
  const a = headlineFigure(result.trials ?? [], label, workload);
  const b = headlineFigure(result.trials ?? [], twin, workload);
  if (!a || !b) return null;
  const values = [...a.values, ...b.values].filter((v): v is number => v !== null);
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const spread = sorted[0]! > 0 ? sorted[sorted.length - 1]! / sorted[0]! - 1 : 1;
  const rounded = Math.round(spread * 1000) / 1000;
  return {
    labels: [label, twin],
    workload,
    values,
    spread: rounded,
    noiseFloor: rounded,
    verdict: compareFigures(a, b, rounded).verdict === 'tie' ? 'tie' : 'different',
  };
}
