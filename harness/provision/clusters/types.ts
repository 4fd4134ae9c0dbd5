import type { ServerKind } from '../kinds/index.ts';
import type { ServerEndpoint } from '../types.ts';
import type { ClusterLayout } from './layout.ts';

/** One server of a cluster. */
export interface ClusterMember {
  /** `node1`..`nodeN` (ring; node1 is the seed), `primary`/`standby`, or `server` (a single server). */
  readonly name: string;
  /** What it does in the cluster: `seed`, `replica`, `primary`, `standby`, `server`. */
  role(): string;
  /** Its own URL (the cluster's URL lists every member where the adapter understands it). */
  readonly url: string;
  readonly address: string;
  /** The network host it runs on, when the cluster runs on a storebench network. */
  readonly hostName?: string;
  /** Its process group leader while it runs. */
  pid(): number | undefined;
  /** Milliseconds from spawn to answering, of its latest start. */
  startupMs(): number;
  /** kill -9 of its process group; its data directory stays. */
  kill(): Promise<void>;
  /** Starts it again on the same data directory; resolves once it answers. Throws where that is not possible. */
  restart(): Promise<void>;
}

/** A database of one backend, one server or several, started (or found) for a run. */
export interface RunningCluster {
  readonly kind: ServerKind;
  readonly layout: ClusterLayout;
  /** `single`, `ring3`, `standby-sync`...: see clusterLabel. */
  readonly label: string;
  /** The URL the API processes and the harness use. */
  readonly url: string;
  readonly members: readonly ClusterMember[];
  /** What answers, e.g. `Apache Cassandra 5.0.6`. */
  readonly version: string;
  /** Milliseconds until every member answered (members start one after another). */
  readonly startupMs: number;
  readonly provisioner: 'docker' | 'local' | 'external';
  /** The harness may wipe and seed it (always true for servers it started). */
  readonly resettable: boolean;
  /** Data directories of the members (to measure size on disk). */
  readonly dataDirs: readonly string[];
  member(name: string): ClusterMember;
  /** Pids of the members running now. */
  pids(): number[];
  /** The endpoint of the member the harness watches during steps (GC log, wait events): the first one. */
  watchedEndpoint(): ServerEndpoint | undefined;
  /**
   * What the cluster's failover does after it lost a member, played by the harness the way a
   * failover manager would (promote the standby after the configured delay); resolves to a sentence
   * saying what was done, or null when the layout does nothing (a ring serves on with the others).
   */
  afterMemberLost(name: string): Promise<string | null>;
  /** What must happen before a cut member's link comes back (fence an old primary); a sentence or null. */
  beforeHeal(name: string): Promise<string | null>;
  /**
   * A single server this run started: a clean shutdown, then the same server again on its data dir and
   * port (a new process: its JIT, heap and caches start over); resolves once it answers, with whether the
   * shutdown finished within its grace. Absent where that is not possible: a cluster of several members,
   * a server in Docker or one you run.
   */
  restartServer?(): Promise<{ readyMs: number; graceful: boolean }>;
  /** Waits until replicas caught up with everything written so far (after seeding). */
  settle(): Promise<void>;
  /** Stops every member and removes every data directory. */
  stop(): Promise<void>;
}
