import type { LoadOptions, LoadReport, WorkloadDescriptor } from '../workload.ts';
import { openAtelierFiles } from './atelier/index.ts';
import { CATALOG_SCALES, catalogDataset } from './dataset.ts';
import { catalogMix } from './mix.ts';
import { catalogOpenApi } from './openapi.ts';
import { createCatalogRouter } from './router.ts';
import type { CatalogStore } from './store.ts';
import type { CatalogSource } from './types.ts';
import { catalogVerifyPlan } from './verify.ts';

export type * from './types.ts';
export type { CatalogStore } from './store.ts';
export { createCatalogRouter, MAX_COUNT, MAX_PAGE } from './router.ts';
export { StyleOwners } from './style-owners.ts';

/** Bulk loading of the six catalog tables (any order; ids as given). */
export type CatalogLoader = (source: CatalogSource, options?: LoadOptions) => Promise<LoadReport>;

/** The Atelier products API: read-heavy nested data (products, features, styles with photos and skus, related). */
export const catalogWorkload: WorkloadDescriptor<'catalog', CatalogStore, CatalogLoader, CatalogSource> = {
  name: 'catalog',
  summary: 'read-heavy Atelier products API: /products, /products/:id, /styles, /related',
  scales: CATALOG_SCALES,
  tables: {
    products: ['id', 'name', 'slogan', 'description', 'category', 'default_price'],
    features: ['id', 'product_id', 'feature', 'value'],
    styles: ['id', 'product_id', 'name', 'sale_price', 'original_price', 'default_style'],
    photos: ['id', 'style_id', 'url', 'thumbnail_url'],
    skus: ['id', 'style_id', 'size', 'quantity'],
    related: ['id', 'current_product_id', 'related_product_id'],
  },
  clientIds: true,
  router: (backend) => createCatalogRouter(backend.catalog),
  dataset: catalogDataset,
  rowCounts: (options) => catalogDataset(options).counts(),
  load: (backend, data, options) => backend.load.catalog(data, options),
  mix: (options) => catalogMix({ maxProductId: options.primary }, options.distribution),
  verifyPlan: catalogVerifyPlan,
  openapi: catalogOpenApi,
  fileImport: {
    files: 'the Atelier CSV files: product.csv, features.csv, styles.csv, photos.csv, skus.csv, related.csv',
    open: openAtelierFiles,
  },
};
