import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { BulkLoader, LoadOptions, LoadReport, WorkloadName } from '../../core/backend.ts';
import type { CatalogSource } from '../../core/workloads/catalog/index.ts';
import type { OverviewRecord } from '../../core/workloads/overview/index.ts';
import type { UsageInput } from '../../core/workloads/usages/index.ts';
import { type ConnectionSettings, withMaintenanceClient } from './postgres-connection.ts';
import { toStoreError } from './postgres-errors.ts';
import { encodeRow } from './copy-encoding.ts';
import { migrateSchema, objectsOf, type SchemaObject, TABLES, tablesOf } from './schema.ts';

/** Rows between two progress reports. */
const PROGRESS_EVERY = 100_000;
/** Encoded rows are handed to the socket in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

/** How a bulk load uses the server, resolved from the backend's config. */
export interface LoadSettings extends ConnectionSettings {
  /** Tables COPYed, and indexes built, at once. */
  loadConcurrency: number;
  /** `maintenance_work_mem` of each index build, in MB. */
  maintenanceWorkMemMb: number;
}

/** One table's rows and how to encode them for COPY. */
interface TableFeed {
  table: string;
  rows: () => AsyncIterable<unknown>;
  encode: (row: never) => string;
}

function feed<T>(table: string, rows: () => AsyncIterable<T>, encode: (row: T) => string): TableFeed {
  return { table, rows, encode: encode as (row: never) => string };
}

/**
 * Bulk loading through `COPY ... FROM STDIN`:
 * 1. drop the workload's keys, indexes and foreign keys (one definition, in schema.ts);
 * 2. per table, on its own connection: `TRUNCATE` + `COPY ... FREEZE` in one transaction
 *    (frozen rows: no hint-bit rewrite or anti-wraparound vacuum later), streaming with
 *    backpressure so memory stays bounded whatever the row count; catalog tables in parallel;
 * 3. rebuild keys, then indexes, then foreign keys (validated), in parallel across tables;
 * 4. `ANALYZE`.
 * On failure the workload's tables are emptied and the schema restored to what migrate() makes.
 */
export function createBulkLoader(config: LoadSettings): BulkLoader {
  const run = (workload: WorkloadName, feeds: TableFeed[], options?: LoadOptions) =>
    loadWorkload(config, workload, feeds, options);
  return {
    usages: (rows: AsyncIterable<UsageInput>, options?: LoadOptions) =>
      run('usages', [feed('usages', once(rows), encodeRow.usages)], options),
    overview: (rows: AsyncIterable<OverviewRecord>, options?: LoadOptions) =>
      run('overview', [feed('overview', once(rows), encodeRow.overview)], options),
    catalog: (source: CatalogSource, options?: LoadOptions) =>
      run(
        'catalog',
        [
          // Largest first, so that the long COPYs start early and the small ones fill the gaps.
          feed('skus', () => source.skus(), encodeRow.skus),
          feed('photos', () => source.photos(), encodeRow.photos),
          feed('related', () => source.related(), encodeRow.related),
          feed('features', () => source.features(), encodeRow.features),
          feed('styles', () => source.styles(), encodeRow.styles),
          feed('products', () => source.products(), encodeRow.products),
        ],
        options,
      ),
  };
}

/** An iterable that can be consumed once, as a feed. */
function once<T>(rows: AsyncIterable<T>): () => AsyncIterable<T> {
  return () => rows;
}

async function loadWorkload(
  config: LoadSettings,
  workload: WorkloadName,
  feeds: TableFeed[],
  options: LoadOptions = {},
): Promise<LoadReport> {
  const started = performance.now();
  const objects = objectsOf(workload);
  const progress = (table: string, rows: number, done: boolean) => options.onProgress?.({ table, rows, done });
  try {
    options.signal?.throwIfAborted();
    await withMaintenanceClient(config, async (client) => {
      await client.query('BEGIN');
      for (const object of [...objects].reverse()) await client.query(object.drop);
      await client.query('COMMIT');
    });
    const counts = await inParallel(feeds, config.loadConcurrency, (f) =>
      withMaintenanceClient(config, (client) => copyTable(client, f, progress, options.signal)),
    );
    for (const kind of ['key', 'index', 'foreign'] as const) {
      options.signal?.throwIfAborted();
      await inParallel(
        objects.filter((o) => o.kind === kind),
        config.loadConcurrency,
        (object) => build(config, object),
      );
    }
    await inParallel(feeds, config.loadConcurrency, (f) =>
      withMaintenanceClient(config, (client) => client.query(`ANALYZE ${f.table}`)),
    );
    const rows = Object.fromEntries(feeds.map((f, i) => [f.table, counts[i]!]));
    return { rows, ms: performance.now() - started };
  } catch (error) {
    await restore(config, workload);
    throw toStoreError(error, `bulk load of ${workload}`);
  }
}

/** TRUNCATE and COPY FREEZE in one transaction, streaming rows with backpressure. */
async function copyTable(
  client: pg.Client,
  feed: TableFeed,
  progress: (table: string, rows: number, done: boolean) => void,
  signal: AbortSignal | undefined,
): Promise<number> {
  const spec = TABLES.find((t) => t.name === feed.table)!;
  let count = 0;
  async function* chunks(): AsyncGenerator<string> {
    let chunk = '';
    for await (const row of feed.rows()) {
      chunk += feed.encode(row as never);
      if (++count % PROGRESS_EVERY === 0) progress(feed.table, count, false);
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  }
  await client.query('BEGIN');
  // RESTART IDENTITY: a freshly loaded usages table numbers its rows from 1, as after reset().
  await client.query(`TRUNCATE ${spec.name} RESTART IDENTITY`);
  const copy = client.query(
    copyStreams.from(`COPY ${spec.name} (${spec.copyColumns.join(', ')}) FROM STDIN WITH (FREEZE)`),
  );
  // Readable.from pulls the generator only as fast as the socket drains: a few chunks in memory at most.
  await pipeline(Readable.from(chunks(), { highWaterMark: 8 }), copy, signal ? { signal } : {});
  await client.query('COMMIT');
  progress(feed.table, count, true);
  return count;
}

async function build(config: LoadSettings, object: SchemaObject): Promise<void> {
  await withMaintenanceClient(config, (client) => client.query(object.create), {
    maintenance_work_mem: `${config.maintenanceWorkMemMb}MB`,
  });
}

/** After a failed load: empty tables and the schema migrate() makes, never a half-indexed half-load. */
async function restore(config: LoadSettings, workload: WorkloadName): Promise<void> {
  const tables = tablesOf(workload).map((t) => t.name);
  await withMaintenanceClient(config, async (client) => {
    await client.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY`);
    await migrateSchema(client, [workload]);
  }).catch(() => {}); // the server may be the reason the load failed; migrate() repairs later
}

/** Map over items with at most `limit` running at once; results in input order. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await work(items[index]!);
      } catch (error) {
        failed = true; // start nothing new; the caller is about to undo the load
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
