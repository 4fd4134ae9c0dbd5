import { countAtScale } from '../../dataset/index.ts';
import type { LoadOptions, LoadReport, WorkloadDescriptor } from '../workload.ts';
import { OVERVIEW_SCALES, overviewDataset } from './dataset.ts';
import { overviewMix } from './mix.ts';
import { overviewOpenApi } from './openapi.ts';
import { createOverviewRouter } from './router.ts';
import type { OverviewStore } from './store.ts';
import type { OverviewRecord } from './types.ts';
import { overviewVerifyPlan } from './verify.ts';

export type { OverviewRecord, OverviewUpdate } from './types.ts';
export type { OverviewStore } from './store.ts';
export { createOverviewRouter } from './router.ts';
export { parseOverviewRecord, parseOverviewUpdate } from './validate.ts';

/** The overview data set: one table of game records with ids 1..N. */
export type OverviewTables = { overview(): AsyncIterable<OverviewRecord> };

/** Bulk loading of overview records (ids given by the rows). */
export type OverviewLoader = (rows: AsyncIterable<OverviewRecord>, options?: LoadOptions) => Promise<LoadReport>;

/** CRUD on `/api/overview/:gameId`: mostly reads, full replaces, creates and deletes. */
export const overviewWorkload: WorkloadDescriptor<'overview', OverviewStore, OverviewLoader, OverviewTables> = {
  name: 'overview',
  summary: 'CRUD on /api/overview/:gameId',
  scales: OVERVIEW_SCALES,
  tables: { overview: ['game_id', 'game_name', 'description', 'release_date', 'developer', 'publisher', 'tags'] },
  clientIds: true,
  router: (backend) => createOverviewRouter(backend.overview),
  dataset: (options) => ({ overview: () => overviewDataset(options) }),
  rowCounts: (options) => ({ overview: countAtScale(OVERVIEW_SCALES, options.scale) }),
  load: (backend, data, options) => backend.load.overview(data.overview(), options),
  mix: (options) => overviewMix({ maxGameId: options.primary }, options.distribution),
  verifyPlan: overviewVerifyPlan,
  openapi: overviewOpenApi,
};
