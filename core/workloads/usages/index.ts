export type { Usage, UsageInput } from './types.ts';
export type { UsageStore } from './store.ts';
export { createUsagesRouter } from './router.ts';
export { parseUsageId, parseUsageInput } from './validate.ts';
