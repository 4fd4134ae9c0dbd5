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
import { drain, type Progress } from './bulk-loader.ts';

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

/** The catalog in maps, children grouped under their parent and sorted by id once loaded. */
export class MemoryCatalogStore implements CatalogStore {
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
    campus: p.campus,
    name: p.name,
    slogan: p.slogan,
    description: p.description,
    category: p.category,
    default_price: p.default_price,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}
