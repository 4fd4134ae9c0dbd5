/** Named dataset sizes. `full` matches the production data sets the workloads come from. */
export type ScaleName = 'tiny' | 'small' | 'medium' | 'full';
export const SCALE_NAMES: readonly ScaleName[] = ['tiny', 'small', 'medium', 'full'];

/** The scale every command uses when none is given. */
export const DEFAULT_SCALE: ScaleName = 'small';

/** A scale as given on the command line or in a scenario: a name, a count (`250k`, `1m`, `10m`, `5000`) or a number. */
export type Scale = ScaleName | string | number;

const COUNT = /^(\d+(?:\.\d+)?)([km]?)$/i;

/**
 * The primary record count at a scale, given the counts a workload has per named scale;
 * an explicit count is taken as is. Throws a RangeError naming the bad scale.
 */
export function countAtScale(named: Readonly<Record<ScaleName, number>>, scale: Scale): number {
  if (typeof scale === 'number') return checkCount(scale, String(scale));
  if (isScaleName(scale)) return named[scale];
  const match = COUNT.exec(scale.trim());
  if (!match) {
    throw new RangeError(`unknown scale "${scale}": expected ${SCALE_NAMES.join(', ')} or a count like 250k, 1m, 10m`);
  }
  const unit = match[2]!.toLowerCase();
  const factor = unit === 'k' ? 1_000 : unit === 'm' ? 1_000_000 : 1;
  return checkCount(Math.round(Number(match[1]) * factor), scale);
}

/** Throws a RangeError naming the scale unless it is a scale name or a valid count. */
export function checkScale(scale: Scale): void {
  countAtScale({ tiny: 1, small: 1, medium: 1, full: 1 }, scale);
}

function isScaleName(scale: string): scale is ScaleName {
  return (SCALE_NAMES as readonly string[]).includes(scale);
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
  /** The dataset seed: same seed and scale, byte-identical rows. */
  seed?: number;
}
