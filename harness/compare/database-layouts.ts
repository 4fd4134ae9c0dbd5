import { readFileSync } from 'node:fs';
import type { BackendName } from '../backends/index.ts';
import {
  createHostNetwork,
  probeRtt,
  rttLabel,
  type HostNetwork,
  type NetworkHost,
  type RttSetting,
} from '../network/index.ts';
import { pinTrees, type Placement } from '../placement/index.ts';
import {
  clusterDescription,
  clusterLabel,
  type ClusterLayout,
  type RunningCluster,
} from '../provision/clusters/index.ts';
import type { LayoutRecord, NetworkRecord, RttMeasurement } from '../results/index.ts';
import { backendClusters, type LayoutDimensions } from './layout-dimensions.ts';

/** Where a database and its API run: on loopback, or on hosts of the run's network. */
export type HostsMode = 'loopback' | 'netns';

export const hostsModeOf = (rtt: RttSetting): HostsMode => (rtt.kind === 'loopback' ? 'loopback' : 'netns');

/** One database a run prepares: a backend's cluster layout on loopback or on the network. */
export interface DatabaseLayout {
  backend: BackendName;
  cluster: ClusterLayout;
  /** How many cluster layouts this backend has (labels name the layout when more than one). */
  clustersOfBackend: number;
  hosts: HostsMode;
  /** Host names on the network start with it (unique per database). */
  hostPrefix: string;
}

/**
 * Every database the run prepares: per backend, each of its cluster layouts, once per hosts mode
 * the `--rtt` values need (a database on loopback cannot be reached from a namespace, and the other
 * way round every packet would cross the delay). Notes say what a backend could not be given.
 */
export function planDatabaseLayouts(
  backends: BackendName[],
  dimensions: LayoutDimensions,
): { layouts: DatabaseLayout[]; notes: string[] } {
  const modes = [...new Set(dimensions.rtt.map(hostsModeOf))];
  const layouts: DatabaseLayout[] = [];
  const notes = new Set<string>();
  const prefixes = new Set<string>();
  for (const backend of backends) {
    const { layouts: clusters, note } = backendClusters(backend, dimensions.clusters);
    if (note) notes.add(note);
    for (const cluster of clusters) {
      for (const hosts of modes) {
        let hostPrefix = `${backend}-${clusterLabel(cluster).split(' ')[0]}`;
        for (let i = 2; prefixes.has(hostPrefix); i++) hostPrefix = `${backend}-${i}`;
        prefixes.add(hostPrefix);
        layouts.push({ backend, cluster, clustersOfBackend: clusters.length, hosts, hostPrefix });
      }
    }
  }
  return { layouts, notes: [...notes] };
}

/** What one target records about its layout. */
export function layoutRecord(
  label: string,
  layout: DatabaseLayout,
  rtt: RttSetting,
  cluster: RunningCluster | undefined,
): LayoutRecord {
  return {
    label,
    backend: layout.backend,
    cluster: clusterLabel(layout.cluster),
    clusterDescription: cluster ? clusterDescription(layout.cluster) : 'no database (the API process holds the data)',
    members: (cluster?.members ?? []).map((m) => ({
      name: m.name,
      role: m.role(),
      address: m.address,
      startupMs: m.startupMs(),
    })),
    rtt: rttLabel(rtt),
    startupMs: cluster?.startupMs ?? 0,
  };
}

/** CPU seconds a process used so far (utime + stime), or 0 once it is gone. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const DELAY_MECHANISM =
  'an NFQUEUE relay in the router namespace (scripts/servers/netdelay) holds every forwarded packet half ' +
  'the round trip, since this kernel has no sch_netem; it costs CPU per packet, pinned with the load generator';

/**
 * The run's network: one `api` host for every API process, a host per database member, the load
 * generator in the harness's own namespace. Each layout sets its delay when it becomes the one
 * measured, and probes its round trips the first time.
 */
export class RunNetwork {
  private relayCpuAtStart: number | undefined;
  private readonly probed = new Map<string, RttMeasurement[]>();

  private constructor(
    readonly network: HostNetwork,
    private readonly placement: Placement,
  ) {}

  static async create(placement: Placement): Promise<RunNetwork> {
    return new RunNetwork(await createHostNetwork({ hosts: ['api'] }), placement);
  }

  get api(): NetworkHost {
    return this.network.host('api');
  }

  /**
   * Makes `rtt` the delay between every two hosts. The relay is pinned with the load generator:
   * on a real network the delay costs neither host any CPU, and here it must not take the system
   * under test's.
   */
  async activate(rtt: RttSetting): Promise<void> {
    if (rtt.kind !== 'netns') return;
    await this.network.setDelay(rtt.delay);
    const relay = this.network.relayPid();
    if (relay !== undefined && this.relayCpuAtStart === undefined) {
      this.relayCpuAtStart = cpuSeconds(relay);
      if (this.placement.mode === 'pinned') pinTrees([relay], this.placement.loadGenerator);
    }
  }

  /** Round trips load generator -> API host and API host -> the first database member, once per label. */
  async probe(label: string, database: NetworkHost | undefined): Promise<RttMeasurement[]> {
    const known = this.probed.get(label);
    if (known) return known;
    const pairs: Array<[NetworkHost, NetworkHost]> = [[this.network.loadGenerator, this.api]];
    if (database) pairs.push([this.api, database]);
    const measured: RttMeasurement[] = [];
    for (const [from, to] of pairs) {
      const { count, minMs, p50Ms, p90Ms } = await probeRtt(this.network, from, to, 100);
      measured.push({ from: from.name, to: to.name, count, minMs, p50Ms, p90Ms });
    }
    this.probed.set(label, measured);
    return measured;
  }

  async record(): Promise<NetworkRecord> {
    const relay = this.network.relayPid();
    return {
      subnet: this.network.subnet,
      delayMechanism: DELAY_MECHANISM,
      ...(relay !== undefined && {
        relayRealTime: this.network.relayRealTime() ?? false,
        relayCpuSeconds: Math.round((cpuSeconds(relay) - (this.relayCpuAtStart ?? 0)) * 10) / 10,
        relayPackets: await this.network.relayPackets(),
      }),
    };
  }

  remove(): Promise<void> {
    return this.network.remove();
  }
}
