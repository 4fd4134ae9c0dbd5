export type { OverviewRecord, OverviewUpdate } from './types.ts';
export type { OverviewStore } from './store.ts';
export { createOverviewRouter } from './router.ts';
export { parseOverviewRecord, parseOverviewUpdate } from './validate.ts';
