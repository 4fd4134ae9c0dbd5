import {
  BATCH_SIZE,
  countAtScale,
  rowStream,
  SeededRandom,
  type DatasetOptions,
  type RowStream,
} from '../../dataset/index.ts';
import {
  ADJECTIVES,
  CAMPUSES,
  CLOTHING_CATEGORIES,
  CLOTHING_SIZES,
  COLORS,
  FEATURE_VALUES,
  FEATURES,
  PRODUCT_NOUNS,
  PRODUCT_SENTENCES,
  SHOE_CATEGORIES,
  SHOE_SIZES,
  SLOGAN_OPENERS,
} from '../../dataset/vocabulary.ts';
import { ATELIER_PRODUCT_DEFAULTS } from './product-fields.ts';
import type { CatalogSource, FeatureRow, PhotoRow, ProductRow, RelatedRow, SkuRow, StyleRow } from './types.ts';

/** Products per named scale (`full` is the Atelier catalog: 1,000,011 products). */
export const CATALOG_SCALES = { tiny: 200, small: 10_000, medium: 100_000, full: 1_000_011 } as const;

// Draw tables whose means give the Atelier proportions per product:
// 2 styles, 2.8 photos and 5.5 skus per style (5.6 and 11 per product), 2.2 features, 4.5 related.
const STYLE_COUNTS = [1, 2, 3];
const PHOTO_COUNTS = [1, 2, 3, 3, 3, 4, 4, 2, 3, 3];
const SKU_COUNTS = [6, 6, 6, 6, 4, 5, 6, 5];
const FEATURE_COUNTS = [1, 2, 2, 3, 3, 2, 1, 3, 2, 3];
const RELATED_COUNTS = [3, 4, 5, 6, 4, 5, 3, 6];

// One random stream per purpose, so each table's pass draws only what it needs.
const STREAM_SHAPE = 10;
const STREAM_PRODUCT = 11;
const STREAM_PRICE = 12;
const STREAM_FEATURE = 13;
const STREAM_STYLE = 14;
const STREAM_PHOTO = 15;
const STREAM_SKU = 16;
const STREAM_RELATED = 17;
const STREAM_PRODUCT_DATES = 18;

const DAY_MS = 86_400_000;
/** Generated products were created in the year before the Atelier catalog's load, and updated up to 90 days later. */
const CATALOG_LOADED_MS = Date.parse(ATELIER_PRODUCT_DEFAULTS.created_at);

function datesOf(random: SeededRandom, productId: number): { created_at: string; updated_at: string } {
  random.at(STREAM_PRODUCT_DATES, productId);
  const created = CATALOG_LOADED_MS - random.int(365 * DAY_MS);
  const updated = random.chance(0.5) ? created : created + random.int(90 * DAY_MS);
  return { created_at: new Date(created).toISOString(), updated_at: new Date(updated).toISOString() };
}

/** How many children a product has: a pure function of (seed, product id), recomputed by every table pass. */
interface Shape {
  shoes: boolean;
  features: number;
  related: number;
  styles: number;
  defaultStyle: number;
  photos: number[];
  skus: number[];
}

function shapeOf(random: SeededRandom, productId: number, shape: Shape): Shape {
  random.at(STREAM_SHAPE, productId);
  shape.shoes = random.chance(0.15);
  shape.features = random.pick(FEATURE_COUNTS);
  shape.related = random.pick(RELATED_COUNTS);
  shape.styles = random.pick(STYLE_COUNTS);
  shape.defaultStyle = random.int(shape.styles);
  for (let s = 0; s < shape.styles; s++) {
    shape.photos[s] = random.pick(PHOTO_COUNTS);
    shape.skus[s] = random.pick(SKU_COUNTS);
  }
  return shape;
}

function newShape(): Shape {
  return { shoes: false, features: 0, related: 0, styles: 0, defaultStyle: 0, photos: [0, 0, 0], skus: [0, 0, 0] };
}

function priceOf(random: SeededRandom, productId: number): number {
  return random.at(STREAM_PRICE, productId).between(2, 50) * 5;
}

/** Exact row counts and id ranges of a generated catalog (one cheap pass over the product shapes). */
export type CatalogCounts = {
  products: number;
  features: number;
  styles: number;
  photos: number;
  skus: number;
  related: number;
};

/** Batches of rows of one table, produced while walking the products in id order. */
function tableStream<T>(
  count: number,
  seed: number,
  startPass: () => (random: SeededRandom, productId: number, shape: Shape, out: T[]) => void,
): RowStream<T> {
  return rowStream(function* () {
    const emit = startPass(); // fresh id counters for every pass, even concurrent ones
    const random = new SeededRandom(seed);
    const shape = newShape();
    let batch: T[] = [];
    for (let productId = 1; productId <= count; productId++) {
      shapeOf(random, productId, shape);
      emit(random, productId, shape, batch);
      if (batch.length >= BATCH_SIZE) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  });
}

/** A generated catalog: the six tables plus exact counts. Child ids are dense 1..count in product order. */
export type CatalogDataset = CatalogSource & {
  readonly productCount: number;
  products(): RowStream<ProductRow>;
  features(): RowStream<FeatureRow>;
  styles(): RowStream<StyleRow>;
  photos(): RowStream<PhotoRow>;
  skus(): RowStream<SkuRow>;
  related(): RowStream<RelatedRow>;
  counts(): CatalogCounts;
};

/**
 * The Atelier catalog at a scale: products 1..N, and per product on average
 * 2 styles (exactly one default), 5.6 photos, 11 skus, 2.2 features and
 * 4.5 related ids pointing to other existing products. Each table method is
 * a fresh deterministic pass.
 */
export function catalogDataset(options: DatasetOptions): CatalogDataset {
  const count = countAtScale(CATALOG_SCALES, options.scale);
  const seed = options.seed ?? 1;
  return {
    productCount: count,
    products: () =>
      tableStream<ProductRow>(count, seed, () => (random, id, shape, out) => {
        const default_price = String(priceOf(random, id));
        random.at(STREAM_PRODUCT, id);
        const noun = random.pick(PRODUCT_NOUNS);
        const name = `${random.pick(ADJECTIVES)} ${noun}`;
        const slogan = `${random.pick(SLOGAN_OPENERS)}.`;
        const description = `${random.pick(PRODUCT_SENTENCES)} ${random.pick(PRODUCT_SENTENCES)}`;
        const category = shape.shoes ? random.pick(SHOE_CATEGORIES) : random.pick(CLOTHING_CATEGORIES);
        const campus = random.pick(CAMPUSES);
        out.push({ id, campus, name, slogan, description, category, default_price, ...datesOf(random, id) });
      }),
    features: () =>
      tableStream<FeatureRow>(count, seed, () => {
        let next = 1;
        return (random, productId, shape, out) => {
          for (let f = 0; f < shape.features; f++, next++) {
            random.at(STREAM_FEATURE, next);
            const feature = random.pick(FEATURES);
            out.push({
              id: next,
              product_id: productId,
              feature,
              value: random.chance(0.1) ? null : random.pick(FEATURE_VALUES),
            });
          }
        };
      }),
    styles: () =>
      tableStream<StyleRow>(count, seed, () => {
        let next = 1;
        return (random, productId, shape, out) => {
          const price = priceOf(random, productId);
          for (let s = 0; s < shape.styles; s++, next++) {
            random.at(STREAM_STYLE, next);
            const name = random.pick(COLORS);
            const onSale = random.chance(0.3);
            const salePrice = Math.round((price * random.between(50, 90)) / 100);
            out.push({
              id: next,
              product_id: productId,
              name,
              sale_price: onSale ? String(salePrice) : null,
              original_price: String(price),
              default_style: s === shape.defaultStyle,
            });
          }
        };
      }),
    photos: () =>
      tableStream<PhotoRow>(count, seed, () => {
        let style = 1;
        let next = 1;
        return (random, productId, shape, out) => {
          for (let s = 0; s < shape.styles; s++, style++) {
            random.at(STREAM_PHOTO, style);
            for (let p = 0; p < shape.photos[s]!; p++, next++) {
              const base = `https://images.unsplash.com/photo-15${10_000_000 + random.int(90_000_000)}${100 + random.int(900)}-${hex12(random)}`;
              out.push({
                id: next,
                style_id: style,
                url: `${base}?ixlib=rb-1.2.1&auto=format&fit=crop&w=668&q=80`,
                thumbnail_url: `${base}?ixlib=rb-1.2.1&auto=format&fit=crop&w=300&q=80`,
              });
            }
          }
        };
      }),
    skus: () =>
      tableStream<SkuRow>(count, seed, () => {
        let style = 1;
        let next = 1;
        return (random, productId, shape, out) => {
          const sizes: readonly string[] = shape.shoes ? SHOE_SIZES : CLOTHING_SIZES;
          for (let s = 0; s < shape.styles; s++, style++) {
            random.at(STREAM_SKU, style);
            const n = shape.skus[s]!;
            const first = random.int(sizes.length - n + 1);
            for (let k = 0; k < n; k++, next++) {
              out.push({ id: next, style_id: style, size: sizes[first + k]!, quantity: random.between(0, 60) });
            }
          }
        };
      }),
    related: () =>
      tableStream<RelatedRow>(count, seed, () => {
        let next = 1;
        return (random, productId, shape, out) => {
          if (count < 2) return;
          random.at(STREAM_RELATED, productId);
          for (let r = 0; r < shape.related; r++, next++) {
            let other = random.between(1, count - 1);
            if (other >= productId) other++; // never the product itself
            out.push({ id: next, current_product_id: productId, related_product_id: other });
          }
        };
      }),
    counts: () => catalogCounts(count, seed),
  };
}

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 12 hex digits (an Unsplash photo id tail) from two draws, via a byte table: toString(16) is slow in this loop. */
function hex12(random: SeededRandom): string {
  const a = random.next();
  const b = random.next();
  return (
    HEX_BYTES[a >>> 24]! +
    HEX_BYTES[(a >>> 16) & 255]! +
    HEX_BYTES[(a >>> 8) & 255]! +
    HEX_BYTES[a & 255]! +
    HEX_BYTES[b >>> 24]! +
    HEX_BYTES[(b >>> 16) & 255]!
  );
}

function catalogCounts(count: number, seed: number): CatalogCounts {
  const random = new SeededRandom(seed);
  const shape = newShape();
  const counts: CatalogCounts = { products: count, features: 0, styles: 0, photos: 0, skus: 0, related: 0 };
  for (let id = 1; id <= count; id++) {
    shapeOf(random, id, shape);
    counts.features += shape.features;
    counts.styles += shape.styles;
    counts.related += count < 2 ? 0 : shape.related;
    for (let s = 0; s < shape.styles; s++) {
      counts.photos += shape.photos[s]!;
      counts.skus += shape.skus[s]!;
    }
  }
  return counts;
}
