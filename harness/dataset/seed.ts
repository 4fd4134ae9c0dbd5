import type { Backend, LoadOptions, LoadReport } from '../../core/backend.ts';
import { scaleLabel, type Scale } from '../../core/dataset/index.ts';
import type { Workload, WorkloadTables } from '../../core/workloads/index.ts';
import { combineTables, hashTable, TableHasher, type DatasetFingerprint, type TableDigest } from './fingerprint.ts';

export interface SeedOptions extends LoadOptions {
  scale: Scale;
  /** The dataset seed (default 1): same seed and scale, byte-identical rows. */
  datasetSeed?: number;
  /**
   * Hash the rows as the loader reads them (default true). Costs roughly 1-3 us of CPU per row on the
   * loading side; a generated data set's fingerprint depends only on (workload, scale, dataset seed),
   * so a runner that already knows it may turn this off.
   */
  fingerprint?: boolean;
}

/** What seeding did: the adapter's load report plus what was fed to it (rows per table, content fingerprint). */
export interface SeedResult extends Partial<DatasetFingerprint> {
  workload: string;
  /** Where the data came from: `generated scale=small seed=1`, `csv /data/atelier`. */
  source: string;
  load: LoadReport;
}

/**
 * Seed one workload with the deterministic generator. The backend must be
 * migrated and the workload's tables empty (call `migrate()` and `reset()`
 * first): seeding never deletes, so seeding twice doubles rows or conflicts.
 */
export async function seedWorkload(backend: Backend, workload: Workload, options: SeedOptions): Promise<SeedResult> {
  const datasetSeed = options.datasetSeed ?? 1;
  const data = workload.dataset({ scale: options.scale, seed: datasetSeed });
  const source = `generated scale=${scaleLabel(options.scale)} seed=${datasetSeed}`;
  if (options.fingerprint === false) {
    const load = await workload.load(backend, data, { onProgress: options.onProgress, signal: options.signal });
    return { workload: workload.name, source, load };
  }
  return loadWorkload(backend, workload, data, source, options);
}

/**
 * Feed data to the workload's bulk loader while fingerprinting the rows it reads (the first
 * complete pass over each table; tables the loader did not read completely are fingerprinted
 * by a pass of their own afterwards).
 */
export async function loadWorkload(
  backend: Backend,
  workload: Workload,
  data: WorkloadTables,
  source: string,
  options: LoadOptions = {},
): Promise<SeedResult & DatasetFingerprint> {
  const taps = new Map<string, TableDigest>();
  const tapped: WorkloadTables = Object.fromEntries(
    Object.entries(workload.tables).map(([table, fields]) => [table, () => tap(table, fields, data[table]!(), taps)]),
  );
  const load = await workload.load(backend, tapped, { onProgress: options.onProgress, signal: options.signal });
  const tables: Record<string, TableDigest> = {};
  for (const [table, fields] of Object.entries(workload.tables)) {
    tables[table] = taps.get(table) ?? (await hashTable(fields, data[table]!()));
  }
  return { workload: workload.name, source, load, ...combineTables(tables) };
}

/** Pass rows through, hashing them; the first pass to reach the end records its digest. */
function tap<T extends object>(
  table: string,
  fields: readonly string[],
  rows: AsyncIterable<T>,
  taps: Map<string, TableDigest>,
): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      const hasher = new TableHasher(fields);
      for await (const row of rows) {
        hasher.add(row);
        yield row;
      }
      if (!taps.has(table)) taps.set(table, { rows: hasher.rows, sha256: hasher.digest() });
    },
  };
}
