export type * from './types.ts';
export type { CatalogStore } from './store.ts';
export { createCatalogRouter, MAX_COUNT, MAX_PAGE } from './router.ts';
