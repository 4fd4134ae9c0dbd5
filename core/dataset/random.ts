/**
 * A small seeded PRNG (mulberry32 over a murmur3-mixed key). Every record is
 * generated from its own key (seed, stream, index), so any record can be
 * recomputed on its own and a pass over a table never depends on the passes
 * over other tables. 32-bit integer math only: identical on every platform.
 */
export function mix32(value: number): number {
  let x = value | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Reduce any integer seed to 32 bits (negative and > 2^32 seeds are accepted). */
export function normalizeSeed(seed: number): number {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  return Number(BigInt.asUintN(32, BigInt(seed)));
}

/** A reusable generator: `at(stream, index)` re-keys it, then draw values. */
export class SeededRandom {
  private state = 0;
  private readonly seedKey: number;

  constructor(seed: number) {
    this.seedKey = mix32(normalizeSeed(seed) ^ 0x9e3779b9);
  }

  /** Position the generator on record `index` of `stream` (a small constant per table/purpose). */
  at(stream: number, index: number): this {
    this.state = mix32(mix32(this.seedKey + Math.imul(stream, 0x632be5ab)) ^ index) ^ Math.floor(index / 4294967296);
    return this;
  }

  /** Next 32-bit unsigned value. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p * 4294967296;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}
