import type { Router } from 'express';
import type { DatasetOptions, RowStream, Scale, ScaleName } from '../dataset/index.ts';
import { countAtScale } from '../dataset/index.ts';
import { catalogWorkload } from './catalog/index.ts';
import type { LoadMix } from './load-mix.ts';
import { overviewWorkload } from './overview/index.ts';
import { usagesWorkload } from './usages/index.ts';
import type { VerifyStep } from './verify-step.ts';
import type {
  FileImport,
  LoadOptions,
  LoadReport,
  MixOptions,
  VerifyPlanOptions,
  WorkloadDescriptor,
  WorkloadOpenApi,
  WorkloadTables,
} from './workload.ts';

/**
 * Every workload the product serves, in the order commands run them. Adding a workload is one
 * folder under core/workloads/, one entry here, and one store (plus its bulk-loader method) per adapter.
 */
const DESCRIPTORS = [usagesWorkload, catalogWorkload, overviewWorkload] as const;

type Descriptor = (typeof DESCRIPTORS)[number];
export type WorkloadName = Descriptor['name'];

/** The stores a backend serves, one per workload (`backend.usages`, `backend.catalog`, ...). */
export type WorkloadStores = {
  readonly [D in Descriptor as D['name']]: D extends WorkloadDescriptor<string, infer S, unknown, WorkloadTables>
    ? S
    : never;
};

/** Fast bulk seeding per workload (`backend.load.usages(rows)`, `backend.load.catalog(source)`, ...). */
export type BulkLoader = {
  readonly [D in Descriptor as D['name']]: D extends WorkloadDescriptor<string, unknown, infer L, WorkloadTables>
    ? L
    : never;
};

/** Generated tables as row streams: synchronous batches (`batches()`) as well as async iteration. */
export type GeneratedTables = { readonly [table: string]: () => RowStream<object> };

/** What a workload descriptor uses of a backend: its stores and its bulk loader (a `Backend` is one). */
export type WorkloadBackend = WorkloadStores & { readonly load: BulkLoader };

/** A workload as the harness sees it: generic over every workload, no switch over names. */
export interface Workload {
  readonly name: WorkloadName;
  readonly summary: string;
  readonly scales: Readonly<Record<ScaleName, number>>;
  readonly tables: Readonly<Record<string, readonly string[]>>;
  readonly clientIds: boolean;
  router(backend: WorkloadBackend): Router;
  dataset(options: DatasetOptions): GeneratedTables;
  rowCounts(options: DatasetOptions): Record<string, number>;
  load(backend: WorkloadBackend, data: WorkloadTables, options?: LoadOptions): Promise<LoadReport>;
  mix(options: MixOptions): LoadMix;
  verifyPlan(options: VerifyPlanOptions): VerifyStep[];
  readonly openapi: WorkloadOpenApi;
  readonly fileImport?: FileImport;
}

export const WORKLOADS: readonly Workload[] = DESCRIPTORS;
export const WORKLOAD_NAMES: readonly WorkloadName[] = DESCRIPTORS.map((d) => d.name);

export function isWorkloadName(name: string): name is WorkloadName {
  return (WORKLOAD_NAMES as readonly string[]).includes(name);
}

/** The workload of a name; a RangeError naming the known ones otherwise. */
export function workload(name: string): Workload {
  const found = WORKLOADS.find((w) => w.name === name);
  if (!found) throw new RangeError(`unknown workload "${name}" (known: ${WORKLOAD_NAMES.join(', ')})`);
  return found;
}

/** Primary records (products, games, usages) of a workload at a scale. */
export function primaryCount(w: Workload, scale: Scale): number {
  return countAtScale(w.scales, scale);
}

export type {
  FileImport,
  FileImportOptions,
  LoadOptions,
  LoadProgress,
  LoadReport,
  ImportedData,
  ImportedFile,
  MixOptions,
  VerifyPlanOptions,
  WorkloadDescriptor,
  WorkloadOpenApi,
  WorkloadTables,
} from './workload.ts';
export type { StepContext, VerifyStep } from './verify-step.ts';
export {
  createIdPicker,
  drawRequest,
  seededRandom,
  withSlowClass,
  type IdDistribution,
  type LoadMix,
  type MixRequest,
  type RandomSource,
  type RequestTemplate,
  type SlowClass,
} from './load-mix.ts';
