import type { StepObservations } from '../load/index.ts';
import type { PageCacheWarming } from '../results/index.ts';
import type { Scenario } from '../scenario/index.ts';

/**
 * What the scenario runner loads: an API it can bring up, measure and take down again. `load`
 * builds one from a URL (optionally starting a server command); `compare` builds one per backend
 * and API layout (start the processes, verify their answers, warm them up).
 */
export interface LoadTarget {
  /** Label in results, e.g. `postgres` or `postgres x4 least_conn`. */
  readonly label: string;
  /** The workloads measured on this target (default: every workload of the scenario). */
  readonly workloads?: readonly string[];
  /**
   * Scenario fields this target measures with instead of the run's (e.g. a slow request class that
   * only it carries), read before each of its trials.
   */
  scenario?(): Partial<Pick<Scenario, 'slowFraction' | 'slowBusyMs'>>;
  /**
   * Closed after every trial and opened again for the next (new API processes each trial), instead of
   * paused and resumed. Absent: one opening serves every trial.
   */
  readonly freshPerTrial?: boolean;
  /**
   * Brings the target up and says where it answers; throws when it cannot. `again`: it was open in an
   * earlier trial (what was checked then, such as its answers against the reference, need not be again).
   * `trial`: the trial it opens for (1-based; absent outside the trials, e.g. a failure run), named in
   * what it records.
   */
  open(again?: boolean, trial?: number): Promise<OpenTarget>;
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
  /** Roots of the process trees serving requests (API processes, a balancer), sampled each step. */
  serverPids?(): number[];
  /** Roots of the database's process trees, sampled each step. */
  databasePids?(): number[];
  /** What the target saw during a step's measured window (GC pauses, database waits). */
  observe?(window: { fromMs: number; toMs: number }): Promise<StepObservations>;
  /**
   * Reads the target's files (its database's data directory, the files its processes map) into the page
   * cache, before a trial of a workload (`pageCache: warm`).
   */
  warmPageCache?(): Promise<PageCacheWarming>;
  /** Between trials, while other targets are measured: stop using any CPU (SIGSTOP), and back. */
  pause?(): Promise<void>;
  resume?(): Promise<void>;
  close(): Promise<void>;
}
