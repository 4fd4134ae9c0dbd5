import { primaryCount, withSlowClass, workload as workloadNamed, type LoadMix } from '../../core/workloads/index.ts';
import type { MixRecord, ScenarioRecord } from '../results/types.ts';
import type { Scenario } from './schema.ts';

/** The load mix of a workload with the scenario's id distribution, id ranges and slow class. */
export function mixFor(name: string, scenario: Scenario): LoadMix {
  const workload = workloadNamed(name);
  const mix = workload.mix({
    primary: scenario.maxIds[workload.name] ?? primaryCount(workload, scenario.scale),
    distribution: scenario.idDistribution,
    readBackFraction: scenario.readBackFraction,
  });
  return scenario.slowFraction > 0
    ? withSlowClass(mix, { fraction: scenario.slowFraction, busyMs: scenario.slowBusyMs })
    : mix;
}

export function mixRecord(mix: LoadMix): MixRecord {
  return {
    workload: mix.workload,
    idDistribution: mix.distribution,
    weights: Object.fromEntries(mix.templates.map((t) => [t.name, t.weight])),
  };
}

/** The scenario as run.json records it. */
export function scenarioRecord(scenario: Scenario): ScenarioRecord {
  return {
    name: scenario.name,
    workloads: scenario.workloads,
    backends: scenario.backends,
    stepKind: scenario.stepKind,
    stepValues: scenario.stepValues,
    stepDurationS: scenario.stepDurationS,
    warmupS: scenario.warmupS,
    requestTimeoutMs: scenario.requestTimeoutMs,
    idDistribution: scenario.idDistribution,
    slo: scenario.slo,
    stopAfterFailedSteps: scenario.stopAfterFailedSteps,
    method: scenario.method,
    trials: scenario.trials,
    ...(scenario.method === 'search' && {
      searchStartRps: scenario.searchStartRps,
      resolution: scenario.resolution,
      maxSearchSteps: scenario.maxSearchSteps,
      endMissedStepsAfterS: scenario.endMissedStepsAfterS,
    }),
    targetWarmupS: scenario.targetWarmupS,
    jitWarmupMaxS: scenario.jitWarmupMaxS,
    apiPerTrial: scenario.apiPerTrial,
    databasePerTrial: scenario.databasePerTrial,
    pageCache: scenario.pageCache,
    interferenceLimitPercent: scenario.interferenceLimitPercent,
    phaseShiftMaxS: scenario.phaseShiftMaxS,
    ...(scenario.phaseSeed !== undefined && { phaseSeed: scenario.phaseSeed }),
    profile: scenario.profile,
    mixes: scenario.workloads.map((w) => mixRecord(mixFor(w, scenario))),
    ...(scenario.connections !== undefined && { connections: scenario.connections }),
    requestSeed: scenario.requestSeed,
    scale: scenario.scale,
    ...(Object.keys(scenario.maxIds).length > 0 && { maxIds: scenario.maxIds }),
    ...(scenario.profileStep !== undefined && { profileStep: scenario.profileStep }),
    ...(scenario.slowFraction > 0 && { slowFraction: scenario.slowFraction, slowBusyMs: scenario.slowBusyMs }),
    ...(scenario.readBackFraction > 0 && { readBackFraction: scenario.readBackFraction }),
  };
}
