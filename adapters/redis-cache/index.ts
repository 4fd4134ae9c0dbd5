import { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import type { Backend } from '../../core/backend.ts';
import type { OverviewRecord, OverviewUpdate } from '../../core/workloads/overview/types.ts';

/** Tuning for {@link withCache}. */
export interface CacheOptions {
  /** Lifetime of a cached value; bounds staleness from writers that bypass this wrapper. Default 60. */
  ttlSeconds?: number;
  /** Every key starts with this; reset() removes only keys under it. Default `storebench:`. */
  keyPrefix?: string;
}

type Outcome = 'hit' | 'miss' | 'error';

const DEFAULT_PREFIX = 'storebench:';

/**
 * Wraps any backend with a Redis read-through cache for catalog reads and overview gets.
 * Not-found answers are not cached: a 404 is cheap to recompute and caching it would
 * need its own invalidation on create. Any Redis failure degrades to the backend.
 */
export function withCache(backend: Backend, redis: { url: string } | Redis, options: CacheOptions = {}): Backend {
  const ttl = options.ttlSeconds ?? 60;
  const prefix = options.keyPrefix ?? DEFAULT_PREFIX;
  const owned = !(redis instanceof Redis);
  const client =
    redis instanceof Redis
      ? redis
      : new Redis(redis.url, {
          // Fail fast rather than queue: a cache that is down must cost one short timeout at most.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          commandTimeout: 200,
          connectTimeout: 1000,
          lazyConnect: false,
          retryStrategy: (times) => Math.min(times * 100, 2000),
        });
  client.on('error', () => {
    // Counted per call below; the listener keeps ioredis from crashing the process.
  });
  let counter: Counter<'result'> | undefined;
  const count = (outcome: Outcome): void => {
    counter?.inc({ result: outcome });
  };

  async function cached<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const full = prefix + key;
    let hit: string | null = null;
    try {
      hit = await client.get(full);
    } catch {
      count('error');
      return load();
    }
    if (hit !== null) {
      count('hit');
      return JSON.parse(hit) as T;
    }
    count('miss');
    const value = await load();
    if (value !== undefined) {
      client.set(full, JSON.stringify(value), 'EX', ttl).catch(() => count('error'));
    }
    return value;
  }

  async function drop(key: string): Promise<void> {
    try {
      await client.unlink(prefix + key);
    } catch {
      count('error');
    }
  }

  /**
   * Delete before and after the write: the first delete stops readers serving the old value
   * once the write starts; the second removes a value a concurrent reader repopulated from
   * the pre-write state. The client gets its 2xx only after the second delete.
   */
  async function invalidating<T>(key: string, write: () => Promise<T>): Promise<T> {
    await drop(key);
    try {
      return await write();
    } finally {
      await drop(key);
    }
  }

  return {
    name: `${backend.name}+redis`,
    usages: backend.usages,
    load: backend.load,
    catalog: {
      listProducts: async (page, count) =>
        (await cached(`catalog:list:${page}:${count}`, () => backend.catalog.listProducts(page, count))) ?? [],
      getProduct: (id) => cached(`catalog:product:${id}`, () => backend.catalog.getProduct(id)),
      getStyles: (id) => cached(`catalog:styles:${id}`, () => backend.catalog.getStyles(id)),
      getRelated: (id) => cached(`catalog:related:${id}`, () => backend.catalog.getRelated(id)),
    },
    overview: {
      get: (id) => cached(`overview:${id}`, () => backend.overview.get(id)),
      create: (record: OverviewRecord) =>
        invalidating(`overview:${record.game_id}`, () => backend.overview.create(record)),
      replace: (id: number, update: OverviewUpdate) =>
        invalidating(`overview:${id}`, () => backend.overview.replace(id, update)),
      remove: (id: number) => invalidating(`overview:${id}`, () => backend.overview.remove(id)),
    },
    migrate: () => backend.migrate(),
    async reset() {
      await backend.reset();
      await flushPrefix().catch(() => count('error'));
    },
    ping: () => backend.ping(),
    ...(backend.sizeOnDisk && { sizeOnDisk: backend.sizeOnDisk.bind(backend) }),
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

  function flushPrefix(): Promise<void> {
    return unlinkPrefix(client, prefix);
  }
}

/** Removes every key under `prefix` (SCAN + UNLINK, never FLUSHALL: the Redis may hold other data). */
async function unlinkPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== '0');
}

/**
 * Empties the cache of every wrapper using `keyPrefix` on this Redis, so a measurement never starts
 * with values another backend (or an earlier run) put there.
 */
export async function clearCache(url: string, keyPrefix = DEFAULT_PREFIX): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: true });
  try {
    await client.connect();
    await unlinkPrefix(client, keyPrefix);
  } finally {
    client.disconnect();
  }
}
