import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import type { Backend } from '../../core/backend.ts';
import { cachedCatalogStore } from './catalog-store.ts';
import { cachedOverviewStore } from './overview-store.ts';
import { ReadThrough, type CacheOutcome } from './read-through.ts';
import { cacheClient, DEFAULT_PREFIX, unlinkPrefix } from './redis-cache-connection.ts';
import { WORKLOAD_NAMES, type WorkloadStores } from '../../core/workloads/index.ts';

/** Tuning for {@link withCache}. */
export interface CacheOptions {
  /** Lifetime of a cached value; bounds staleness from writers that bypass this wrapper. Default 60. */
  ttlSeconds?: number;
  /** Every key starts with this; reset() removes only keys under it. Default `storebench:`. */
  keyPrefix?: string;
}

/**
 * Wraps any backend with a Redis read-through cache for catalog reads and overview gets
 * (read-through.ts). Usages and bulk loads go straight to the backend. Any Redis failure
 * degrades to the backend.
 */
export function withCache(backend: Backend, redis: { url: string } | Redis, options: CacheOptions = {}): Backend {
  const prefix = options.keyPrefix ?? DEFAULT_PREFIX;
  const { client, owned } = cacheClient(redis);
  let counter: Counter<'result'> | undefined;
  const count = (outcome: CacheOutcome): void => {
    counter?.inc({ result: outcome });
  };
  const cache = new ReadThrough(client, prefix, options.ttlSeconds ?? 60, count);

  // Every workload's store passes through; the ones worth caching are wrapped below.
  const stores = Object.fromEntries(WORKLOAD_NAMES.map((w) => [w, backend[w]])) as WorkloadStores;
  return {
    ...stores,
    name: `${backend.name}+redis`,
    load: backend.load,
    catalog: cachedCatalogStore(backend.catalog, cache),
    overview: cachedOverviewStore(backend.overview, cache),
    migrate: () => backend.migrate(),
    async reset() {
      await backend.reset();
      await unlinkPrefix(client, prefix).catch(() => count('error'));
    },
    ping: () => backend.ping(),
    ...(backend.sizeOnDisk && { sizeOnDisk: backend.sizeOnDisk.bind(backend) }),
    ...(backend.settle && { settle: backend.settle.bind(backend) }),
    serverVersion: async () => `${await backend.serverVersion()} + Redis`,
    instrument(registry: Registry) {
      counter = new Counter({
        name: 'storebench_cache_requests_total',
        help: 'Cache lookups by result (hit, miss, error)',
        labelNames: ['result'],
        registers: [registry],
      });
      backend.instrument?.(registry);
    },
    async close() {
      if (owned) client.disconnect();
      await backend.close();
    },
  };
}
