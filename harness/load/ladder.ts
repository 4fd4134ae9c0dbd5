import os from 'node:os';
import { seededRandom, type LoadMix, type RandomSource } from '../../core/workloads/index.ts';
import type {
  DiskSyncUsage,
  ResourceUsage,
  SloRecord,
  StepKind,
  StepResult,
  SustainableThroughput,
} from '../results/types.ts';
import { driveStep, type LiveFigures, type StepMeasurement, type StepPlan } from './driver.ts';
import { explainMiss } from './cause.ts';
import { DiskSyncProbe } from './disk-probe.ts';
import { settleHeap } from './heap.ts';
import { ResourceSampler, type SampledRole } from './sampler.ts';
import { roundTo } from '../stats/round.ts';

/** The SLO a step must meet to count as sustainable, when a scenario sets none (the one place it is defined). */
export const DEFAULT_SLO: Readonly<SloRecord> = { p99Ms: 50, maxErrorRate: 0.01, minAchievedRatio: 0.95 };

/** What every step against one target measures with: labels, the server, the mix and the step shape. */
export interface StepContext {
  /** Labels for the results. */
  backend: string;
  workload: string;
  /** Base URL of the server under test (loopback). */
  baseUrl: string;
  mix: LoadMix;
  kind: StepKind;
  durationS: number;
  warmupS: number;
  requestTimeoutMs?: number;
  /** Connection pool of rate steps; default scales with the rate (see rateConnections). */
  connections?: number;
  slo?: SloRecord;
  /** Root pids to sample: the API server (workers included) and the database. The load generator is this process. */
  serverPids?: number[] | (() => number[]);
  databasePids?: number[] | (() => number[]);
  /** Everything else the run started (paused databases...): part of the run, never counted as interference. */
  runPids?: () => number[];
  /**
   * CPU (% of one core, averaged over the step) that processes outside the run may take before the
   * step is flagged invalid as interfered with. Default 10.
   */
  interferenceLimitPercent?: number;
  /**
   * Rate steps: end a step whose SLO miss is already certain once this many seconds of its measured
   * window have run (driver.ts, `missIsCertain`). Absent or 0: every step runs to its end.
   */
  endMissedStepsAfterS?: number;
  /** What the target saw during the measured window (GC pauses, database waits), added to the step. */
  observe?: (window: { fromMs: number; toMs: number }) => Promise<StepObservations>;
  onLive?: (info: { index: number; target: number } & LiveFigures) => void;
}

/** What the system under test reported about one step's measured window. */
export type StepObservations = Pick<StepResult, 'pauses' | 'databaseWaits'>;

/** A ladder for one backend and one workload. */
export interface LadderOptions extends StepContext {
  /** Offered RPS (rate) or connections (concurrency), in the order to run. */
  values: number[];
  /** Stop once this many consecutive steps miss the SLO; 0 runs every step. Default 2. */
  stopAfterFailedSteps?: number;
  /** Seed of the request generator (which ids and bodies are sent). Default 1. */
  requestSeed?: number;
  /** Called around each step, for a progress display. */
  onStepStart?: (info: { index: number; count: number; target: number }) => void;
  onStepEnd?: (step: StepResult) => void;
}

export interface LadderResult {
  steps: StepResult[];
  summary: SustainableThroughput;
}

/**
 * Connections for a rate step when none is set: enough for the rate at 100 ms
 * of latency, so the pool itself rarely bounds what the server is offered.
 * Requests beyond the pool wait in the generator's queue and their wait counts
 * as latency.
 */
export function rateConnections(rate: number): number {
  return Math.min(1024, Math.max(16, Math.ceil(rate / 10)));
}

/**
 * One step at `target` (offered RPS or connections): the load generator's heap is settled first,
 * resources and the machine are sampled over the measured window only, and what the target reports
 * about that window (pauses, waits) is attached. The step is invalid when the load generator was
 * the limit or another process took a noticeable share of the CPU.
 */
export async function measureStep(
  ctx: StepContext,
  target: number,
  index: number,
  random: RandomSource,
): Promise<StepResult> {
  const plan: StepPlan = {
    kind: ctx.kind,
    target,
    connections: ctx.kind === 'concurrency' ? target : (ctx.connections ?? rateConnections(target)),
    warmupMs: ctx.warmupS * 1000,
    durationMs: ctx.durationS * 1000,
    requestTimeoutMs: ctx.requestTimeoutMs ?? 10_000,
  };
  const slo = ctx.slo ?? DEFAULT_SLO;
  const endAfterS = ctx.endMissedStepsAfterS ?? 0;
  if (ctx.kind === 'rate' && endAfterS > 0) {
    plan.endOnMiss = { p99Ms: slo.p99Ms, maxErrorRate: slo.maxErrorRate, afterMs: endAfterS * 1000 };
  }
  const roles: SampledRole[] = [{ role: 'loadgen', pids: [process.pid], ownOnly: true, mainThread: true }];
  if (ctx.serverPids) roles.push({ role: 'server', pids: ctx.serverPids });
  if (ctx.databasePids) roles.push({ role: 'database', pids: ctx.databasePids });
  settleHeap();
  const sampler = new ResourceSampler(roles, { ...(ctx.runPids && { runPids: ctx.runPids }) });
  // Only where a database writes to this machine's disk: the probe is part of explaining its misses.
  const disk = ctx.databasePids ? new DiskSyncProbe() : undefined;
  disk?.start();
  // Sampling starts after warm-up so the figures cover the measured window only.
  let windowFrom = 0;
  const samplerStart = setTimeout(() => {
    windowFrom = Date.now();
    sampler.start();
    disk?.window();
  }, plan.warmupMs);
  let measurement: StepMeasurement;
  let diskSync: DiskSyncUsage | null | undefined;
  try {
    measurement = await driveStep(ctx.baseUrl, ctx.mix, plan, random, (live) =>
      ctx.onLive?.({ index, target, ...live }),
    );
  } finally {
    clearTimeout(samplerStart);
    diskSync = disk?.stop();
  }
  const { roles: resources, machine } = sampler.stop();
  if (diskSync && windowFrom > 0) machine.diskSync = diskSync;
  const step = toStepResult(ctx.backend, ctx.workload, index, measurement, resources, slo);
  step.machine = machine;
  const limit = ctx.interferenceLimitPercent ?? 10;
  if (machine.samples > 0 && machine.otherPercentAvg > limit) {
    step.valid = false;
    step.invalidReasons.push(
      `other processes took ${machine.otherPercentAvg}% of a core (limit ${limit}%): ${machine.topOthers.join(', ') || 'short-lived processes'}`,
    );
  }
  if (ctx.observe && windowFrom > 0) Object.assign(step, await ctx.observe({ fromMs: windowFrom, toMs: Date.now() }));
  const cause = explainMiss(step, slo);
  if (cause) step.cause = cause;
  return step;
}

/** Runs the steps in order; stops early after repeated SLO misses. */
export async function runLadder(options: LadderOptions): Promise<LadderResult> {
  const stopAfter = options.stopAfterFailedSteps ?? 2;
  const random = seededRandom(options.requestSeed ?? 1);
  const steps: StepResult[] = [];
  let failedInARow = 0;
  for (const [index, target] of options.values.entries()) {
    options.onStepStart?.({ index, count: options.values.length, target });
    const step = await measureStep(options, target, index, random);
    steps.push(step);
    options.onStepEnd?.(step);
    failedInARow = step.slo.met ? 0 : failedInARow + 1;
    if (stopAfter > 0 && failedInARow >= stopAfter) break;
  }
  return { steps, summary: sustainableThroughput(options.backend, options.workload, options.kind, steps) };
}

/** Turns a raw measurement into the run.json step: rates, errors, validity and SLO verdict. */
export function toStepResult(
  backend: string,
  workload: string,
  index: number,
  m: StepMeasurement,
  resources: ResourceUsage[],
  slo: SloRecord,
): StepResult {
  const { plan } = m;
  const achievedRps = roundTo(m.completedInWindow / m.durationS, 1);
  const offeredRps = plan.kind === 'rate' ? plan.target : achievedRps;
  const statusErrors = Object.values(m.byStatus).reduce((a, b) => a + b, 0);
  const errorTotal = statusErrors + m.timeouts + m.socketErrors + m.bodyMismatches + m.notSent;
  const denominator = Math.max(1, plan.kind === 'rate' ? m.scheduled : m.sent);
  const errorRate = errorTotal / denominator;
  const latencyMs = m.latency.summary();
  const invalidReasons = generatorBottleneck(m, resources, offeredRps, achievedRps);
  const sloReasons: string[] = [];
  if (latencyMs.p99 > slo.p99Ms) sloReasons.push(`p99 ${latencyMs.p99} ms > ${slo.p99Ms} ms`);
  if (errorRate > slo.maxErrorRate)
    sloReasons.push(`errors ${(errorRate * 100).toFixed(2)}% > ${(slo.maxErrorRate * 100).toFixed(2)}%`);
  if (plan.kind === 'rate' && achievedRps < offeredRps * slo.minAchievedRatio)
    sloReasons.push(`achieved ${achievedRps} RPS < ${slo.minAchievedRatio * 100}% of offered ${offeredRps}`);
  if (latencyMs.count === 0) sloReasons.push('no request completed');
  const byTemplate: NonNullable<StepResult['byTemplate']> = {};
  for (const [name, figures] of m.byTemplate) {
    const s = figures.histogram.summary();
    byTemplate[name] = { count: s.count, errors: figures.errors, p50: s.p50, p99: s.p99, max: s.max };
  }
  return {
    backend,
    workload,
    kind: plan.kind,
    index,
    target: plan.target,
    connections: plan.connections,
    durationS: m.durationS,
    warmupS: plan.warmupMs / 1000,
    startedAt: m.startedAt.toISOString(),
    offeredRps,
    achievedRps,
    requests: { scheduled: m.scheduled, sent: m.sent, completed: m.completed, ok: m.ok },
    latencyMs,
    latencyHistogram: m.latency.encode(),
    errors: {
      total: errorTotal,
      rate: Math.round(errorRate * 1e6) / 1e6,
      byStatus: m.byStatus,
      timeouts: m.timeouts,
      socket: m.socketErrors,
      bodyMismatch: m.bodyMismatches,
      notSent: m.notSent,
    },
    resources,
    valid: invalidReasons.length === 0,
    invalidReasons,
    slo: { met: sloReasons.length === 0, reasons: sloReasons },
    bytesRead: m.bytesRead,
    byTemplate,
    ...(m.endedEarly && { endedEarly: m.endedEarly }),
  };
}

/**
 * Reasons to distrust a step because the load generator, not the server,
 * limited it: its own CPU near a full core, its event loop late by tens of
 * milliseconds, or (with a connection pool set smaller than the rate needs) a
 * rate it did not deliver while the system under test had CPU to spare.
 */
export function generatorBottleneck(
  m: StepMeasurement,
  resources: ResourceUsage[],
  offeredRps: number,
  achievedRps: number,
): string[] {
  const reasons: string[] = [];
  const loadgen = resources.find((r) => r.role === 'loadgen');
  // The generator is one event loop: its main thread running plus waiting to run for a core's worth means
  // it could not keep up. Its other threads (V8's garbage collectors, libuv) do not send requests; counting
  // them flagged steps at high rates whose event loop had time to spare.
  const main = loadgen?.mainThread ?? loadgen;
  if (loadgen && main && loadgen.samples > 1 && main.cpuPercentAvg + (main.cpuWaitPercentAvg ?? 0) >= 90) {
    const which = loadgen.mainThread ? 'load generator event-loop thread' : 'load generator';
    reasons.push(`${which} CPU ${main.cpuPercentAvg}% of a core + ${main.cpuWaitPercentAvg ?? 0}% waiting for a CPU`);
  }
  if (m.eventLoopDelayP99Ms > 50) {
    reasons.push(`load generator event loop delay p99 ${m.eventLoopDelayP99Ms.toFixed(1)} ms`);
  }
  // Only a pool smaller than the rate needs (set by hand) can be the generator's limit: with the default
  // pool, connections run out only when the server answers slower than 100 ms, and that is the server.
  if (
    m.plan.kind === 'rate' &&
    achievedRps < offeredRps * 0.95 &&
    m.plan.connections < rateConnections(m.plan.target)
  ) {
    const sut = resources.filter((r) => (r.role === 'server' || r.role === 'database') && r.samples > 1);
    if (sut.length > 0) {
      // "Busy": the server or the database runs, or waits to run, for at least 70% of the cores its
      // processes could use (waiting counts: on a shared box a starved server is a busy one).
      const cores = os.cpus().length;
      const busy = sut.some(
        (r) =>
          r.cpuPercentAvg + (r.cpuWaitPercentAvg ?? 0) >=
          70 * Math.max(1, Math.min(r.activePids ?? r.pids.length, cores)),
      );
      if (!busy) {
        const cpu = sut
          .map((r) => `${r.role} ${r.cpuPercentAvg}% + ${r.cpuWaitPercentAvg ?? 0}% waiting for a CPU`)
          .join(', ');
        reasons.push(`achieved ${achievedRps} of ${offeredRps} RPS offered while the server was not busy (${cpu})`);
      }
    }
  }
  return reasons;
}

/** Best valid step meeting the SLO (by achieved RPS); ceilingNotReached when no step failed it. */
export function sustainableThroughput(
  backend: string,
  workload: string,
  kind: StepKind,
  steps: StepResult[],
): SustainableThroughput {
  const passing = steps.filter((s) => s.slo.met && s.valid);
  const best = passing.reduce<StepResult | null>((a, s) => (a === null || s.achievedRps > a.achievedRps ? s : a), null);
  return {
    backend,
    workload,
    kind,
    maxSustainableRps: best ? best.achievedRps : null,
    atTarget: best ? best.target : null,
    p99Ms: best ? best.latencyMs.p99 : null,
    ceilingNotReached: steps.length > 0 && steps.every((s) => s.slo.met),
  };
}
