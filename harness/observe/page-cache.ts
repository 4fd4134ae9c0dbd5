import { readFileSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { processTree } from '../load/sampler.ts';
import { readStorageReads, storageReadsSince } from '../load/vmstat.ts';
import type { PageCacheWarming } from '../results/index.ts';
import { roundTo } from '../stats/round.ts';

/** Regular files under `dir`, recursively (links not followed); none when it is gone. */
export async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** The files the processes of these trees map (their executables, libraries, a JVM's jars and modules). */
export function mappedFiles(rootPids: number[]): string[] {
  const files = new Set<string>();
  for (const pid of new Set(rootPids.flatMap((root) => processTree(root)))) {
    let maps: string;
    try {
      maps = readFileSync(`/proc/${pid}/maps`, 'latin1');
    } catch {
      continue;
    }
    for (const line of maps.split('\n')) {
      const path = line.slice(line.indexOf('/')).trim();
      if (!line.includes('/') || path.endsWith('(deleted)')) continue;
      if (/^\/(dev|proc|sys|memfd:|SYSV)/.test(path)) continue;
      files.add(path);
    }
  }
  return [...files];
}

/**
 * Reads every file of `dirs` (a database's data directory) and every file the processes of `pids` map
 * into the page cache, so that a trial starts with them cached whatever evicted them while the target
 * was paused. What storage gave (pgpgin over the reading, machine-wide: nothing else of the run runs
 * then) says how much had been evicted.
 */
export async function warmPageCache(dirs: readonly string[], pids: number[]): Promise<PageCacheWarming> {
  const started = performance.now();
  const before = readStorageReads();
  const files = [...new Set([...(await Promise.all(dirs.map(filesUnder))).flat(), ...mappedFiles(pids)])];
  const buffer = Buffer.allocUnsafe(1 << 20);
  let bytes = 0;
  let read = 0;
  for (const path of files) {
    try {
      const handle = await open(path, 'r');
      try {
        for (;;) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
          if (bytesRead === 0) break;
          bytes += bytesRead;
        }
        read++;
      } finally {
        await handle.close();
      }
    } catch {
      // removed meanwhile (a compaction, a WAL segment recycled) or not readable: nothing to cache
    }
  }
  const after = readStorageReads();
  const fromStorage = before && after ? storageReadsSince(before, after) : null;
  return {
    files: read,
    mib: roundTo(bytes / 2 ** 20, 1),
    ...(fromStorage && { fromStorageMiB: roundTo(fromStorage.readKiB / 1024, 1) }),
    seconds: roundTo((performance.now() - started) / 1000, 2),
  };
}
