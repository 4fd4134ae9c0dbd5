import type { LadderOptions } from '../load/index.ts';
import { mixFor } from './mixes.ts';
import type { Scenario } from './schema.ts';

/** What a scenario says about a workload's ladder; the caller adds the target (labels, URL, pids, hooks). */
export type ScenarioLadder = Pick<
  LadderOptions,
  | 'mix'
  | 'kind'
  | 'values'
  | 'durationS'
  | 'warmupS'
  | 'requestTimeoutMs'
  | 'connections'
  | 'slo'
  | 'stopAfterFailedSteps'
  | 'requestSeed'
  | 'interferenceLimitPercent'
>;

export function scenarioLadder(scenario: Scenario, workload: string): ScenarioLadder {
  return {
    mix: mixFor(workload, scenario),
    kind: scenario.stepKind,
    values: scenario.stepValues,
    durationS: scenario.stepDurationS,
    warmupS: scenario.warmupS,
    requestTimeoutMs: scenario.requestTimeoutMs,
    ...(scenario.connections !== undefined && { connections: scenario.connections }),
    slo: scenario.slo,
    stopAfterFailedSteps: scenario.stopAfterFailedSteps,
    requestSeed: scenario.requestSeed,
    interferenceLimitPercent: scenario.interferenceLimitPercent,
  };
}
