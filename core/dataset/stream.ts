/**
 * A row stream: an async iterable (what the bulk loaders take) backed by a
 * synchronous generator of batches, so producing rows costs a function call
 * and a resolved promise per row, not an async-generator round trip.
 */
export interface RowStream<T> extends AsyncIterable<T> {
  /** The same rows as arrays, synchronously (fingerprints and fast consumers). Each call starts a fresh pass. */
  batches(): Iterable<T[]>;
}

export function rowStream<T>(batches: () => Iterable<T[]>): RowStream<T> {
  return {
    batches,
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const source = batches()[Symbol.iterator]();
      let batch: T[] = [];
      let index = 0;
      let finished = false;
      return {
        next(): Promise<IteratorResult<T>> {
          while (index >= batch.length) {
            const step = finished ? undefined : source.next();
            if (!step || step.done) {
              finished = true;
              return Promise.resolve({ done: true, value: undefined });
            }
            batch = step.value;
            index = 0;
          }
          return Promise.resolve({ done: false, value: batch[index++]! });
        },
        return(): Promise<IteratorResult<T>> {
          finished = true;
          source.return?.();
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
}

/** Rows produced per batch by the generators: large enough to amortise, small enough to stay cache-friendly. */
export const BATCH_SIZE = 1024;
