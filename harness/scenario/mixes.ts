import { primaryCount } from '../../core/dataset/index.ts';
import type { WorkloadName } from '../../core/backend.ts';
import { catalogMix } from '../../core/workloads/catalog/mix.ts';
import { withSlowClass, type LoadMix } from '../../core/workloads/load-mix.ts';
import { overviewMix } from '../../core/workloads/overview/mix.ts';
import { usagesMix } from '../../core/workloads/usages/mix.ts';
import type { MixRecord, ScenarioRecord } from '../results/types.ts';
import type { Scenario } from './schema.ts';

/** The load mix of a workload with the scenario's id distribution and id ranges. */
export function mixFor(workload: WorkloadName, scenario: Scenario): LoadMix {
  const mix = workloadMix(workload, scenario);
  return scenario.slowFraction > 0
    ? withSlowClass(mix, { fraction: scenario.slowFraction, busyMs: scenario.slowBusyMs })
    : mix;
}

function workloadMix(workload: WorkloadName, scenario: Scenario): LoadMix {
  switch (workload) {
    case 'catalog':
      return catalogMix(
        { maxProductId: scenario.maxProductId ?? primaryCount('catalog', scenario.scale) },
        scenario.idDistribution,
      );
    case 'overview':
      return overviewMix(
        { maxGameId: scenario.maxGameId ?? primaryCount('overview', scenario.scale) },
        scenario.idDistribution,
      );
    case 'usages':
      return usagesMix({ readBackFraction: scenario.readBackFraction });
  }
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
    profile: scenario.profile,
    mixes: scenario.workloads.map((w) => mixRecord(mixFor(w, scenario))),
    ...(scenario.connections !== undefined && { connections: scenario.connections }),
    seed: scenario.seed,
    ...(scenario.profileStep !== undefined && { profileStep: scenario.profileStep }),
    ...(scenario.slowFraction > 0 && { slowFraction: scenario.slowFraction, slowBusyMs: scenario.slowBusyMs }),
    ...(scenario.readBackFraction > 0 && { readBackFraction: scenario.readBackFraction }),
  };
}
