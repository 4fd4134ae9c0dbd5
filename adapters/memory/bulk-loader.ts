import type { BulkLoader, LoadOptions, LoadReport } from '../../core/backend.ts';
import type { CatalogSource } from '../../core/workloads/catalog/index.ts';
import type { OverviewRecord } from '../../core/workloads/overview/index.ts';
import type { UsageInput } from '../../core/workloads/usages/index.ts';

/** Reports a table's progress; throws once the load's signal is aborted. */
export type Progress = (table: string, rows: number, done: boolean) => void;

/** What the loader needs of the stores: each takes its rows and reports per table. */
export interface LoadableStores {
  usages: { load(rows: AsyncIterable<UsageInput>, progress: Progress): Promise<number> };
  catalog: { load(source: CatalogSource, progress: Progress): Promise<Record<string, number>> };
  overview: { load(rows: AsyncIterable<OverviewRecord>, progress: Progress): Promise<number> };
}

/** The BulkLoader over the in-process stores: rows go straight into their maps, timed, with progress. */
export function createMemoryBulkLoader(stores: LoadableStores): BulkLoader {
  return {
    usages: (rows, options) =>
      timed(options, async (progress) => ({ usages: await stores.usages.load(rows, progress) })),
    catalog: (source, options) => timed(options, (progress) => stores.catalog.load(source, progress)),
    overview: (rows, options) =>
      timed(options, async (progress) => ({ overview: await stores.overview.load(rows, progress) })),
  };
}

async function timed(options: LoadOptions | undefined, run: (progress: Progress) => Promise<Record<string, number>>) {
  const started = performance.now();
  const progress: Progress = (table, rows, done) => {
    options?.signal?.throwIfAborted();
    options?.onProgress?.({ table, rows, done });
  };
  const rows = await run(progress);
  return { rows, ms: performance.now() - started } satisfies LoadReport;
}

/** Feeds every row to `each`, reporting progress every 100,000 rows and at the end; returns the count. */
export async function drain<T>(rows: AsyncIterable<T>, table: string, progress: Progress, each: (row: T) => void) {
  let n = 0;
  for await (const row of rows) {
    each(row);
    if (++n % 100_000 === 0) progress(table, n, false);
  }
  progress(table, n, true);
  return n;
}
