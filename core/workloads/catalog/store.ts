import type { Product, ProductStyles, ProductSummary } from './types.ts';

/** Storage port of the catalog workload (read-heavy, nested). Every read returns undefined for an unknown product. */
export interface CatalogStore {
  /** Products ordered by id: ids (page-1)*count+1 .. page*count of that order. Empty past the end. */
  listProducts(page: number, count: number): Promise<ProductSummary[]>;
  getProduct(productId: number): Promise<Product | undefined>;
  /** All styles of the product (results empty when it has none). */
  getStyles(productId: number): Promise<ProductStyles | undefined>;
  /** Related product ids ordered by related row id (empty when none). */
  getRelated(productId: number): Promise<number[] | undefined>;
}
