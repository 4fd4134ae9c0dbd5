import { checkScale, DEFAULT_SCALE } from '../../core/dataset/index.ts';
import { isWorkloadName, WORKLOAD_NAMES, type WorkloadName } from '../../core/workloads/index.ts';
import { BACKEND_NAMES, isBackendName, type BackendName } from '../backends/index.ts';
import type { ProvisionMode, ServerKind } from '../provision/index.ts';
import type { CompareSettings, ScenarioRecord } from '../results/index.ts';
import { DEFAULT_STEP_VALUES, parseScenario, type Scenario } from '../scenario/index.ts';
import { SINGLE_PROCESS, topologyLabel, type Topology } from '../topology/index.ts';
import {
  dimensionsInputFromRecord,
  dimensionsRecord,
  layoutDimensions,
  type LayoutDimensions,
  type LayoutDimensionsInput,
} from './layout-dimensions.ts';

/**
 * The two presets of `storebench compare`. Both search each backend's max sustainable rate in 3
 * interleaved trials on a grid of four rates per doubling. `default` is sized for a 2-core machine
 * (small data; fewer, better steps beat many noisy ones): 6 s steps, because the API's major garbage
 * collections come every 2-8 s at the catalog boundary and a 3 s step measured whether one fell inside
 * it rather than the rate (docs/reproducibility.md, fifth and sixth rounds); to pay for them, the
 * MongoDB-wire stand-in is left out (it is never recommended; `--backends` brings it back) and the
 * memory control row is measured on the calibrated workload only, where it is also the A/A pair
 * (`--control-row every` measures it on every workload). `full` is
 * for a real decision: every backend, production-size data and steps long enough for caches,
 * compaction and GC to show.
 */
export const PRESETS = {
  default: {
    backends: ['memory', 'postgres', 'cassandra'],
    scale: DEFAULT_SCALE,
    method: 'search',
    trials: 3,
    stepValues: DEFAULT_STEP_VALUES.rate,
    stepDurationS: 6,
    warmupS: 1,
    stopAfterFailedSteps: 2,
    controlRow: 'calibrated',
  },
  full: {
    backends: BACKEND_NAMES,
    scale: 'full',
    method: 'search',
    trials: 3,
    stepValues: DEFAULT_STEP_VALUES.rate,
    stepDurationS: 30,
    warmupS: 10,
    stopAfterFailedSteps: 2,
    controlRow: 'every',
  },
} as const satisfies Record<
  string,
  { backends: readonly BackendName[]; controlRow: ControlRow } & Record<string, unknown>
>;

/**
 * Where the memory control row (the HTTP ceiling with no database) is measured: on every workload, or
 * only on the calibrated one, when memory is the calibrated backend (it is measured there anyway, as
 * one half of the A/A pair). Its API process is seeded with every workload either way, and warmed up
 * on the ones it measures.
 */
export type ControlRow = 'every' | 'calibrated';

export type PresetName = keyof typeof PRESETS;

/** Everything a comparison needs; the load side is a validated scenario. */
export interface ComparePlan {
  backends: BackendName[];
  workloads: WorkloadName[];
  settings: CompareSettings;
  scenario: Scenario;
  /** Where results/<run-id>/ goes. */
  resultsDir: string;
  runId?: string;
  javaHeap?: string;
  externalUrls?: Partial<Record<ServerKind, string>>;
  allowReset?: boolean;
  /** Render charts and reports at the end. Default true. */
  report?: boolean;
  /** Which workload is profiled when the scenario asks for a profile (default the first). */
  profileWorkload?: WorkloadName;
  /** CPU placement of the load generator and the system under test. */
  placement: 'pinned' | 'shared';
  /**
   * The A/A calibration: this backend's first layout measured again under a twin label on this
   * workload; with `sensitivity`, also with a known extra cost per request (`storebench calibrate`).
   */
  calibrate?: { backend: BackendName; workload: WorkloadName; sensitivity?: boolean };
  /** The network between hosts, the database layouts, the failure runs (layout-dimensions.ts). */
  dimensions: LayoutDimensions;
}

/** What the user may set; anything absent comes from the preset (or from a previous run with `--from`). */
export interface ComparePlanInput {
  preset?: PresetName;
  backends?: string[];
  workloads?: string[];
  scale?: string | number;
  datasetSeed?: number;
  provision?: ProvisionMode;
  /** API layouts to measure (see harness/topology); default one process with `workers` workers. */
  topologies?: Topology[];
  workers?: number;
  cache?: 'redis';
  scenario?: Record<string, unknown>;
  resultsDir?: string;
  runId?: string;
  javaHeap?: string;
  externalUrls?: ComparePlan['externalUrls'];
  allowReset?: boolean;
  report?: boolean;
  profileWorkload?: string;
  placement?: 'pinned' | 'shared';
  /** `BACKEND:WORKLOAD`, or `none`; default the control row (else the first backend) on the first workload, with 2+ trials. */
  calibrate?: string;
  /** Measure the calibrated target a third time with a known extra cost (it must come out slower). */
  sensitivity?: boolean;
  /** Where the memory control row is measured (default the preset's). */
  controlRow?: ControlRow;
  /** `--rtt`, `--hosts`, `--cluster`, `--fault*` as given (layout-dimensions.ts). */
  dimensions?: LayoutDimensionsInput;
}

/** Validates the input and fills in the preset; throws a RangeError naming the bad field. */
export function comparePlan(input: ComparePlanInput): ComparePlan {
  const preset = input.preset ?? 'default';
  const defaults = PRESETS[preset];
  const backends = input.backends ?? [...defaults.backends];
  for (const b of backends) {
    if (!isBackendName(b))
      throw new RangeError(`backends: unknown backend "${b}" (known: ${BACKEND_NAMES.join(', ')})`);
  }
  const workloads = input.workloads ?? [...WORKLOAD_NAMES];
  for (const w of workloads) {
    if (!isWorkloadName(w))
      throw new RangeError(`workloads: unknown workload "${w}" (known: ${WORKLOAD_NAMES.join(', ')})`);
  }
  if (backends.length === 0) throw new RangeError('backends: at least one backend');
  if (workloads.length === 0) throw new RangeError('workloads: at least one workload');
  const scale = input.scale ?? defaults.scale;
  checkScale(scale);
  const workers = input.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new RangeError('workers: an integer 1..64');
  const topologies = input.topologies ?? [{ ...SINGLE_PROCESS, workers, cache: input.cache === 'redis' }];
  if (topologies.length === 0) throw new RangeError('topologies: at least one');
  const labels = topologies.map(topologyLabel);
  if (new Set(labels).size !== labels.length) throw new RangeError(`topologies: listed twice (${labels.join(', ')})`);
  const datasetSeed = input.datasetSeed ?? 1;
  if (!Number.isInteger(datasetSeed)) throw new RangeError('datasetSeed: an integer');
  const provision = input.provision ?? 'auto';
  if (!['auto', 'local', 'docker', 'external'].includes(provision))
    throw new RangeError('provision: auto | local | docker | external');
  if (input.profileWorkload !== undefined && !workloads.includes(input.profileWorkload))
    throw new RangeError(`profile-workload: "${input.profileWorkload}" is not one of the compared workloads`);
  const placement = input.placement ?? 'pinned';
  if (placement !== 'pinned' && placement !== 'shared') throw new RangeError('placement: pinned | shared');
  const scenario = parseScenario(
    {
      name: `compare-${preset}`,
      stepKind: 'rate',
      method: defaults.method,
      trials: defaults.trials,
      stepValues: [...defaults.stepValues],
      stepDurationS: defaults.stepDurationS,
      warmupS: defaults.warmupS,
      stopAfterFailedSteps: defaults.stopAfterFailedSteps,
      ...input.scenario,
      workloads,
      backends,
      scale,
    },
    'compare options',
  );
  const calibrate = calibrationTarget(
    input.calibrate,
    backends as BackendName[],
    workloads as WorkloadName[],
    scenario.trials,
  );
  if (calibrate && input.sensitivity) calibrate.sensitivity = true;
  const controlRow = input.controlRow ?? defaults.controlRow;
  if (controlRow !== 'every' && controlRow !== 'calibrated') throw new RangeError('control-row: every | calibrated');
  const dimensions = layoutDimensions(input.dimensions ?? {}, workloads as WorkloadName[]);
  const settings: CompareSettings = {
    ...dimensionsRecord(dimensions),
    scale,
    datasetSeed,
    provision,
    topologies,
    preset,
    placement,
    calibrate: calibrate
      ? `${calibrate.backend}:${calibrate.workload}${calibrate.sensitivity ? ':sensitivity' : ''}`
      : 'none',
    // What is done: on the calibrated workload only when memory is the calibrated backend.
    controlRow: controlRow === 'calibrated' && calibrate?.backend === 'memory' ? 'calibrated' : 'every',
  };
  return {
    backends: backends as BackendName[],
    workloads: workloads as WorkloadName[],
    settings,
    scenario,
    resultsDir: input.resultsDir ?? 'results',
    ...(input.runId !== undefined && { runId: input.runId }),
    ...(input.javaHeap !== undefined && { javaHeap: input.javaHeap }),
    ...(input.externalUrls !== undefined && { externalUrls: input.externalUrls }),
    ...(input.allowReset !== undefined && { allowReset: input.allowReset }),
    ...(input.report !== undefined && { report: input.report }),
    ...(input.profileWorkload !== undefined && { profileWorkload: input.profileWorkload as WorkloadName }),
    placement,
    ...(calibrate && { calibrate }),
    dimensions,
  };
}

/** The calibrated (backend, workload), from `BACKEND:WORKLOAD` or `none`; by default only with 2+ trials. */
function calibrationTarget(
  given: string | undefined,
  backends: BackendName[],
  workloads: WorkloadName[],
  trials: number,
): ComparePlan['calibrate'] {
  if (given === 'none' || (given === undefined && trials < 2)) return undefined;
  const [backend = backends.includes('memory') ? 'memory' : backends[0]!, workload = workloads[0]!, extra] = given
    ? given.split(':')
    : [];
  if (!backends.includes(backend as BackendName))
    throw new RangeError(`calibrate: "${backend}" is not one of the compared backends`);
  if (!workloads.includes(workload as WorkloadName))
    throw new RangeError(`calibrate: "${workload}" is not one of the compared workloads`);
  return {
    backend: backend as BackendName,
    workload: workload as WorkloadName,
    ...(extra === 'sensitivity' && { sensitivity: true }),
  };
}

/**
 * The plan input that reproduces a recorded run (`--from run.json`): its backends, workloads,
 * scale, seeds and ladder. Runs written by `storebench load` have no compare settings; their
 * scale defaults to the preset's.
 */
export function inputFromRecord(record: ScenarioRecord): ComparePlanInput {
  const settings = record.compare;
  return {
    ...(settings && {
      preset: settings.preset,
      scale: settings.scale,
      datasetSeed: settings.datasetSeed,
      provision: settings.provision as ProvisionMode,
      topologies: settings.topologies,
      ...(settings.placement && { placement: settings.placement }),
      ...(settings.calibrate && { calibrate: settings.calibrate }),
      // A run recorded before the choice existed measured the control row on every workload.
      controlRow: settings.controlRow ?? 'every',
      dimensions: dimensionsInputFromRecord(settings),
    }),
    backends: record.backends,
    workloads: record.workloads,
    scenario: {
      stepKind: record.stepKind,
      stepValues: record.stepValues,
      stepDurationS: record.stepDurationS,
      warmupS: record.warmupS,
      requestTimeoutMs: record.requestTimeoutMs,
      idDistribution: record.idDistribution,
      slo: record.slo,
      stopAfterFailedSteps: record.stopAfterFailedSteps,
      ...(record.method !== undefined && { method: record.method }),
      ...(record.trials !== undefined && { trials: record.trials }),
      ...(record.searchStartRps !== undefined && { searchStartRps: record.searchStartRps }),
      ...(record.resolution !== undefined && { resolution: record.resolution }),
      ...(record.maxSearchSteps !== undefined && { maxSearchSteps: record.maxSearchSteps }),
      // A run recorded before the choice existed ran every step to its end.
      endMissedStepsAfterS: record.endMissedStepsAfterS ?? 0,
      ...(record.targetWarmupS !== undefined && { targetWarmupS: record.targetWarmupS }),
      // A run recorded before the JVM warm-up existed had none.
      jitWarmupMaxS: record.jitWarmupMaxS ?? 0,
      // A run recorded before the choice existed reused its API processes.
      apiPerTrial: record.apiPerTrial ?? 'reuse',
      // A run recorded before the choice existed kept one database process.
      databasePerTrial: record.databasePerTrial ?? 'keep',
      // A run recorded before the choice existed left the page cache as it was.
      pageCache: record.pageCache ?? 'as-is',
      ...(record.interferenceLimitPercent !== undefined && {
        interferenceLimitPercent: record.interferenceLimitPercent,
      }),
      // A run recorded before the choice existed drew no phase. The seed is not carried: a run again draws
      // phases of its own (`--phase-seed` replays a recorded one).
      phaseShiftMaxS: record.phaseShiftMaxS ?? 0,
      profile: record.profile,
      ...(record.connections !== undefined && { connections: record.connections }),
      ...((record.requestSeed ?? record.seed) !== undefined && { requestSeed: record.requestSeed ?? record.seed }),
      ...(record.maxIds !== undefined && { maxIds: record.maxIds }),
      ...(record.profileStep !== undefined && { profileStep: record.profileStep }),
      ...(record.slowFraction !== undefined && { slowFraction: record.slowFraction }),
      ...(record.slowBusyMs !== undefined && { slowBusyMs: record.slowBusyMs }),
      ...(record.readBackFraction !== undefined && { readBackFraction: record.readBackFraction }),
    },
  };
}

/** Later inputs win, field by field; scenario and dimension fields merge. */
export function mergeInputs(...inputs: ComparePlanInput[]): ComparePlanInput {
  const merged: ComparePlanInput = {};
  for (const input of inputs) {
    const { scenario, dimensions, ...rest } = input;
    Object.assign(merged, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
    if (scenario) merged.scenario = { ...merged.scenario, ...scenario };
    if (dimensions) merged.dimensions = { ...merged.dimensions, ...dimensions };
  }
  return merged;
}
