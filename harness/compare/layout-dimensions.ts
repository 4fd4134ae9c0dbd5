import type { WorkloadName } from '../../core/workloads/index.ts';
import { SERVER_OF, type BackendName } from '../backends/index.ts';
import { faultLabel, parseFault, type FaultSpec } from '../fault/index.ts';
import { LOOPBACK, parseRtt, rttLabel, type RttSetting } from '../network/index.ts';
import {
  clusterLabel,
  clusterSpec,
  layoutKind,
  MONGO_NO_REPLICA_SET,
  parseClusterLayout,
  SINGLE_SERVER,
  type ClusterLayout,
} from '../provision/clusters/index.ts';
import type { CompareSettings } from '../results/index.ts';

/**
 * The layout dimensions besides the API's topology (harness/topology): the network between the
 * hosts (`--rtt`), how each backend's database is laid out (`--cluster`), and the failures injected
 * after the search (`--fault`). Each value of a dimension is one more measured layout, labelled.
 */
export interface LayoutDimensions {
  rtt: RttSetting[];
  clusters: ClusterLayout[];
  fault?: FaultRunPlan;
}

/** The failure runs: each a steady step at `load` times the target's measured max. */
export interface FaultRunPlan {
  specs: FaultSpec[];
  /** Fraction of the target's measured max sustainable rate (median of its trials). */
  load: number;
  /** A fixed rate instead (the same offered load for every layout). */
  rateRps?: number;
  durationS: number;
  warmupS: number;
  workload: WorkloadName;
}

/** What the user may give, as the flags (and run.json) spell it. */
/** The layout flags as given: the fields run.json records (so `--from` repeats them), plus `--hosts`. */
export type LayoutDimensionsInput = Pick<
  CompareSettings,
  'rtt' | 'clusters' | 'faults' | 'faultLoad' | 'faultRps' | 'faultDurationS' | 'faultWorkload'
> & {
  /** `netns`: hosts in namespaces even with no delay (as `--rtt 0`); `loopback` refuses any delay. */
  hosts?: string;
};

const FAULT_DEFAULTS = { load: 0.5, durationS: 30, warmupS: 2 };

/** Validates the dimensions; throws a RangeError naming the flag. */
export function layoutDimensions(input: LayoutDimensionsInput, workloads: WorkloadName[]): LayoutDimensions {
  if (input.hosts !== undefined && input.hosts !== 'loopback' && input.hosts !== 'netns') {
    throw new RangeError('--hosts: loopback | netns');
  }
  const rtt = input.rtt?.map(parseRtt) ?? [input.hosts === 'netns' ? parseRtt('0') : LOOPBACK];
  if (input.hosts === 'loopback' && rtt.some((r) => r.kind === 'netns')) {
    throw new RangeError('--hosts loopback: a round trip needs hosts in namespaces (--hosts netns)');
  }
  if (input.hosts === 'netns' && rtt.some((r) => r.kind === 'loopback')) {
    throw new RangeError('--hosts netns: loopback is not a host in a namespace (drop it from --rtt)');
  }
  const rttLabels = rtt.map(rttLabel);
  if (new Set(rttLabels).size !== rttLabels.length)
    throw new RangeError(`--rtt: listed twice (${rttLabels.join(', ')})`);
  const clusters = input.clusters?.map(parseClusterLayout) ?? [SINGLE_SERVER];
  const clusterTexts = clusters.map(clusterSpec);
  if (new Set(clusterTexts).size !== clusterTexts.length) throw new RangeError(`--cluster: listed twice`);
  if (clusters.length === 0) throw new RangeError('--cluster: at least one layout');
  const dimensions: LayoutDimensions = { rtt, clusters };
  if (input.faults && input.faults.length > 0) {
    const specs = input.faults.map(parseFault);
    const load = input.faultLoad ?? FAULT_DEFAULTS.load;
    if (!(load > 0 && load <= 2)) throw new RangeError('--fault-load: a fraction of the measured max, e.g. 0.5');
    if (input.faultRps !== undefined && !(input.faultRps > 0)) throw new RangeError('--fault-rps: a positive rate');
    const durationS = input.faultDurationS ?? FAULT_DEFAULTS.durationS;
    if (!(durationS >= 5 && durationS <= 3600)) throw new RangeError('--fault-duration: seconds, 5..3600');
    for (const spec of specs) {
      if (spec.atS >= durationS)
        throw new RangeError(`--fault ${faultLabel(spec)}: after the step's end (${durationS} s)`);
    }
    const workload = (input.faultWorkload ?? (workloads.includes('usages') ? 'usages' : workloads[0]!)) as WorkloadName;
    if (!workloads.includes(workload))
      throw new RangeError(`--fault-workload: "${workload}" is not one of the workloads`);
    dimensions.fault = {
      specs,
      load,
      ...(input.faultRps !== undefined && { rateRps: input.faultRps }),
      durationS,
      warmupS: FAULT_DEFAULTS.warmupS,
      workload,
    };
  }
  return dimensions;
}

/** The run.json record of the dimensions that differ from the defaults (so older records stay as they were). */
export function dimensionsRecord(d: LayoutDimensions): Partial<CompareSettings> {
  const loopbackOnly = d.rtt.length === 1 && d.rtt[0]!.kind === 'loopback';
  const singleOnly = d.clusters.length === 1 && d.clusters[0]!.kind === 'single';
  return {
    ...(!loopbackOnly && {
      rtt: d.rtt.map((r) => (r.kind === 'loopback' ? 'loopback' : `${r.delay.rttMs}ms~${r.delay.jitterMs}ms`)),
    }),
    ...(!singleOnly && { clusters: d.clusters.map(clusterSpec) }),
    ...(d.fault && {
      faults: d.fault.specs.map(faultLabel),
      faultLoad: d.fault.load,
      ...(d.fault.rateRps !== undefined && { faultRps: d.fault.rateRps }),
      faultDurationS: d.fault.durationS,
      faultWorkload: d.fault.workload,
    }),
  };
}

/** The dimensions input that reproduces a recorded run. */
export function dimensionsInputFromRecord(settings: CompareSettings): LayoutDimensionsInput {
  return {
    ...(settings.rtt && { rtt: settings.rtt }),
    ...(settings.clusters && { clusters: settings.clusters }),
    ...(settings.faults && { faults: settings.faults }),
    ...(settings.faultLoad !== undefined && { faultLoad: settings.faultLoad }),
    ...(settings.faultRps !== undefined && { faultRps: settings.faultRps }),
    ...(settings.faultDurationS !== undefined && { faultDurationS: settings.faultDurationS }),
    ...(settings.faultWorkload !== undefined && { faultWorkload: settings.faultWorkload }),
  };
}

/**
 * The database layouts of one backend: those of `clusters` for its server kind, `single` for any;
 * a backend none of them fits runs as a single server. The memory backend has no database.
 */
export function backendClusters(
  backend: BackendName,
  clusters: ClusterLayout[],
): { layouts: ClusterLayout[]; note?: string } {
  const kind = SERVER_OF[backend];
  if (!kind) return { layouts: [SINGLE_SERVER] };
  const fits = clusters.filter((c) => c.kind === 'single' || layoutKind(c) === kind);
  const clustered = clusters.some((c) => c.kind !== 'single');
  const note = kind === 'mongo' && clustered ? MONGO_NO_REPLICA_SET : undefined;
  return { layouts: fits.length > 0 ? fits : [SINGLE_SERVER], ...(note && { note }) };
}

/**
 * A target's label: the backend, then each dimension that has more than one value for it (or a
 * value other than its default): `postgres`, `cassandra ring3`, `postgres rtt 0.5ms`,
 * `cassandra single loopback x4 least_conn`.
 */
export function targetLabel(parts: {
  backend: string;
  cluster: ClusterLayout;
  clustersOfBackend: number;
  rtt: RttSetting;
  rtts: number;
  topology: string;
  topologies: number;
}): string {
  const words = [parts.backend];
  if (parts.cluster.kind !== 'single' || parts.clustersOfBackend > 1) words.push(clusterLabel(parts.cluster));
  if (parts.rtt.kind !== 'loopback' || parts.rtts > 1) words.push(rttLabel(parts.rtt));
  if (parts.topologies > 1) words.push(parts.topology);
  return words.join(' ');
}
