import type { OverviewRecord, OverviewStore, OverviewUpdate } from '../../core/workloads/overview/index.ts';
import type { ReadThrough } from './read-through.ts';

/** Overview gets through the cache; every write invalidates the record's key around the backend's write. */
export function cachedOverviewStore(overview: OverviewStore, cache: ReadThrough): OverviewStore {
  return {
    get: (id) => cache.cached(`overview:${id}`, () => overview.get(id)),
    create: (record: OverviewRecord) => cache.invalidating(`overview:${record.game_id}`, () => overview.create(record)),
    replace: (id: number, update: OverviewUpdate) =>
      cache.invalidating(`overview:${id}`, () => overview.replace(id, update)),
    remove: (id: number) => cache.invalidating(`overview:${id}`, () => overview.remove(id)),
  };
}
