import type { LoadProgress } from '../../core/backend.ts';
import { checkScale, DEFAULT_SCALE, SCALE_NAMES } from '../../core/dataset/index.ts';
import { isWorkloadName, workload, WORKLOAD_NAMES, type Workload } from '../../core/workloads/index.ts';

/**
 * Flags several commands share, parsed one way everywhere. A bad value throws a UsageError naming
 * the flag; `main` prints it and exits with status 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Help text fragments, so every command describes the shared flags alike. */
export const FLAG_HELP = {
  workload: WORKLOAD_NAMES.join('|'),
  scale: `${SCALE_NAMES.join('|')}|COUNT (e.g. 250k, 1m; default ${DEFAULT_SCALE})`,
  datasetSeed: '--dataset-seed N        seed of the data set generator (default 1): same seed and scale, same rows',
};

export function workloadFlag(raw: string | undefined, flag = '--workload'): Workload {
  if (raw && isWorkloadName(raw)) return workload(raw);
  throw new UsageError(`${flag} must be one of ${WORKLOAD_NAMES.join(', ')}`);
}

/** A comma list of workloads, or `all`. */
export function workloadsFlag(raw: string, flag: string): Workload[] {
  const names = raw === 'all' ? [...WORKLOAD_NAMES] : raw.split(',').map((w) => w.trim());
  if (names.length === 0) throw new UsageError(`${flag} takes a comma list of ${WORKLOAD_NAMES.join(', ')} or \`all\``);
  return names.map((name) => workloadFlag(name, flag));
}

export function scaleFlag(raw: string | undefined): string {
  const scale = raw ?? DEFAULT_SCALE;
  try {
    checkScale(scale);
  } catch (error) {
    throw new UsageError(`--scale: ${(error as Error).message}`);
  }
  return scale;
}

export function integerFlag(raw: string | undefined, flag: string, fallback: number, min = -Infinity): number {
  if (raw === undefined) return fallback;
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${flag} must be an integer${min > -Infinity ? ` >= ${min}` : ''}`);
  }
  return value;
}

/** Progress on stderr, at most once a second per table, and once when each table is done. */
export function progressPrinter(): (progress: LoadProgress) => void {
  const last = new Map<string, number>();
  return ({ table, rows, done }) => {
    const now = Date.now();
    if (!done && now - (last.get(table) ?? 0) < 1000) return;
    last.set(table, now);
    console.error(`  ${table}: ${rows.toLocaleString('en-US')} rows${done ? ' (done)' : ''}`);
  };
}
