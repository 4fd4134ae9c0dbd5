import type { WorkloadName } from '../backend.ts';

/** Named dataset sizes. `full` matches the production data sets the workloads come from. */
export type ScaleName = 'tiny' | 'small' | 'medium' | 'full';
export const SCALE_NAMES: readonly ScaleName[] = ['tiny', 'small', 'medium', 'full'];

/** Primary record count (products for catalog, records for overview and usages) per named scale. */
const PRIMARY: Record<ScaleName, Record<WorkloadName, number>> = {
  tiny: { catalog: 200, overview: 1_000, usages: 1_000 },
  small: { catalog: 10_000, overview: 100_000, usages: 100_000 },
  medium: { catalog: 100_000, overview: 1_000_000, usages: 1_000_000 },
  full: { catalog: 1_000_011, overview: 10_000_000, usages: 10_000_000 },
};

/** A scale as given on the command line or in a scenario: a name, a count (`250k`, `1m`, `10m`, `5000`) or a number. */
export type Scale = ScaleName | string | number;

const COUNT = /^(\d+(?:\.\d+)?)([km]?)$/i;

/** The primary record count of a workload at a scale; throws a RangeError naming the bad scale. */
export function primaryCount(workload: WorkloadName, scale: Scale): number {
  if (typeof scale === 'number') return checkCount(scale, String(scale));
  const named = PRIMARY[scale as ScaleName];
  if (named) return named[workload];
  const match = COUNT.exec(scale.trim());
  if (!match) {
    throw new RangeError(`unknown scale "${scale}": expected ${SCALE_NAMES.join(', ')} or a count like 250k, 1m, 10m`);
  }
  const unit = match[2]!.toLowerCase();
  const factor = unit === 'k' ? 1_000 : unit === 'm' ? 1_000_000 : 1;
  return checkCount(Math.round(Number(match[1]) * factor), scale);
}

function checkCount(count: number, label: string): number {
  if (!Number.isInteger(count) || count < 1 || count > 2_000_000_000) {
    throw new RangeError(`scale "${label}" must give a record count between 1 and 2,000,000,000`);
  }
  return count;
}

/** A stable label for results: the name when it is one, else the count. */
export function scaleLabel(scale: Scale): string {
  return typeof scale === 'number' ? String(scale) : scale;
}

/** Options of every generator: a scale (name or count) and a seed (default 1). */
export interface DatasetOptions {
  scale: Scale;
  seed?: number;
}
