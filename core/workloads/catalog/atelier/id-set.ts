const CHUNK_BITS = 1 << 16;

/**
 * A set of positive integer ids as a sparse bitset: 8 KiB per 65,536-id range
 * that holds any id, so 11M dense sku ids cost ~1.4 MB and one corrupt huge
 * id costs one chunk, not a giant array.
 */
export class IdSet {
  private readonly chunks = new Map<number, Uint32Array>();
  size = 0;

  has(id: number): boolean {
    const chunk = this.chunks.get(Math.floor(id / CHUNK_BITS));
    if (!chunk) return false;
    const bit = id % CHUNK_BITS;
    return (chunk[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /** Adds the id; false when it was already there. */
  add(id: number): boolean {
    const key = Math.floor(id / CHUNK_BITS);
    let chunk = this.chunks.get(key);
    if (!chunk) {
      chunk = new Uint32Array(CHUNK_BITS / 32);
      this.chunks.set(key, chunk);
    }
    const bit = id % CHUNK_BITS;
    const mask = 1 << (bit & 31);
    const word = chunk[bit >>> 5]!;
    if ((word & mask) !== 0) return false;
    chunk[bit >>> 5] = word | mask;
    this.size++;
    return true;
  }
}
