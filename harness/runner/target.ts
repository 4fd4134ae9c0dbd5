/**
 * What the scenario runner loads: an API it can bring up, measure and take down again. `load`
 * builds one from a URL (optionally starting a server command); `compare` builds one per backend
 * and API layout (start the processes, verify their answers).
 */
export interface LoadTarget {
  /** Label in results, e.g. `postgres` or `postgres x4 least_conn`. */
  readonly label: string;
  /** Brings the target up and says where it answers; throws when it cannot. */
  open(): Promise<OpenTarget>;
  /**
   * How to start one fresh API process of this target under a profiler: a command beginning with
   * `node` (clinic wraps node only) and where it will listen (`port` is free, for targets that can
   * choose). Absent: the target cannot be profiled.
   */
  profileCommand?(port: number): { command: string[]; url: string };
}

/** A target that is up. */
export interface OpenTarget {
  url: string;
  /** The processes serving requests (API processes and their workers, a balancer), sampled each step. */
  serverPids?(): number[];
  /** The database's processes, sampled each step. */
  databasePids?(): number[];
  close(): Promise<void>;
}
