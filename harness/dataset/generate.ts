import { scaleLabel, type Scale } from '../../core/dataset/index.ts';
import { primaryCount, type Workload } from '../../core/workloads/index.ts';
import { lastTenPercentStart } from '../../core/workloads/verify-step.ts';

/** Sizes and id ranges of a generated workload: what load mixes aim at and verify samples from. */
export interface ScaleDescription {
  workload: string;
  scale: string;
  /** Primary records: products (catalog), games (overview), usages. */
  primary: number;
  /** Ids of the primary records when clients name them (1..primary); absent when the adapter chooses ids. */
  idRange: { min: number; max: number } | undefined;
  /** The last 10% of ids, where missing indexes show (the load mixes aim here). */
  lastTenPercent: { min: number; max: number } | undefined;
  /** Exact generated rows per table. */
  rows: Record<string, number>;
}

export function describeScale(workload: Workload, scale: Scale, datasetSeed = 1): ScaleDescription {
  const primary = primaryCount(workload, scale);
  const idRange = workload.clientIds ? { min: 1, max: primary } : undefined;
  const lastTenPercent = idRange && { min: lastTenPercentStart(primary), max: primary };
  const rows = workload.rowCounts({ scale, seed: datasetSeed });
  return { workload: workload.name, scale: scaleLabel(scale), primary, idRange, lastTenPercent, rows };
}
