import type { Backend, LoadOptions, LoadReport } from '../../core/backend.ts';
import { ConflictError } from '../../core/errors.ts';
import type {
  CatalogSource,
  CatalogStore,
  FeatureRow,
  PhotoRow,
  Product,
  ProductRow,
  ProductStyles,
  ProductSummary,
  RelatedRow,
  SkuRow,
  StyleRow,
} from '../../core/workloads/catalog/index.ts';
import type { OverviewRecord, OverviewStore, OverviewUpdate } from '../../core/workloads/overview/index.ts';
import type { Usage, UsageInput, UsageStore } from '../../core/workloads/usages/index.ts';

/**
 * The reference implementation of every store port, and the "no database"
 * control row of a comparison: whatever it serves is the HTTP ceiling.
 * Everything lives in this process, so it holds the data set in memory.
 */
export function createMemoryBackend(): Backend {
  const usages = new MemoryUsages();
  const catalog = new MemoryCatalog();
  const overview = new MemoryOverview();
  return {
    name: 'memory',
    usages,
    catalog,
    overview,
    load: {
      usages: (rows, options) => timed(options, async (progress) => ({ usages: await usages.load(rows, progress) })),
      catalog: (source, options) => timed(options, (progress) => catalog.load(source, progress)),
      overview: (rows, options) =>
        timed(options, async (progress) => ({ overview: await overview.load(rows, progress) })),
    },
    migrate: async () => {},
    reset: async () => {
      usages.clear();
      catalog.clear();
      overview.clear();
    },
    ping: async () => {},
    serverVersion: async () => `in-process memory (Node ${process.version})`,
    close: async () => {},
  };
}

type Progress = (table: string, rows: number, done: boolean) => void;

async function timed(options: LoadOptions | undefined, run: (progress: Progress) => Promise<Record<string, number>>) {
  const started = performance.now();
  const progress: Progress = (table, rows, done) => {
    options?.signal?.throwIfAborted();
    options?.onProgress?.({ table, rows, done });
  };
  const rows = await run(progress);
  return { rows, ms: performance.now() - started } satisfies LoadReport;
}

async function drain<T>(rows: AsyncIterable<T>, table: string, progress: Progress, each: (row: T) => void) {
  let n = 0;
  for await (const row of rows) {
    each(row);
    if (++n % 100_000 === 0) progress(table, n, false);
  }
  progress(table, n, true);
  return n;
}

class MemoryUsages implements UsageStore {
  private rows = new Map<string, Usage>();
  private nextId = 1;

  async record(usage: UsageInput): Promise<string> {
    const id = String(this.nextId++);
    this.rows.set(id, { id, patientId: usage.patientId, timestamp: usage.timestamp, medication: usage.medication });
    return id;
  }
  async get(id: string): Promise<Usage | undefined> {
    return this.rows.get(id);
  }
  load(rows: AsyncIterable<UsageInput>, progress: Progress) {
    return drain(rows, 'usages', progress, (row) => void this.record(row));
  }
  clear() {
    this.rows.clear();
    this.nextId = 1;
  }
}

/** Children grouped under their parent id, each group kept sorted by child id (the contract's order). */
class Children<T extends { id: number }> {
  private groups = new Map<number, T[]>();
  add(parent: number, row: T) {
    const group = this.groups.get(parent);
    if (group) group.push(row);
    else this.groups.set(parent, [row]);
  }
  of(parent: number): readonly T[] {
    return this.groups.get(parent) ?? [];
  }
  sort() {
    for (const group of this.groups.values()) group.sort((a, b) => a.id - b.id);
  }
  clear() {
    this.groups.clear();
  }
}

class MemoryCatalog implements CatalogStore {
  private products = new Map<number, ProductRow>();
  private orderedIds: number[] = [];
  private features = new Children<FeatureRow>();
  private styles = new Children<StyleRow>();
  private photos = new Children<PhotoRow>();
  private skus = new Children<SkuRow>();
  private related = new Children<RelatedRow>();

  async listProducts(page: number, count: number): Promise<ProductSummary[]> {
    const start = (page - 1) * count;
    return this.orderedIds.slice(start, start + count).map((id) => summary(this.products.get(id)!));
  }

  async getProduct(productId: number): Promise<Product | undefined> {
    const product = this.products.get(productId);
    if (!product) return undefined;
    return {
      ...summary(product),
      features: this.features.of(productId).map((f) => ({ feature: f.feature, value: f.value })),
    };
  }

  async getStyles(productId: number): Promise<ProductStyles | undefined> {
    if (!this.products.has(productId)) return undefined;
    return {
      product_id: String(productId),
      results: this.styles.of(productId).map((style) => ({
        style_id: style.id,
        name: style.name,
        original_price: style.original_price,
        sale_price: style.sale_price,
        'default?': style.default_style,
        photos: this.photos.of(style.id).map((p) => ({ thumbnail_url: p.thumbnail_url, url: p.url })),
        skus: Object.fromEntries(
          this.skus.of(style.id).map((s) => [String(s.id), { quantity: s.quantity, size: s.size }]),
        ),
      })),
    };
  }

  async getRelated(productId: number): Promise<number[] | undefined> {
    if (!this.products.has(productId)) return undefined;
    return this.related.of(productId).map((r) => r.related_product_id);
  }

  async load(source: CatalogSource, progress: Progress): Promise<Record<string, number>> {
    const rows = {
      products: await drain(source.products(), 'products', progress, (p) => this.products.set(p.id, p)),
      features: await drain(source.features(), 'features', progress, (f) => this.features.add(f.product_id, f)),
      styles: await drain(source.styles(), 'styles', progress, (s) => this.styles.add(s.product_id, s)),
      photos: await drain(source.photos(), 'photos', progress, (p) => this.photos.add(p.style_id, p)),
      skus: await drain(source.skus(), 'skus', progress, (s) => this.skus.add(s.style_id, s)),
      related: await drain(source.related(), 'related', progress, (r) => this.related.add(r.current_product_id, r)),
    };
    this.orderedIds = [...this.products.keys()].sort((a, b) => a - b);
    for (const children of [this.features, this.styles, this.photos, this.skus, this.related]) children.sort();
    return rows;
  }

  clear() {
    this.products.clear();
    this.orderedIds = [];
    for (const children of [this.features, this.styles, this.photos, this.skus, this.related]) children.clear();
  }
}

function summary(p: ProductRow): ProductSummary {
  return {
    id: p.id,
    name: p.name,
    slogan: p.slogan,
    description: p.description,
    category: p.category,
    default_price: p.default_price,
  };
}

class MemoryOverview implements OverviewStore {
  private rows = new Map<number, OverviewRecord>();

  async get(gameId: number): Promise<OverviewRecord | undefined> {
    const row = this.rows.get(gameId);
    return row && { ...row, tags: [...row.tags] };
  }
  async create(record: OverviewRecord): Promise<void> {
    if (this.rows.has(record.game_id)) throw new ConflictError(`game ${record.game_id} exists`);
    this.rows.set(record.game_id, { ...record, tags: [...record.tags] });
  }
  async replace(gameId: number, update: OverviewUpdate): Promise<boolean> {
    if (!this.rows.has(gameId)) return false;
    this.rows.set(gameId, { game_id: gameId, ...update, tags: [...update.tags] });
    return true;
  }
  async remove(gameId: number): Promise<boolean> {
    return this.rows.delete(gameId);
  }
  load(rows: AsyncIterable<OverviewRecord>, progress: Progress) {
    return drain(rows, 'overview', progress, (row) => this.rows.set(row.game_id, row));
  }
  clear() {
    this.rows.clear();
  }
}
