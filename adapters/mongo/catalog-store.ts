import type {
  CatalogStore,
  Product,
  ProductStyles,
  ProductSummary,
  Sku,
  Style,
} from '../../core/workloads/catalog/index.ts';
import type { EmbeddedStyle, MongoCollections, ProductDocument, ProductStylesDocument } from './documents.ts';
import type { StoreCall } from './mongo-connection.ts';

const SUMMARY = {
  _id: 1,
  campus: 1,
  name: 1,
  slogan: 1,
  description: 1,
  category: 1,
  default_price: 1,
  created_at: 1,
  updated_at: 1,
} as const;

export class MongoCatalogStore implements CatalogStore {
  constructor(private readonly run: StoreCall<MongoCollections>) {}

  /**
   * Positions (page-1)*count .. page*count-1 in id order, as `count` seeks of the
   * unique `pos` index (`$in` rather than a range: equally cheap on MongoDB, and
   * the only form the mongo-java-server stand-in answers from an index).
   */
  async listProducts(page: number, count: number): Promise<ProductSummary[]> {
    if (!Number.isSafeInteger(page) || !Number.isSafeInteger(count) || page < 1 || count < 1) return [];
    const first = (page - 1) * count;
    const positions = Array.from({ length: count }, (_, k) => first + k);
    const found = await this.run('catalog.listProducts', ({ products }) =>
      products
        .find({ pos: { $in: positions } }, { projection: SUMMARY })
        .sort({ pos: 1 })
        .limit(count)
        .toArray(),
    );
    return found.map(summaryOf);
  }

  async getProduct(productId: number): Promise<Product | undefined> {
    if (!isProductId(productId)) return undefined;
    const found = await this.run('catalog.getProduct', ({ products }) =>
      products.findOne({ _id: productId }, { projection: { ...SUMMARY, features: 1 } }),
    );
    if (!found) return undefined;
    return {
      ...summaryOf(found),
      features: inRowOrder(found.features ?? []).map((f) => ({ feature: f.feature, value: f.value ?? null })),
    };
  }

  /** One `_id` read of the product's styles document (photos and skus embedded). */
  async getStyles(productId: number): Promise<ProductStyles | undefined> {
    if (!isProductId(productId)) return undefined;
    const found = await this.run('catalog.getStyles', ({ styles }) => styles.findOne({ _id: productId }));
    if (!found) return undefined;
    return { product_id: String(productId), results: inRowOrder(found.styles ?? []).map((s) => styleOf(s, found)) };
  }

  async getRelated(productId: number): Promise<number[] | undefined> {
    if (!isProductId(productId)) return undefined;
    const found = await this.run('catalog.getRelated', ({ products }) =>
      products.findOne({ _id: productId }, { projection: { _id: 1, related: 1 } }),
    );
    if (!found) return undefined;
    return inRowOrder(found.related ?? []).map((r) => r.p);
  }
}

function isProductId(productId: number): boolean {
  return Number.isSafeInteger(productId) && productId > 0;
}

function summaryOf(document: Pick<ProductDocument, keyof typeof SUMMARY>): ProductSummary {
  return {
    id: document._id,
    campus: document.campus,
    name: document.name,
    slogan: document.slogan,
    description: document.description,
    category: document.category,
    default_price: document.default_price,
    created_at: document.created_at.toISOString(),
    updated_at: document.updated_at.toISOString(),
  };
}

function styleOf(style: EmbeddedStyle, document: ProductStylesDocument): Style {
  const key = String(style.i);
  const skus: Record<string, Sku> = {};
  // Integer-like keys enumerate in ascending numeric order in JS, whatever the insertion order.
  for (const sku of document.skus?.[key] ?? []) skus[String(sku.i)] = { quantity: sku.quantity, size: sku.size };
  return {
    style_id: style.i,
    name: style.name,
    original_price: style.original_price,
    sale_price: style.sale_price ?? null,
    'default?': style.default,
    photos: inRowOrder(document.photos?.[key] ?? []).map((p) => ({ thumbnail_url: p.thumbnail_url, url: p.url })),
    skus,
  };
}

/**
 * Embedded children ordered by their row id. Loads of sorted sources store them
 * in order already (one pass to check); out-of-order loads are sorted here.
 */
export function inRowOrder<T extends { i: number }>(children: T[]): T[] {
  for (let k = 1; k < children.length; k++) {
    if (children[k - 1]!.i > children[k]!.i) return [...children].sort((a, b) => a.i - b.i);
  }
  return children;
}
