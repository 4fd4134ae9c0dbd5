import type { Registry } from 'prom-client';
import type { BulkLoader, WorkloadName, WorkloadStores } from './workloads/index.ts';

export type { BulkLoader, LoadOptions, LoadProgress, LoadReport, WorkloadName } from './workloads/index.ts';

/**
 * The plug-in boundary: one per adapter, built by its factory (e.g. `createPostgresBackend`).
 * It holds one store per workload (`usages`, `catalog`, `overview`: see core/workloads) and a
 * bulk loader with one method per workload. Each loader method streams its input (memory bounded
 * whatever the row count), expects the workload's tables to be empty (call `reset()` first), and
 * resolves once every row is durably written and indexes are built.
 */
export interface Backend extends WorkloadStores {
  /** Short stable name used in results, e.g. `postgres`, `memory`, `postgres+redis`. */
  readonly name: string;
  readonly load: BulkLoader;
  /** Create schema and indexes; idempotent. */
  migrate(): Promise<void>;
  /** Remove every row of every workload, keeping the schema. */
  reset(): Promise<void>;
  /** Throws (BackendUnavailableError) when the database cannot answer a trivial query now. Used by /readyz. */
  ping(): Promise<void>;
  /** Server product and version, e.g. `PostgreSQL 15.18`, for results. */
  serverVersion(): Promise<string>;
  /**
   * Optional: bytes the workload's tables and indexes take on disk, as the database itself reports them.
   * The harness falls back to the growth of the server's data directory while seeding when absent.
   */
  sizeOnDisk?(workload: WorkloadName): Promise<number>;
  /**
   * Optional: bring the database to a quiet state after a bulk load, before anything is measured
   * (a checkpoint, statistics, pending compactions). Returns what it did, e.g. `CHECKPOINT 0.3 s`.
   */
  settle?(): Promise<string[]>;
  /** Optional: register the backend's own metrics (e.g. cache hits) with the API's Prometheus registry. */
  instrument?(registry: Registry): void;
  /** Release connections; the backend is unusable afterwards. */
  close(): Promise<void>;
}
