import { readFileSync } from 'node:fs';

/** Machine-wide storage reads so far: KiB paged in from block devices, and major page faults. */
export interface StorageReads {
  readKiB: number;
  majorFaults: number;
}

/** `pgpgin` and `pgmajfault` of /proc/vmstat (machine-wide, since boot); null where there is none. */
export function readStorageReads(path = '/proc/vmstat'): StorageReads | null {
  try {
    const text = readFileSync(path, 'latin1');
    const field = (name: string): number => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    const readKiB = field('pgpgin');
    const majorFaults = field('pgmajfault');
    return Number.isFinite(readKiB) && Number.isFinite(majorFaults) ? { readKiB, majorFaults } : null;
  } catch {
    return null;
  }
}

/** What was read from storage between two readings (never negative). */
export function storageReadsSince(before: StorageReads, after: StorageReads): StorageReads {
  return {
    readKiB: Math.max(0, after.readKiB - before.readKiB),
    majorFaults: Math.max(0, after.majorFaults - before.majorFaults),
  };
}
