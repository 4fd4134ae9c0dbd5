import type { Redis } from 'ioredis';

/** The outcome of one cache lookup, as counted in `storebench_cache_requests_total`. */
export type CacheOutcome = 'hit' | 'miss' | 'error';

/**
 * Read-through and invalidation on one Redis under one key prefix. Not-found answers are
 * not cached: a 404 is cheap to recompute and caching it would need its own invalidation on
 * create. Any Redis failure is counted and degrades to the backend.
 */
export class ReadThrough {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly count: (outcome: CacheOutcome) => void,
  ) {}

  async cached<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const full = this.prefix + key;
    let hit: string | null = null;
    try {
      hit = await this.client.get(full);
    } catch {
      this.count('error');
      return load();
    }
    if (hit !== null) {
      this.count('hit');
      return JSON.parse(hit) as T;
    }
    this.count('miss');
    const value = await load();
    if (value !== undefined) {
      this.client.set(full, JSON.stringify(value), 'EX', this.ttlSeconds).catch(() => this.count('error'));
    }
    return value;
  }

  /**
   * Delete before and after the write: the first delete stops readers serving the old value
   * once the write starts; the second removes a value a concurrent reader repopulated from
   * the pre-write state. The client gets its 2xx only after the second delete.
   */
  async invalidating<T>(key: string, write: () => Promise<T>): Promise<T> {
    await this.drop(key);
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
