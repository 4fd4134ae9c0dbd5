import type { BulkLoader, LoadOptions, LoadReport } from '../../core/backend.ts';
import type { CatalogSource } from '../../core/workloads/catalog/index.ts';
import type { CassandraSession, Statement } from './cassandra-connection.ts';
import { overviewParams } from './overview-store.ts';
import { LIST_BUCKET, summaryParams, type Statements } from './schema.ts';
import { usageParams } from './usage-store.ts';
import { StyleOwners } from '../../core/workloads/catalog/style-owners.ts';

/** How bulk loads write: requests awaiting acknowledgement, and rows grouped per flush of child rows. */
export interface BulkTuning {
  /** Requests in flight for one load call, all its table streams together. */
  concurrency: number;
  /** Child rows buffered before they are grouped by partition into unlogged batches. */
  groupRows: number;
}

const PROGRESS_EVERY = 10_000;
/** Cassandra warns above 5 KiB per batch (batch_size_warn_threshold); child rows are ~100 bytes. */
const MAX_BATCH_ROWS = 40;

/**
 * Bulk loading with bounded concurrency: every write goes through one limiter per
 * load call (at most `concurrency` requests awaiting acknowledgement), so memory
 * is bounded by that many requests plus `groupRows` buffered rows per table
 * stream, whatever the row count — plus 4 bytes per style id (style -> product map)
 * and 4 bytes per product id (to place products in id order when they arrive
 * unsorted). Unlogged batches only ever hold rows of one partition (one mutation,
 * no batchlog); rows of different partitions are separate requests.
 */
export function createCassandraBulkLoader(session: CassandraSession, cql: Statements, tuning: BulkTuning): BulkLoader {
  return {
    usages: (rows, options) =>
      timed(async () => {
        const writer = new LimitedWriter(session, tuning, options);
        const table = writer.table('usages');
        for await (const row of rows) await table.write({ query: cql.insertUsage, params: usageParams(row) });
        return { usages: await table.finish() };
      }),
    overview: (rows, options) =>
      timed(async () => {
        const writer = new LimitedWriter(session, tuning, options);
        const table = writer.table('overview');
        for await (const row of rows) {
          const params = overviewParams(row);
          // A frozen empty list is stored as null anyway; unset writes no cell at all.
          if (row.tags.length === 0) params[6] = undefined;
          await table.write({ query: cql.insertOverview, params });
        }
        return { overview: await table.finish() };
      }),
    catalog: (source, options) => timed(() => loadCatalog(session, cql, source, tuning, options)),
  };
}

async function timed(run: () => Promise<Record<string, number>>): Promise<LoadReport> {
  const started = performance.now();
  const rows = await run();
  return { rows, ms: Math.round(performance.now() - started) };
}

/**
 * Products first write their summary, their listing row and the `known` markers of
 * their styles and related partitions; features, related rows and styles stream
 * alongside (Cassandra has no foreign keys to wait for); photos and skus follow
 * the styles, which give the style -> product map they need.
 */
async function loadCatalog(
  session: CassandraSession,
  cql: Statements,
  source: CatalogSource,
  tuning: BulkTuning,
  options: LoadOptions | undefined,
): Promise<Record<string, number>> {
  const writer = new LimitedWriter(session, tuning, options);

  const loadProducts = async () => {
    const table = writer.table('products');
    const ids = new GrowableInt32Array();
    let inIdOrder = true;
    for await (const row of source.products()) {
      const id = integer(row.id);
      const position = ids.length;
      if (position > 0 && id <= ids.at(position - 1)) inIdOrder = false;
      ids.push(id);
      const summary = summaryParams(row);
      await table.companion({ query: cql.markStyles, params: [id] });
      await table.companion({ query: cql.markRelated, params: [id] });
      // Positions assume id order; rewritten below when the source was not sorted.
      await table.companion({ query: cql.insertListing, params: listing(position, id, summary) });
      await table.write({ query: cql.insertProduct, params: [id, ...summary] });
    }
    const count = await table.finish();
    if (!inIdOrder) {
      const sorted = ids.sorted();
      const relist = writer.table('product_list');
      for await (const row of source.products()) {
        const id = integer(row.id);
        const summary = summaryParams(row);
        await relist.write({ query: cql.insertListing, params: listing(positionOf(sorted, id), id, summary) });
      }
      await relist.finish();
    }
    return count;
  };

  const loadFeatures = async () => {
    const table = writer.table('features', tuning.groupRows);
    for await (const row of source.features()) {
      const values = [integer(row.product_id), integer(row.id), String(row.feature), row.value ?? undefined];
      await table.write({ query: cql.insertFeature, params: values }, values[0]);
    }
    return table.finish();
  };

  const loadRelated = async () => {
    const table = writer.table('related', tuning.groupRows);
    for await (const row of source.related()) {
      const values = [integer(row.current_product_id), integer(row.id), integer(row.related_product_id)];
      await table.write({ query: cql.insertRelated, params: values }, values[0]);
    }
    return table.finish();
  };

  const loadStyles = async () => {
    const owners = new StyleOwners();
    const table = writer.table('styles', tuning.groupRows);
    for await (const row of source.styles()) {
      const product = integer(row.product_id);
      const style = integer(row.id);
      owners.set(style, product);
      const values = [
        product,
        style,
        String(row.name),
        String(row.original_price),
        row.sale_price ?? undefined,
        row.default_style === true,
      ];
      await table.write({ query: cql.insertStyle, params: values }, product);
    }
    const styles = await table.finish();
    const loadPhotos = async () => {
      const photos = writer.table('photos', tuning.groupRows);
      for await (const row of source.photos()) {
        const style = integer(row.style_id);
        const product = owners.productOf(style, 'photo', row.id);
        const values = [product, style, integer(row.id), String(row.thumbnail_url), String(row.url)];
        await photos.write({ query: cql.insertPhoto, params: values }, product);
      }
      return photos.finish();
    };
    const loadSkus = async () => {
      const skus = writer.table('skus', tuning.groupRows);
      for await (const row of source.skus()) {
        const style = integer(row.style_id);
        const product = owners.productOf(style, 'sku', row.id);
        const values = [product, style, integer(row.id), String(row.size), integer(row.quantity)];
        await skus.write({ query: cql.insertSku, params: values }, product);
      }
      return skus.finish();
    };
    const [photos, skus] = await writer.all([loadPhotos(), loadSkus()]);
    return { styles, photos, skus };
  };

  const [products, features, related, styled] = await writer.all([
    loadProducts(),
    loadFeatures(),
    loadRelated(),
    loadStyles(),
  ]);
  return { products, features, related, ...styled };
}

function listing(position: number, id: number, summary: unknown[]): unknown[] {
  return [Math.floor(position / LIST_BUCKET), position, id, ...summary];
}

/** Index of `id` in the sorted ids: its position in GET /products order. */
function positionOf(sorted: Int32Array, id: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = sorted[middle]!;
    if (value === id) return middle;
    if (value < id) low = middle + 1;
    else high = middle - 1;
  }
  throw new Error(`load products: id ${id} changed between two passes over the source`);
}

/** The integer a row field must be; a bad row fails the load instead of storing a wrong type. */
function integer(value: number): number {
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) {
    throw new TypeError(`bulk load: expected a 32-bit integer, got ${String(value)}`);
  }
  return value;
}

/** An append-only list of int32 in a typed array that doubles as it grows (4 bytes an entry). */
class GrowableInt32Array {
  private values = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  at(index: number): number {
    return this.values[index]!;
  }

  sorted(): Int32Array {
    return this.values.slice(0, this.length).sort();
  }
}

/**
 * At most `concurrency` requests in flight for one load call, shared by its table
 * streams (back-pressure on every source). The first failure stops every stream
 * at its next write and is what the load rejects with.
 */
class LimitedWriter {
  private inFlight = 0;
  /** Streams waiting for a free slot, and callers of drain() waiting for none in flight. */
  private readonly slotWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly session: CassandraSession,
    private readonly tuning: BulkTuning,
    private readonly options: LoadOptions | undefined,
  ) {}

  /**
   * A table stream's writer. With `groupRows`, rows are buffered and each flush
   * sends the rows of one partition together as an unlogged batch.
   */
  table(name: string, groupRows = 0): TableWriter {
    return new TableWriter(this, name, groupRows, this.options);
  }

  /** Like Promise.all, but the first failure is recorded so sibling streams stop writing. */
  all<T extends readonly unknown[]>(streams: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
    return Promise.all(
      streams.map((stream) =>
        stream.catch((error: unknown) => {
          this.failure ??= { error };
          throw error;
        }),
      ),
    ) as unknown as Promise<T>;
  }

  /** Sends one request once a slot is free; resolves when it is sent, not acknowledged. */
  async send(table: string, statements: Statement[], onDone: () => void): Promise<void> {
    this.throwIfFailed();
    this.options?.signal?.throwIfAborted();
    while (this.inFlight >= this.tuning.concurrency) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
      this.throwIfFailed();
    }
    this.inFlight++;
    const request =
      statements.length === 1
        ? this.session.bulk(`load ${table}`, statements[0]!)
        : this.session.bulkBatch(`load ${table}`, statements);
    request.then(
      () => {
        onDone();
        this.settled();
      },
      (error: unknown) => {
        this.failure ??= { error };
        this.settled();
      },
    );
  }

  /** Resolves once nothing is in flight; rejects with the first failure. */
  async drain(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.throwIfFailed();
  }

  private settled(): void {
    this.inFlight--;
    this.slotWaiters.shift()?.();
    if (this.inFlight === 0) {
      const idle = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

class TableWriter {
  private written = 0;
  private buffered: { statement: Statement; partition: unknown }[] = [];

  constructor(
    private readonly writer: LimitedWriter,
    private readonly name: string,
    private readonly groupRows: number,
    private readonly options: LoadOptions | undefined,
  ) {}

  /** Writes one row; `partition` (when grouping) is its partition key. */
  async write(statement: Statement, partition?: unknown): Promise<void> {
    if (this.groupRows > 0) {
      this.buffered.push({ statement, partition });
      if (this.buffered.length >= this.groupRows) await this.flush();
      return;
    }
    await this.writer.send(this.name, [statement], () => this.wrote(1));
  }

  /** A write that goes with a row (a marker, a second table) and is not counted as a row of its own. */
  async companion(statement: Statement): Promise<void> {
    await this.writer.send(this.name, [statement], () => {});
  }

  async finish(): Promise<number> {
    await this.flush();
    await this.writer.drain();
    this.options?.onProgress?.({ table: this.name, rows: this.written, done: true });
    return this.written;
  }

  private async flush(): Promise<void> {
    const groups = new Map<unknown, Statement[]>();
    for (const { statement, partition } of this.buffered) {
      const group = groups.get(partition);
      if (group) group.push(statement);
      else groups.set(partition, [statement]);
    }
    this.buffered = [];
    for (const statements of groups.values()) {
      for (let at = 0; at < statements.length; at += MAX_BATCH_ROWS) {
        const batch = statements.slice(at, at + MAX_BATCH_ROWS);
        await this.writer.send(this.name, batch, () => this.wrote(batch.length));
      }
    }
  }

  private wrote(rows: number): void {
    const before = Math.floor(this.written / PROGRESS_EVERY);
    this.written += rows;
    if (Math.floor(this.written / PROGRESS_EVERY) > before) {
      this.options?.onProgress?.({ table: this.name, rows: this.written, done: false });
    }
  }
}
