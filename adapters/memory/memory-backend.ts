import type { Backend } from '../../core/backend.ts';
import { createMemoryBulkLoader } from './bulk-loader.ts';
import { MemoryCatalogStore } from './catalog-store.ts';
import { MemoryOverviewStore } from './overview-store.ts';
import { MemoryUsageStore } from './usage-store.ts';

/**
 * The reference implementation of every store port, and the "no database"
 * control row of a comparison: whatever it serves is the HTTP ceiling.
 * Everything lives in this process, so it holds the data set in memory.
 */
export function createMemoryBackend(): Backend {
  const usages = new MemoryUsageStore();
  const catalog = new MemoryCatalogStore();
  const overview = new MemoryOverviewStore();
  return {
    name: 'memory',
    usages,
    catalog,
    overview,
    load: createMemoryBulkLoader({ usages, catalog, overview }),
    migrate: async () => {},
    reset: async () => {
      usages.clear();
      catalog.clear();
      overview.clear();
    },
    ping: async () => {},
    serverVersion: async () => `in-process memory (Node ${process.version})`,
    close: async () => {},
  };
}
