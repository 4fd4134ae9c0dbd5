import type { RunResult } from '../results/index.ts';
import { lowerMedian, mean } from '../stats/index.ts';
import { CONTROL_BACKEND } from './model.ts';
import { roundTo } from '../stats/round.ts';

/**
 * How fast the machine ran during a run's own steps: the CPU the control row's API process spent per
 * request (memory backend, no database: the same work in every run), median over its valid steps, and per
 * trial. The speed probe times a few seconds of fixed work between trials; this reads every step the control
 * row ran, under load, on the system under test's CPU. Measured here over rounds 9-12 (their 12 later runs
 * against their round's first), the move it predicts (log of the ratio, in grid steps) followed the database
 * rows' mean move with r = 0.85 (docs/reproducibility.md, thirteenth round).
 */
export interface ControlCost {
  /** Median CPU milliseconds of the control row's API per answered request, over its valid steps. */
  msPerRequest: number;
  /** The same per trial, in trial order (a trial without a valid step is left out). */
  trials: { trial: number; msPerRequest: number }[];
  steps: number;
}

/** A control-row step's API CPU per answered request (ms), or null when it cannot say. */
function stepCost(step: RunResult['steps'][number]): number | null {
  if (step.backend !== CONTROL_BACKEND || !step.valid || !(step.achievedRps > 0)) return null;
  const api = step.resources.find((r) => r.role === 'server' && r.samples > 1);
  return api ? (api.cpuPercentAvg * 10) / step.achievedRps : null;
}

/** The control row's CPU per request in a run; null when the run has no control row with sampled steps. */
export function controlCost(run: RunResult): ControlCost | null {
  const byTrial = new Map<number, number[]>();
  const all: number[] = [];
  for (const step of run.steps) {
    const cost = stepCost(step);
    if (cost === null) continue;
    all.push(cost);
    const trial = step.trial ?? 1;
    byTrial.set(trial, [...(byTrial.get(trial) ?? []), cost]);
  }
  if (all.length === 0) return null;
  return {
    msPerRequest: roundTo(lowerMedian(all), 3),
    trials: [...byTrial.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([trial, costs]) => ({ trial, msPerRequest: roundTo(lowerMedian(costs), 3) })),
    steps: all.length,
  };
}

/**
 * The move in grid steps the control row's CPU per request predicts for run b against run a: positive when
 * b's machine ran faster (less CPU per request), log(a / b) / log(1 + resolution).
 */
export function predictedMove(a: ControlCost, b: ControlCost, resolution: number): number {
  return Math.log(a.msPerRequest / b.msPerRequest) / Math.log(1 + resolution);
}

/** `0.171 ms (trials 0.17, 0.166, 0.155; 16 steps)`. */
export function controlCostText(cost: ControlCost): string {
  return `${cost.msPerRequest} ms (trials ${cost.trials.map((t) => t.msPerRequest).join(', ')}; ${cost.steps} steps)`;
}

/**
 * Pearson's r between two series (null with fewer than three pairs or no spread): how closely the runs'
 * moves follow the control row's.
 */
export function correlation(x: readonly number[], y: readonly number[]): number | null {
  const n = Math.min(x.length, y.length);
  if (n < 3) return null;
  const mx = mean(x.slice(0, n));
  const my = mean(y.slice(0, n));
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/**
 * Two runs whose control row spent CPU per request far enough apart to move every figure by half a grid
 * step or more on its own: the machine ran at another speed (neighbours on a shared host, the hour).
 */
export function controlCostDifference(a: RunResult, b: RunResult, resolution: number): string | undefined {
  const [ca, cb] = [controlCost(a), controlCost(b)];
  if (!ca || !cb) return undefined;
  const move = predictedMove(ca, cb, resolution);
  if (Math.abs(move) < 0.5) return undefined;
  const change = Math.round((cb.msPerRequest / ca.msPerRequest - 1) * 100);
  return `the machine ran at another speed: the memory control row's API used ${ca.msPerRequest} ms of CPU per request before and ${cb.msPerRequest} ms after (${change > 0 ? '+' : ''}${change}%), which alone moves a figure by about ${Math.abs(move).toFixed(1)} grid steps ${move > 0 ? 'up' : 'down'}`;
}
