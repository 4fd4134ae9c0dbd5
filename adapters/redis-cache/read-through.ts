import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** The outcome of one cache lookup, as counted in `storebench_cache_requests_total`. */
export type CacheOutcome = 'hit' | 'miss' | 'error';

/** A key holding this prefix holds a lease, not a value: no JSON text starts with a NUL. */
const LEASE_MARK = '\u0000lease:';

/**
 * GET, or on a miss take a lease: the key is set to this reader's lease token, which every
 * invalidation removes. Returns the value, another reader's lease, or nil when the lease is ours.
 */
const GET_OR_LEASE = `
local value = redis.call('GET', KEYS[1])
if value then return value end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;

/**
 * Fill only while our lease is still there, i.e. no write invalidated the key since we took it
 * (so what we loaded is not older than any acknowledged write). An empty value gives the lease back.
 */
const FILL_IF_LEASED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return 1`;

/** How long a lease lives if its reader never fills (crashed, or a load slower than this: the fill is refused). */
const LEASE_MS = 5_000;

/**
 * Read-through and invalidation on one Redis under one key prefix, with leases (as in Facebook's
 * memcache paper) so that a reader that loaded a value before a write can never put it in the cache
 * after the write's invalidation: a miss takes a lease on the key, the fill is a compare-and-set on
 * that lease, and an invalidation deletes the key, lease included. While another reader holds the
 * lease, a miss reads the backend without filling. Not-found answers are not cached: a 404 is cheap
 * to recompute and caching it would need its own invalidation on create. Any Redis failure is
 * counted and degrades to the backend.
 */
export class ReadThrough {
  private readonly leasePrefix = `${LEASE_MARK}${randomUUID()}:`;
  private leases = 0;

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly count: (outcome: CacheOutcome) => void,
  ) {}

  async cached<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const full = this.prefix + key;
    const lease = `${this.leasePrefix}${this.leases++}`;
    let found: unknown;
    try {
      found = await this.client.eval(GET_OR_LEASE, 1, full, lease, LEASE_MS);
    } catch {
      this.count('error');
      return load();
    }
    if (typeof found === 'string' && !found.startsWith(LEASE_MARK)) {
      this.count('hit');
      return JSON.parse(found) as T;
    }
    this.count('miss');
    const value = await load();
    // Only the lease holder fills (found is null); fire-and-forget, the lease makes a late fill harmless.
    if (found === null) {
      const text = value === undefined ? '' : JSON.stringify(value);
      this.client.eval(FILL_IF_LEASED, 1, full, lease, text, this.ttlSeconds).catch(() => this.count('error'));
    }
    return value;
  }

  /**
   * The write, then the key's removal (value or lease), before the client gets its answer: a reader
   * that took its lease before the removal cannot fill, one that takes it after loads the written state.
   */
  async invalidating<T>(key: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      await this.drop(key);
    }
  }

  private async drop(key: string): Promise<void> {
    try {
      await this.client.unlink(this.prefix + key);
    } catch {
      this.count('error');
    }
  }
}
