import { stat } from 'node:fs/promises';
import { createBackend, type BackendName } from '../backends/index.ts';
import type { Backend } from '../../core/backend.ts';
import { workload as workloadNamed } from '../../core/workloads/index.ts';
import { seedWorkload } from '../dataset/index.ts';
import { filesUnder } from '../observe/index.ts';
import type { DatasetRecord, PreparationRecord } from '../results/index.ts';
import type { ComparePlan } from './settings.ts';

/** What seeding a backend's database did, and the version its adapter reports. */
export interface SeededDatabase {
  /** One record per workload, labelled with the backend (layouts relabel it). */
  datasets: Map<string, DatasetRecord>;
  /** `Backend.serverVersion()`: what actually answers (names a stand-in as such). */
  serverVersion: string;
}

/**
 * Migrates the database, empties it, and seeds every workload of the plan with the deterministic
 * data set: timed, fingerprinted, with its size on disk (as the database reports it, else the
 * growth of the server's data directory).
 */
export async function seedDatabase(
  plan: ComparePlan,
  backend: BackendName,
  url: string,
  dataDir: string | undefined,
  log: (line: string) => void,
): Promise<SeededDatabase> {
  const client: Backend = await createBackend(backend, url);
  const datasets = new Map<string, DatasetRecord>();
  try {
    const serverVersion = await client.serverVersion();
    await client.migrate();
    await client.reset();
    for (const name of plan.workloads) {
      const before = dataDir ? await directoryBytes(dataDir) : undefined;
      const started = performance.now();
      let lastLog = 0;
      const seed = await seedWorkload(client, workloadNamed(name), {
        scale: plan.settings.scale,
        datasetSeed: plan.settings.datasetSeed,
        onProgress: (p) => {
          if (performance.now() - lastLog < 10_000) return;
          lastLog = performance.now();
          log(`compare: ${backend}/${name}: seeding… ${JSON.stringify(p)}`);
        },
      });
      const seconds = (performance.now() - started) / 1000;
      let size: number | undefined;
      if (client.sizeOnDisk) size = await client.sizeOnDisk(name);
      else if (dataDir && before !== undefined) size = Math.max(0, (await directoryBytes(dataDir)) - before);
      const rows = Object.values(seed.load.rows).reduce((a, b) => a + b, 0);
      log(`compare: ${backend}/${name}: seeded ${rows} rows in ${seconds.toFixed(1)} s`);
      datasets.set(name, {
        backend,
        workload: name,
        fingerprint: seed.fingerprint ?? 'unknown',
        scale: tableRows(seed.tables, seed.load.rows),
        seedDurationS: Math.round(seconds * 100) / 100,
        ...(size !== undefined && { sizeOnDiskBytes: size }),
      });
    }
    return { datasets, serverVersion };
  } finally {
    await client.close();
  }
}

/** Rows per table as fed to the loader (the fingerprint's count), else as the adapter reported them. */
export function tableRows(
  tables: Record<string, { rows: number }> | undefined,
  loaded: Record<string, number>,
): Record<string, number> {
  if (tables) return Object.fromEntries(Object.entries(tables).map(([t, { rows }]) => [t, rows]));
  return { ...loaded };
}

/** Bytes allocated under a directory (like `du -s`), following no links. */
async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const path of await filesUnder(dir)) {
    try {
      total += (await stat(path)).blocks * 512;
    } catch {
      // removed while walking (compaction, segment recycling)
    }
  }
  return total;
}

/**
 * After seeding: the adapter's own settle step (checkpoint, vacuum, pending compactions), timed,
 * so every backend is measured from a quiet, comparable starting point.
 */
export async function settleDatabase(
  backend: BackendName,
  url: string,
  log: (line: string) => void,
): Promise<PreparationRecord> {
  const client = await createBackend(backend, url);
  const started = performance.now();
  try {
    const actions = client.settle ? await client.settle() : ['nothing to settle (the adapter has no settle step)'];
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    log(`compare: ${backend}: settled in ${seconds} s: ${actions.join(', ')}`);
    return { backend, actions, seconds };
  } finally {
    await client.close();
  }
}
