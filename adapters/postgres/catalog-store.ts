import type { QueryPool } from './postgres-hosts.ts';
import type { CatalogStore, Product, ProductStyles, ProductSummary } from '../../core/workloads/catalog/index.ts';
import { guarded } from './postgres-errors.ts';
import { isInt4 } from './ids.ts';

/** Timestamps as toISOString() writes them, formatted by the database (UTC, milliseconds). */
const ISO = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column.slice(2)}`;
const SUMMARY_COLUMNS = `p.id, p.campus, p.name, p.slogan, p.description, p.category, p.default_price, ${ISO('p.created_at')}, ${ISO('p.updated_at')}`;

const LIST = {
  name: 'catalog_list',
  text: `SELECT ${SUMMARY_COLUMNS} FROM products p ORDER BY p.id LIMIT $2 OFFSET $1`,
};

const PRODUCT = {
  name: 'catalog_product',
  text: `SELECT ${SUMMARY_COLUMNS},
      COALESCE((SELECT json_agg(json_build_object('feature', f.feature, 'value', f.value) ORDER BY f.id)
                FROM features f WHERE f.product_id = p.id), '[]'::json) AS features
    FROM products p WHERE p.id = $1`,
};

/**
 * The whole `/products/:id/styles` document built by the database in one
 * statement: every step is an index lookup on (parent id, id), so the cost
 * does not depend on where the product sits in the table.
 */
export const STYLES_SQL = `SELECT json_build_object(
    'product_id', p.id::text,
    'results', COALESCE((
      SELECT json_agg(json_build_object(
          'style_id', s.id,
          'name', s.name,
          'original_price', s.original_price,
          'sale_price', s.sale_price,
          'default?', s.default_style,
          'photos', COALESCE((
            SELECT json_agg(json_build_object('thumbnail_url', ph.thumbnail_url, 'url', ph.url) ORDER BY ph.id)
            FROM photos ph WHERE ph.style_id = s.id), '[]'::json),
          'skus', COALESCE((
            SELECT json_object_agg(k.id::text, json_build_object('quantity', k.quantity, 'size', k.size) ORDER BY k.id)
            FROM skus k WHERE k.style_id = s.id), '{}'::json)
        ) ORDER BY s.id)
      FROM styles s WHERE s.product_id = p.id), '[]'::json)
  ) AS body
  FROM products p WHERE p.id = $1`;

const STYLES = { name: 'catalog_styles', text: STYLES_SQL };

const RELATED = {
  name: 'catalog_related',
  text: `SELECT COALESCE((SELECT array_agg(r.related_product_id ORDER BY r.id)
                        FROM related r WHERE r.current_product_id = p.id), '{}') AS related
    FROM products p WHERE p.id = $1`,
};

export class PostgresCatalogStore implements CatalogStore {
  constructor(private readonly pool: QueryPool) {}

  listProducts(page: number, count: number): Promise<ProductSummary[]> {
    return guarded('list products', async () => {
      // The offset can pass 2^31 (page 2,000,000 of 1000): sent as text, compared as bigint.
      const offset = String(BigInt(Math.max(page - 1, 0)) * BigInt(count));
      const { rows } = await this.pool.query<ProductSummary>({ ...LIST, values: [offset, count] });
      return rows;
    });
  }

  getProduct(productId: number): Promise<Product | undefined> {
    if (!isInt4(productId)) return Promise.resolve(undefined);
    return guarded('get product', async () => {
      const { rows } = await this.pool.query<Product>({ ...PRODUCT, values: [productId] });
      return rows[0];
    });
  }

  getStyles(productId: number): Promise<ProductStyles | undefined> {
    if (!isInt4(productId)) return Promise.resolve(undefined);
    return guarded('get styles', async () => {
      const { rows } = await this.pool.query<{ body: ProductStyles }>({ ...STYLES, values: [productId] });
      return rows[0]?.body;
    });
  }

  getRelated(productId: number): Promise<number[] | undefined> {
    if (!isInt4(productId)) return Promise.resolve(undefined);
    return guarded('get related', async () => {
      const { rows } = await this.pool.query<{ related: number[] }>({ ...RELATED, values: [productId] });
      return rows[0]?.related;
    });
  }
}
