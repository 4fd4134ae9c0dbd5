import type { Router } from 'express';
import type { DatasetOptions, RowStream, ScaleName } from '../dataset/index.ts';
import type { IdDistribution, LoadMix } from './load-mix.ts';
import type { VerifyStep } from './verify-step.ts';

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
 * A workload's data: one method per table, each starting a fresh pass over that table's rows
 * (a generator re-runs deterministically, an importer re-reads its file), so a loader may read
 * tables in any order, in parallel, or twice. Usages is `{ usages() }`, the catalog six tables.
 */
export type WorkloadTables = { readonly [table: string]: () => AsyncIterable<object> };

/** A generated data set: the tables as row streams (synchronous batches for fast consumers). */
export type GeneratedData<Tables extends WorkloadTables> = {
  readonly [T in keyof Tables]: () => RowStream<Tables[T] extends () => AsyncIterable<infer Row> ? Row : never>;
};

/** What a load mix is built from: the id range the data set holds and the scenario's knobs. */
export interface MixOptions {
  /** Primary records are numbered 1..primary (products, games; usages ignore it). */
  primary: number;
  distribution: IdDistribution;
  /** Fraction 0..1 of requests that read back records this run created (write workloads). */
  readBackFraction: number;
}

export interface VerifyPlanOptions {
  /** Primary records of the data set the servers hold. */
  primary: number;
  /** Dataset seed the servers were filled with. */
  datasetSeed: number;
  /** Include write round trips that undo themselves. */
  mutate: boolean;
}

/** The workload's part of the OpenAPI document: its paths and its component schemas. */
export interface WorkloadOpenApi {
  paths: Record<string, object>;
  schemas: Record<string, object>;
}

/** Reading a workload's data set from files (the Atelier CSV export for the catalog). */
export interface FileImport<Tables extends WorkloadTables = WorkloadTables> {
  /** What the folder must hold, for help texts. */
  readonly files: string;
  /**
   * Opens the folder: the tables read its files, rejecting bad rows with their reason into
   * `rejectsPath` instead of aborting. `finish()` (after the load) reads any table the loader
   * did not, closes the rejects file and returns the per-file summary.
   */
  open(dir: string, options: FileImportOptions): Promise<ImportedData<Tables>>;
}

export interface FileImportOptions {
  /** Where rejected rows go (`file,line,reason,raw`). */
  rejectsPath: string;
  /** Reader limits, e.g. `{ maxFieldChars: 10000, maxRecordLines: 50 }`. */
  limits?: Record<string, number>;
}

export interface ImportedData<Tables extends WorkloadTables> {
  tables: Tables;
  finish(): Promise<ImportedFile[]>;
}

/** Per file: records read (after the header), accepted, rejected, and rejections by kind (`orphan`, `duplicate id`...). */
export interface ImportedFile {
  file: string;
  records: number;
  accepted: number;
  rejected: number;
  reasons: Record<string, number>;
}

/**
 * Everything the product knows about one workload, in one object (YCSB's workload objects):
 * the core serves it, the harness generates, seeds, fingerprints, verifies and loads it
 * through this descriptor alone. `Store` is its storage port, `Loader` the bulk-loader method
 * every backend provides for it, `Tables` its data.
 */
export interface WorkloadDescriptor<N extends string, Store, Loader, Tables extends WorkloadTables> {
  readonly name: N;
  /** One line for help texts: what traffic this workload is. */
  readonly summary: string;
  /** Primary record count (products, games, usages) per named scale. */
  readonly scales: Readonly<Record<ScaleName, number>>;
  /** The tables in order, each with the canonical field order of its rows (fingerprints hash values in this order). */
  readonly tables: Readonly<Record<keyof Tables & string, readonly string[]>>;
  /** Whether the primary records have ids 1..N that requests name (catalog, overview), or ids the adapter chooses (usages). */
  readonly clientIds: boolean;
  /** The Express router serving this workload from a backend's store. */
  router(backend: { readonly [K in N]: Store }): Router;
  /** The deterministic data set at a scale and seed. */
  dataset(options: DatasetOptions): GeneratedData<Tables>;
  /** Exact rows per table of that data set, computed without producing the rows. */
  rowCounts(options: DatasetOptions): Record<keyof Tables & string, number>;
  /** Feeds data to the backend's bulk loader for this workload. */
  load(
    backend: { readonly load: { readonly [K in N]: Loader } },
    data: Tables,
    options?: LoadOptions,
  ): Promise<LoadReport>;
  /** The request mix the load generator draws from. */
  mix(options: MixOptions): LoadMix;
  /** The deterministic sample of requests every backend must answer like the memory reference. */
  verifyPlan(options: VerifyPlanOptions): VerifyStep[];
  readonly openapi: WorkloadOpenApi;
  /** Present when the data set can also be read from files. */
  readonly fileImport?: FileImport<Tables>;
}
