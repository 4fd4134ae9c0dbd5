import type { Backend, LoadOptions, LoadReport, WorkloadName } from '../../core/backend.ts';
import { scaleLabel, type Scale } from '../../core/dataset/index.ts';
import type { CatalogSource } from '../../core/workloads/catalog/types.ts';
import type { OverviewRecord } from '../../core/workloads/overview/types.ts';
import type { UsageInput } from '../../core/workloads/usages/types.ts';
import {
  CATALOG_TABLES,
  combineTables,
  fingerprintRows,
  hashTable,
  TableHasher,
  type DatasetFingerprint,
  type TableName,
} from './fingerprint.ts';
import { generateWorkload, type WorkloadData } from './generate.ts';

export interface SeedOptions extends LoadOptions {
  scale: Scale;
  seed?: number;
  /**
   * Hash the rows as the loader reads them (default true). Costs roughly 1-3 us of CPU per row on the
   * loading side; a generated data set's fingerprint depends only on (workload, scale, seed), so a
   * runner that already knows it may turn this off.
   */
  fingerprint?: boolean;
}

/** What seeding did: the adapter's load report plus what was fed to it (rows per table, content fingerprint). */
export interface SeedResult extends Partial<DatasetFingerprint> {
  workload: WorkloadName;
  /** Where the data came from: `generated scale=small seed=1`, `csv /data/atelier`. */
  source: string;
  load: LoadReport;
}

/**
 * Seed one workload with the deterministic generator. The backend must be
 * migrated and the workload's tables empty (call `migrate()` and `reset()`
 * first): seeding never deletes, so seeding twice doubles rows or conflicts.
 */
export async function seedWorkload(
  backend: Backend,
  workload: WorkloadName,
  options: SeedOptions,
): Promise<SeedResult> {
  const seed = options.seed ?? 1;
  const data = generateWorkload(workload, { scale: options.scale, seed });
  const source = `generated scale=${scaleLabel(options.scale)} seed=${seed}`;
  if (options.fingerprint === false) {
    const loadOptions: LoadOptions = { onProgress: options.onProgress, signal: options.signal };
    const load =
      workload === 'catalog'
        ? await backend.load.catalog(data as CatalogSource, loadOptions)
        : workload === 'usages'
          ? await backend.load.usages(data as AsyncIterable<UsageInput>, loadOptions)
          : await backend.load.overview(data as AsyncIterable<OverviewRecord>, loadOptions);
    return { workload, source, load };
  }
  return loadWorkload(backend, workload, data, source, options);
}

/**
 * Feed data to the workload's bulk loader while fingerprinting the rows it
 * reads (the first complete pass over each table; tables the loader did not
 * read completely are fingerprinted by a pass of their own afterwards).
 */
export async function loadWorkload(
  backend: Backend,
  workload: WorkloadName,
  data: WorkloadData,
  source: string,
  options: LoadOptions = {},
): Promise<SeedResult & DatasetFingerprint> {
  const loadOptions: LoadOptions = { onProgress: options.onProgress, signal: options.signal };
  const taps = new Map<TableName, { rows: number; sha256: string }>();
  let load: LoadReport;
  let fingerprint: DatasetFingerprint;
  if (workload === 'catalog') {
    const catalog = data as CatalogSource;
    const tapped = Object.fromEntries(
      CATALOG_TABLES.map((table) => [table, () => tap(table, catalog[table]() as AsyncIterable<object>, taps)]),
    ) as unknown as CatalogSource;
    load = await backend.load.catalog(tapped, loadOptions);
    const tables: Record<string, { rows: number; sha256: string }> = {};
    for (const table of CATALOG_TABLES) {
      tables[table] = taps.get(table) ?? (await hashTable(table, catalog[table]() as AsyncIterable<object>));
    }
    fingerprint = combineTables(tables);
  } else {
    const rows = tap(workload, data as AsyncIterable<object>, taps);
    load =
      workload === 'usages'
        ? await backend.load.usages(rows as AsyncIterable<UsageInput>, loadOptions)
        : await backend.load.overview(rows as AsyncIterable<OverviewRecord>, loadOptions);
    const tapped = taps.get(workload);
    fingerprint = tapped ? combineTables({ [workload]: tapped }) : await fingerprintRows(workload, data);
  }
  return { workload, source, load, ...fingerprint };
}

/** Pass rows through, hashing them; the first pass to reach the end records its digest. */
function tap<T extends object>(
  table: TableName,
  rows: AsyncIterable<T>,
  taps: Map<TableName, { rows: number; sha256: string }>,
): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      const hasher = new TableHasher(table);
      for await (const row of rows) {
        hasher.add(row);
        yield row;
      }
      if (!taps.has(table)) taps.set(table, { rows: hasher.rows, sha256: hasher.digest() });
    },
  };
}
