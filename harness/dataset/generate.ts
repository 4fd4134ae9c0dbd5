import type { WorkloadName } from '../../core/backend.ts';
import { primaryCount, scaleLabel, type DatasetOptions, type Scale } from '../../core/dataset/index.ts';
import { catalogDataset } from '../../core/workloads/catalog/dataset.ts';
import type { CatalogSource } from '../../core/workloads/catalog/types.ts';
import { overviewDataset } from '../../core/workloads/overview/dataset.ts';
import { usagesDataset } from '../../core/workloads/usages/dataset.ts';

/** A workload's generated data: a row stream, or the six catalog tables. */
export type WorkloadData = AsyncIterable<object> | CatalogSource;

export function generateWorkload(workload: WorkloadName, options: DatasetOptions): WorkloadData {
  switch (workload) {
    case 'usages':
      return usagesDataset(options);
    case 'overview':
      return overviewDataset(options);
    case 'catalog':
      return catalogDataset(options);
  }
}

/** Sizes and id ranges of a generated workload: what load mixes aim at and verify samples from. */
export interface ScaleDescription {
  workload: WorkloadName;
  scale: string;
  /** Products (catalog), records (overview) or usages. */
  primary: number;
  /** Ids of the primary records: 1..primary for catalog and overview; usages ids are chosen by the adapter. */
  idRange: { min: number; max: number } | undefined;
  /** The last 10% of ids, where missing indexes show (the load mixes aim here). */
  lastTenPercent: { min: number; max: number } | undefined;
  /** Exact generated rows per table. */
  rows: Record<string, number>;
}

export function describeScale(workload: WorkloadName, scale: Scale, seed = 1): ScaleDescription {
  const primary = primaryCount(workload, scale);
  const idRange = workload === 'usages' ? undefined : { min: 1, max: primary };
  const lastTenPercent = idRange && { min: Math.max(1, primary - Math.floor(primary / 10) + 1), max: primary };
  const rows: Record<string, number> =
    workload === 'catalog' ? { ...catalogDataset({ scale, seed }).counts() } : { [workload]: primary };
  return { workload, scale: scaleLabel(scale), primary, idRange, lastTenPercent, rows };
}
