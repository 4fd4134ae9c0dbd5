import type { Backend } from '../backend.ts';
import type { ConformanceRequest, HttpCall } from './client.ts';

/** What the shared suite hands each workload's behaviours. */
export interface ConformanceSuite {
  /** Calls the API serving the backend under test. */
  http: HttpCall;
  /** The backend under test, made by the suite's before(): call it inside tests only. */
  backend(): Backend;
  /** A new, empty reference backend (the memory adapter), which loads and reads are compared with. */
  reference(): Backend;
  /**
   * Why the adapter opted out of the behaviour `key` (runConformance's `optOut`), to pass as the
   * test's `skip`; undefined when it did not. Asking declares the key: an opt-out naming a key
   * no behaviour asks for fails the suite.
   */
  optOut(key: string): string | undefined;
}

/** What must hold after migrate() and after reset(), for one workload (see `lifecycle`). */
export interface LifecycleChecks {
  /** After migrate() again: the workload's data is still served. */
  kept(): Promise<void>;
  /** After reset(): nothing of it is served any more, and it works again from empty. */
  emptied(): Promise<void>;
}

/**
 * One workload's part of the conformance suite. `core/workloads/<name>/conformance.ts` exports it as
 * `conformance`; the suite finds it by the workload's name, so no shared file lists the workloads.
 */
export interface WorkloadConformance {
  /** Loads the workload's fixtures into a migrated, reset backend and checks the load report. */
  loadFixtures(backend: Backend): Promise<void>;
  /** Registers the behaviours on the loaded fixtures, inside the suite's describe. */
  behaviours(suite: ConformanceSuite): void;
  /**
   * Registers bulk-load behaviours. They run after every behaviour that reads the fixtures, and each
   * resets the backend before the load it needs to start from empty.
   */
  loads?(suite: ConformanceSuite): void;
  /** Requests that reach the workload's store: 503 while its server cannot answer, anything else once it can. */
  storeRequests: readonly ConformanceRequest[];
  /** Requests with bad input: 400 naming `field` even while the server cannot answer (validation comes first). */
  invalidRequests: readonly (ConformanceRequest & { field: string })[];
  /** Writes through the API and returns a check that it reads back (around outages); none for read-only workloads. */
  writeAndReadBack?(http: HttpCall): Promise<() => Promise<void>>;
  /** Called before migrate() and reset() with the fixtures loaded; returns what must hold after each. */
  lifecycle(http: HttpCall): Promise<LifecycleChecks>;
}
