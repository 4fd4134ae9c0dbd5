import { seededRandom, type LoadMix, type RandomSource } from '../../core/workloads/index.ts';
import type { StepResult } from '../results/types.ts';
import { driveStep } from './driver.ts';
import { rateConnections, type StepContext } from './ladder.ts';

/**
 * The longest a trial's phase shift may run at `rps`: about one major garbage-collection period of the
 * API, read from the earlier measured steps of the same target and workload (requests served per major
 * collection); one step (`stepS`) when nothing ran before; `maxS` when the earlier steps saw no major
 * collection (or reported none). Never more than `maxS`.
 */
export function phaseSpanS(earlier: readonly StepResult[], rps: number, stepS: number, maxS: number): number {
  if (!(rps > 0) || maxS <= 0) return 0;
  if (earlier.length === 0) return Math.min(maxS, stepS);
  let requests = 0;
  let majors = 0;
  for (const step of earlier) {
    requests += step.requests.completed;
    majors += step.pauses?.api?.majorGcCount ?? 0;
  }
  if (majors === 0) return maxS;
  return Math.min(maxS, requests / majors / rps);
}

/**
 * Unmeasured load: `rps` offered for `seconds` to `baseUrl` with `mix`, nothing recorded (a warm-up pass,
 * a trial's phase shift). The connection pool is `connections`, else it scales with the rate as a
 * measured step's does.
 */
export async function driveUnmeasured(options: {
  baseUrl: string;
  mix: LoadMix;
  rps: number;
  seconds: number;
  requestTimeoutMs: number;
  random: RandomSource;
  connections?: number;
}): Promise<void> {
  const { rps } = options;
  await driveStep(
    options.baseUrl,
    options.mix,
    {
      kind: 'rate',
      target: rps,
      connections: options.connections ?? rateConnections(rps),
      warmupMs: 0,
      durationMs: Math.round(options.seconds * 1000),
      requestTimeoutMs: options.requestTimeoutMs,
    },
    options.random,
  );
}

/**
 * Unmeasured load at `rps` for `seconds` before a trial's first step, with the step context's mix and
 * its own request seed (the measured steps' requests stay the same). A new API process fed the same
 * requests does its major collections at the same moments; running it for a random time first moves
 * where they fall among the measured steps.
 */
export async function runPhaseShift(
  ctx: StepContext,
  rps: number,
  seconds: number,
  requestSeed: number,
): Promise<void> {
  if (seconds < 0.05) return;
  await driveUnmeasured({
    baseUrl: ctx.baseUrl,
    mix: ctx.mix,
    rps,
    seconds,
    requestTimeoutMs: ctx.requestTimeoutMs ?? 10_000,
    random: seededRandom(requestSeed + 2000),
    ...(ctx.connections !== undefined && { connections: ctx.connections }),
  });
}
