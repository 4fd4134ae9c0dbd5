import type { Registry } from 'prom-client';
import type { CatalogSource } from './workloads/catalog/types.ts';
import type { CatalogStore } from './workloads/catalog/store.ts';
import type { OverviewRecord } from './workloads/overview/types.ts';
import type { OverviewStore } from './workloads/overview/store.ts';
import type { UsageInput } from './workloads/usages/types.ts';
import type { UsageStore } from './workloads/usages/store.ts';

export type WorkloadName = 'usages' | 'catalog' | 'overview';
export const WORKLOADS: readonly WorkloadName[] = ['usages', 'catalog', 'overview'];

/** Progress of a bulk load, reported every few thousand rows and once at the end of each table. */
export interface LoadProgress {
  table: string;
  rows: number;
  done: boolean;
}

export interface LoadOptions {
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
}

/** What a bulk load did: rows written per table (the adapter's own table names) and wall time. */
export interface LoadReport {
  rows: Record<string, number>;
  ms: number;
}

/**
 * Fast bulk seeding per workload. Streams its input (memory bounded whatever the
 * row count), expects the workload's tables to be empty (call `reset()` first),
 * and resolves once every row is durably written and indexes are built.
 */
export interface BulkLoader {
  usages(rows: AsyncIterable<UsageInput>, options?: LoadOptions): Promise<LoadReport>;
  catalog(source: CatalogSource, options?: LoadOptions): Promise<LoadReport>;
  overview(rows: AsyncIterable<OverviewRecord>, options?: LoadOptions): Promise<LoadReport>;
}

/** The plug-in boundary: one per adapter, built by its factory (e.g. `createPostgresBackend`). */
export interface Backend {
  /** Short stable name used in results, e.g. `postgres`, `memory`, `postgres+redis`. */
  readonly name: string;
  readonly usages: UsageStore;
  readonly catalog: CatalogStore;
  readonly overview: OverviewStore;
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
  /** Optional: register the backend's own metrics (e.g. cache hits) with the API's Prometheus registry. */
  instrument?(registry: Registry): void;
  /** Release connections; the backend is unusable afterwards. */
  close(): Promise<void>;
}
