import type { types } from 'cassandra-driver';
import type {
  CatalogStore,
  Product,
  ProductStyles,
  ProductSummary,
  Style,
} from '../../core/workloads/catalog/index.ts';
import type { CassandraSession } from './cassandra-connection.ts';
import { LIST_BUCKET, STYLE_ROW, summaryOf, type Statements } from './schema.ts';

/** Positions past this cannot exist (an int clustering column); such pages are empty without a query. */
const MAX_POSITION = 2 ** 31 - 1;

/** Catalog reads: each route is one partition read (GET /products: one or two). */
export class CassandraCatalogStore implements CatalogStore {
  constructor(
    private readonly session: CassandraSession,
    private readonly cql: Statements,
  ) {}

  async listProducts(page: number, count: number): Promise<ProductSummary[]> {
    const first = (page - 1) * count;
    const end = Math.min(first + count, MAX_POSITION);
    if (first >= end) return [];
    // Positions first..end-1 span the buckets from first/LIST_BUCKET to (end-1)/LIST_BUCKET (11 at most for a count of 10,000).
    const reads: Promise<types.Row[]>[] = [];
    for (let bucket = Math.floor(first / LIST_BUCKET); bucket <= Math.floor((end - 1) / LIST_BUCKET); bucket++) {
      reads.push(this.session.rows('list products', { query: this.cql.selectListRange, params: [bucket, first, end] }));
    }
    return (await Promise.all(reads)).flat().map((row) => summaryOf(row.id as number, row));
  }

  async getProduct(productId: number): Promise<Product | undefined> {
    const rows = await this.session.rows('get product', { query: this.cql.selectProduct, params: [productId] });
    const head = rows[0];
    // Static columns are null when only features were written: the product itself is unknown.
    if (!head || head.name === null) return undefined;
    return {
      ...summaryOf(productId, head),
      features: rows
        .filter((row) => row.feature_id !== null)
        .map((row) => ({ feature: row.feature as string, value: (row.value as string | null) ?? null })),
    };
  }

  async getStyles(productId: number): Promise<ProductStyles | undefined> {
    const rows = await this.session.rows('get styles', { query: this.cql.selectStyles, params: [productId] });
    if (rows[0]?.known !== true) return undefined;
    const results: Style[] = [];
    let style: Style | undefined;
    // Rows cluster by style id, then header, photos, skus: each style's header comes before its children.
    for (const row of rows) {
      if (row.style_id === null) continue; // the partition's static row of a product without styles
      if (row.kind === STYLE_ROW.header) {
        style = {
          style_id: row.style_id as number,
          name: row.name as string,
          original_price: row.original_price as string,
          sale_price: (row.sale_price as string | null) ?? null,
          'default?': row.is_default === true,
          photos: [],
          skus: {},
        };
        results.push(style);
      } else if (!style || style.style_id !== row.style_id) {
        continue; // a photo or sku whose style header is missing (never written by the loader)
      } else if (row.kind === STYLE_ROW.photo) {
        style.photos.push({ thumbnail_url: row.thumbnail_url as string, url: row.url as string });
      } else if (row.kind === STYLE_ROW.sku) {
        style.skus[String(row.item_id)] = { quantity: row.quantity as number, size: row.size as string };
      }
    }
    return { product_id: String(productId), results };
  }

  async getRelated(productId: number): Promise<number[] | undefined> {
    const rows = await this.session.rows('get related', { query: this.cql.selectRelated, params: [productId] });
    if (rows[0]?.known !== true) return undefined;
    return rows.filter((row) => row.row_id !== null).map((row) => row.related_id as number);
  }
}
