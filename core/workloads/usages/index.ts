import { countAtScale } from '../../dataset/index.ts';
import type { LoadOptions, LoadReport, WorkloadDescriptor } from '../workload.ts';
import { USAGE_SCALES, usagesDataset } from './dataset.ts';
import { usagesMix } from './mix.ts';
import { usagesOpenApi } from './openapi.ts';
import { createUsagesRouter } from './router.ts';
import type { UsageStore } from './store.ts';
import type { UsageInput } from './types.ts';
import { usagesVerifyPlan } from './verify.ts';

export type { Usage, UsageInput } from './types.ts';
export type { UsageStore } from './store.ts';
export { createUsagesRouter } from './router.ts';
export { parseUsageId, parseUsageInput } from './validate.ts';

/** The usages data set: one table of usage events. */
export type UsageTables = { usages(): AsyncIterable<UsageInput> };

/** Bulk loading of usages: every row stored, ids chosen by the adapter. */
export type UsageLoader = (rows: AsyncIterable<UsageInput>, options?: LoadOptions) => Promise<LoadReport>;

/** Write-heavy ingest: `POST /api/usages` (201 once durably stored) and `GET /api/usages/:id`. */
export const usagesWorkload: WorkloadDescriptor<'usages', UsageStore, UsageLoader, UsageTables> = {
  name: 'usages',
  summary: 'write-heavy ingest: POST /api/usages',
  scales: USAGE_SCALES,
  tables: { usages: ['patientId', 'timestamp', 'medication'] },
  clientIds: false,
  router: (backend) => createUsagesRouter(backend.usages),
  dataset: (options) => ({ usages: () => usagesDataset(options) }),
  rowCounts: (options) => ({ usages: countAtScale(USAGE_SCALES, options.scale) }),
  load: (backend, data, options) => backend.load.usages(data.usages(), options),
  mix: (options) => usagesMix({ readBackFraction: options.readBackFraction }),
  verifyPlan: usagesVerifyPlan,
  openapi: usagesOpenApi,
};
