/**
 * Style id -> product id, for bulk loaders whose tables are keyed by product: photos and skus rows
 * name only their style. A growable Int32Array indexed by style id (Atelier and generated ids are
 * dense 1..N: 4 bytes a style), with a Map for the rare id that cannot be indexed densely.
 */
export class StyleOwners {
  private static readonly DENSE_LIMIT = 64 * 1024 * 1024;
  private dense = new Int32Array(1024);
  private readonly sparse = new Map<number, number>();

  set(styleId: number, productId: number): void {
    const fits = productId > 0 && productId <= 0x7fffffff;
    if (styleId > 0 && styleId < StyleOwners.DENSE_LIMIT && fits) {
      if (styleId >= this.dense.length) {
        const grown = new Int32Array(Math.min(StyleOwners.DENSE_LIMIT, Math.max(styleId + 1, this.dense.length * 2)));
        grown.set(this.dense);
        this.dense = grown;
      }
      this.dense[styleId] = productId;
    } else {
      this.sparse.set(styleId, productId);
    }
  }

  /** The product of a style; throws naming the child row when the style was never loaded. */
  productOf(styleId: number, child: string, childId: number): number {
    const owner = (styleId > 0 && styleId < this.dense.length ? this.dense[styleId] : 0) || this.sparse.get(styleId);
    if (!owner) throw new Error(`load: ${child} ${childId} names style ${styleId}, which was not loaded`);
    return owner;
  }
}
