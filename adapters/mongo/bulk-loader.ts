import type { AnyBulkWriteOperation, Collection, Document, UpdateFilter } from 'mongodb';
import type { BulkLoader, LoadOptions, LoadReport } from '../../core/backend.ts';
import type { CatalogSource } from '../../core/workloads/catalog/index.ts';
import type { MongoCollections, ProductDocument, ProductStylesDocument } from './documents.ts';
import { toDocument as overviewDocument } from './overview-store.ts';
import { toDocument as usageDocument } from './usage-store.ts';
import { guarded } from './mongo-errors.ts';
import { StyleOwners } from '../../core/workloads/catalog/style-owners.ts';

/** How bulk loads write: rows per batch and batches awaiting acknowledgement per table stream. */
export interface BulkTuning {
  batchSize: number;
  batchesInFlight: number;
}

const PROGRESS_EVERY = 10_000;

/** What pushAll needs of a parent: an integer key and arrays of children. */
interface ParentDocument {
  _id: number;
  [array: string]: unknown;
}

/**
 * Bulk loading with unordered batches. Memory is bounded by
 * `batchSize * (batchesInFlight + 1)` rows per table stream whatever the row
 * count, plus 4 bytes per style id for the style -> product map (8 MB at full scale).
 *
 * The catalog is loaded so its children end up embedded although the source
 * delivers six independent tables (photos and skus carry only a style id):
 * 1. products: each batch inserts the product documents and an empty styles
 *    document per product;
 * 2. features and related ids are `$push`ed into their product, styles into their
 *    product's styles document, recording style id -> product id as they go;
 * 3. once every style is known, photos and skus are `$push`ed to
 *    `photos.<style id>` / `skus.<style id>` of the owning product's styles document.
 * Each parent gets one update per batch (one in all when the source is ordered by parent).
 */
export function createMongoBulkLoader(collections: () => Promise<MongoCollections>, tuning: BulkTuning): BulkLoader {
  return {
    usages: (rows, options) =>
      timed(async () => {
        const { usages } = await collections();
        return { usages: await insertAll(usages, rows, usageDocument, 'usages', tuning, options) };
      }),
    overview: (rows, options) =>
      timed(async () => {
        const { overview } = await collections();
        return { overview: await insertAll(overview, rows, overviewDocument, 'overview', tuning, options) };
      }),
    catalog: (source, options) => timed(async () => loadCatalog(await collections(), source, tuning, options)),
  };
}

async function timed(run: () => Promise<Record<string, number>>): Promise<LoadReport> {
  const started = performance.now();
  const rows = await run();
  return { rows, ms: Math.round(performance.now() - started) };
}

async function loadCatalog(
  { products, styles }: MongoCollections,
  source: CatalogSource,
  tuning: BulkTuning,
  callerOptions: LoadOptions | undefined,
): Promise<Record<string, number>> {
  // The first failing stream stops its siblings at their next batch instead of letting them write on.
  const failed = new AbortController();
  const signal = callerOptions?.signal ? AbortSignal.any([callerOptions.signal, failed.signal]) : failed.signal;
  const options: LoadOptions = { ...callerOptions, signal };
  const stopOthers = <T>(stream: Promise<T>) =>
    stream.catch((error: unknown) => {
      failed.abort(error);
      throw error;
    });
  // Positions for GET /products: given as rows arrive, renumbered afterwards if they did not arrive in id order.
  let position = 0;
  let lastId = -Infinity;
  let inIdOrder = true;
  const productWriter = new BatchWriter('products', tuning, options, async (batch: ProductDocument[]) => {
    const shells = batch.map((p): ProductStylesDocument => ({ _id: p._id, styles: [], photos: {}, skus: {} }));
    await Promise.all([
      guarded('load products', () => products.insertMany(batch, { ordered: false })),
      guarded('load products', () => styles.insertMany(shells, { ordered: false })),
    ]);
  });
  for await (const row of source.products()) {
    if (row.id <= lastId) inIdOrder = false;
    lastId = row.id;
    await productWriter.add({
      _id: integer(row.id),
      pos: position++,
      campus: String(row.campus),
      name: String(row.name),
      slogan: String(row.slogan),
      description: String(row.description),
      category: String(row.category),
      default_price: String(row.default_price),
      created_at: new Date(row.created_at),
      updated_at: new Date(row.updated_at),
      features: [],
      related: [],
    });
  }
  const productCount = await productWriter.finish();

  const owners = new StyleOwners();
  const children = async () => {
    const styleCount = await pushAll(styles, source.styles(), 'styles', tuning, options, (row) => {
      const product = integer(row.product_id);
      owners.set(integer(row.id), product);
      return {
        parent: product,
        field: 'styles',
        child: {
          i: integer(row.id),
          name: String(row.name),
          original_price: String(row.original_price),
          sale_price: row.sale_price === null ? null : String(row.sale_price),
          default: row.default_style === true,
        },
      };
    });
    const [photos, skus] = await Promise.all([
      stopOthers(
        pushAll(styles, source.photos(), 'photos', tuning, options, (row) => ({
          parent: owners.productOf(integer(row.style_id), 'photo', row.id),
          field: `photos.${integer(row.style_id)}`,
          child: { i: integer(row.id), thumbnail_url: String(row.thumbnail_url), url: String(row.url) },
        })),
      ),
      stopOthers(
        pushAll(styles, source.skus(), 'skus', tuning, options, (row) => ({
          parent: owners.productOf(integer(row.style_id), 'sku', row.id),
          field: `skus.${integer(row.style_id)}`,
          child: { i: integer(row.id), size: String(row.size), quantity: integer(row.quantity) },
        })),
      ),
    ]);
    return { styles: styleCount, photos, skus };
  };
  const [features, related, styled] = await Promise.all([
    stopOthers(
      pushAll(products, source.features(), 'features', tuning, options, (row) => ({
        parent: integer(row.product_id),
        field: 'features',
        child: {
          i: integer(row.id),
          feature: String(row.feature),
          value: row.value === null ? null : String(row.value),
        },
      })),
    ),
    stopOthers(
      pushAll(products, source.related(), 'related', tuning, options, (row) => ({
        parent: integer(row.current_product_id),
        field: 'related',
        child: { i: integer(row.id), p: integer(row.related_product_id) },
      })),
    ),
    stopOthers(children()),
  ]);

  if (!inIdOrder) await renumberPositions(products, productCount, tuning);
  return { products: productCount, features, related, ...styled };
}

/** Inserts every row, converted to its document, with unordered `insertMany` batches. */
async function insertAll<Row, Doc extends Document>(
  collection: Collection<Doc>,
  rows: AsyncIterable<Row>,
  toDocument: (row: Row) => Doc,
  table: string,
  tuning: BulkTuning,
  options: LoadOptions | undefined,
): Promise<number> {
  const writer = new BatchWriter(table, tuning, options, async (batch: Doc[]) => {
    await guarded(`load ${table}`, () =>
      // The driver's OptionalUnlessRequiredId<Doc> cannot be inferred for a generic Doc; our documents carry _id.
      (collection as unknown as Collection<Document>).insertMany(batch, { ordered: false }),
    );
  });
  for await (const row of rows) await writer.add(toDocument(row));
  return writer.finish();
}

/**
 * Appends child rows to arrays of their parent document (`field`, a dotted path):
 * the rows of a batch are grouped by parent so each parent gets one update with
 * one `$push` + `$each` per field per batch.
 */
async function pushAll<Row, Child extends Document>(
  collection: Collection<ProductDocument> | Collection<ProductStylesDocument>,
  rows: AsyncIterable<Row>,
  table: 'features' | 'related' | 'styles' | 'photos' | 'skus',
  tuning: BulkTuning,
  options: LoadOptions | undefined,
  toChild: (row: Row) => { parent: number; field: string; child: Child },
): Promise<number> {
  // Both parent collections are keyed by an integer _id; the pushed arrays are named by `field`.
  const target = collection as unknown as Collection<ParentDocument>;
  const writer = new BatchWriter(
    table,
    tuning,
    options,
    async (batch: { parent: number; field: string; child: Child }[]) => {
      const groups = new Map<number, Map<string, Child[]>>();
      for (const { parent, field, child } of batch) {
        let fields = groups.get(parent);
        if (!fields) groups.set(parent, (fields = new Map()));
        const group = fields.get(field);
        if (group) group.push(child);
        else fields.set(field, [child]);
      }
      const operations: AnyBulkWriteOperation<ParentDocument>[] = [];
      for (const [parent, fields] of groups) {
        const push: Record<string, { $each: Child[] }> = {};
        for (const [field, children] of fields) push[field] = { $each: children };
        // Computed keys defeat the driver's PushOperator typing; the shape is the plain `$push` + `$each`.
        operations.push({
          updateOne: { filter: { _id: parent }, update: { $push: push } as UpdateFilter<ParentDocument> },
        });
      }
      const result = await guarded(`load ${table}`, () => target.bulkWrite(operations, { ordered: false }));
      if (result.matchedCount !== operations.length) {
        throw new Error(
          `load ${table}: ${operations.length - result.matchedCount} parent(s) of this batch were not loaded`,
        );
      }
    },
  );
  for await (const row of rows) await writer.add(toChild(row));
  return writer.finish();
}

/**
 * Rewrites `pos` in id order (only when products did not arrive sorted by id).
 * Every position is first moved below zero, so the unique index never sees two
 * documents claim one position while they are rewritten.
 */
async function renumberPositions(
  products: Collection<ProductDocument>,
  count: number,
  tuning: BulkTuning,
): Promise<void> {
  await guarded('load products.pos', () => products.updateMany({}, { $inc: { pos: -(count + 1) } }));
  const writer = new BatchWriter(
    'products.pos',
    tuning,
    undefined,
    async (batch: AnyBulkWriteOperation<ProductDocument>[]) => {
      await guarded('load products.pos', () => products.bulkWrite(batch, { ordered: false }));
    },
  );
  const ids = products
    .find({}, { projection: { _id: 1 } })
    .sort({ _id: 1 })
    .batchSize(tuning.batchSize);
  let position = 0;
  try {
    for await (const { _id } of ids) {
      await writer.add({ updateOne: { filter: { _id }, update: { $set: { pos: position++ } } } });
    }
  } finally {
    await ids.close();
  }
  await writer.finish();
}

/** The integer a row field must be; a bad row fails the load instead of storing a wrong type. */
function integer(value: number): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`bulk load: expected an integer, got ${String(value)}`);
  return value;
}

/**
 * Collects items into batches and writes each with `write`, keeping at most
 * `batchesInFlight` writes awaiting acknowledgement (back-pressure on the
 * source). Reports progress every PROGRESS_EVERY rows written and at the end.
 */
class BatchWriter<T> {
  private batch: T[] = [];
  private readonly inFlight: Promise<void>[] = [];
  private written = 0;
  private failure: unknown;
  private failed = false;

  constructor(
    private readonly table: string,
    private readonly tuning: BulkTuning,
    private readonly options: LoadOptions | undefined,
    private readonly write: (batch: T[]) => Promise<void>,
  ) {}

  async add(item: T): Promise<void> {
    this.batch.push(item);
    if (this.batch.length >= this.tuning.batchSize) await this.flush();
  }

  async finish(): Promise<number> {
    if (this.batch.length > 0) await this.flush();
    await Promise.all(this.inFlight);
    this.throwIfFailed();
    this.options?.onProgress?.({ table: this.table, rows: this.written, done: true });
    return this.written;
  }

  private async flush(): Promise<void> {
    this.throwIfFailed();
    this.options?.signal?.throwIfAborted();
    const batch = this.batch;
    this.batch = [];
    // Failures are recorded, never left as unhandled rejections, and rethrown on the next add or at the end.
    const pending = this.write(batch).then(
      () => this.wrote(batch.length),
      (error: unknown) => {
        this.failed = true;
        this.failure ??= error;
      },
    );
    this.inFlight.push(pending);
    // Up to batchesInFlight writes stay unacknowledged while the next batch is being collected.
    while (this.inFlight.length > this.tuning.batchesInFlight) await this.inFlight.shift();
  }

  private wrote(rows: number): void {
    const before = Math.floor(this.written / PROGRESS_EVERY);
    this.written += rows;
    if (Math.floor(this.written / PROGRESS_EVERY) > before) {
      this.options?.onProgress?.({ table: this.table, rows: this.written, done: false });
    }
  }

  private throwIfFailed(): void {
    if (this.failed) throw this.failure;
  }
}
