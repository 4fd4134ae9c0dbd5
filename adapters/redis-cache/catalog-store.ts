import type { CatalogStore } from '../../core/workloads/catalog/index.ts';
import type { ReadThrough } from './read-through.ts';

/** Every catalog read through the cache; the API never writes the catalog, so nothing invalidates. */
export function cachedCatalogStore(catalog: CatalogStore, cache: ReadThrough): CatalogStore {
  return {
    listProducts: async (page, count) =>
      (await cache.cached(`catalog:list:${page}:${count}`, () => catalog.listProducts(page, count))) ?? [],
    getProduct: (id) => cache.cached(`catalog:product:${id}`, () => catalog.getProduct(id)),
    getStyles: (id) => cache.cached(`catalog:styles:${id}`, () => catalog.getStyles(id)),
    getRelated: (id) => cache.cached(`catalog:related:${id}`, () => catalog.getRelated(id)),
  };
}
