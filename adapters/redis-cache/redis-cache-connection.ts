import { Redis } from 'ioredis';

/** Every key starts with this unless the wrapper is given another prefix. */
export const DEFAULT_PREFIX = 'storebench:';

/**
 * The wrapper's client: the caller's own (left open on close), or one made from a URL that
 * fails fast rather than queue, because a cache that is down must cost one short timeout at most.
 */
export function cacheClient(redis: { url: string } | Redis): { client: Redis; owned: boolean } {
  const client =
    redis instanceof Redis
      ? redis
      : new Redis(redis.url, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          commandTimeout: 200,
          connectTimeout: 1000,
          lazyConnect: false,
          retryStrategy: (times) => Math.min(times * 100, 2000),
        });
  client.on('error', () => {
    // Counted per call by the wrapper; the listener keeps ioredis from crashing the process.
  });
  return { client, owned: !(redis instanceof Redis) };
}

/** Removes every key under `prefix` (SCAN + UNLINK, never FLUSHALL: the Redis may hold other data). */
export async function unlinkPrefix(client: Redis, prefix: string): Promise<void> {
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
