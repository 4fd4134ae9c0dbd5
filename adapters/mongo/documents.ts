import type { Collection, Db, ObjectId } from 'mongodb';

/**
 * The adapter's document model, written for MongoDB 7 (WiredTiger). Each
 * collection is shaped for the reads of its workload; schema.ts creates the
 * collections and the indexes those reads need.
 */
export const COLLECTIONS = {
  products: 'catalog_products',
  styles: 'catalog_product_styles',
  overview: 'overview',
  usages: 'usages',
} as const;

/**
 * A product: the summary fields with its features and related ids embedded
 * (each route reads it by `_id` with a projection), plus `pos`, its 0-based
 * position in id order, under a unique index, so a page of `GET /products` is
 * `count` index seeks instead of a skip over the first (page-1)*count keys.
 * Embedded children keep their row id (`i`) so reads restore the contract's
 * order whatever order the loader saw them in.
 */
export interface ProductDocument {
  _id: number;
  pos: number;
  campus: string;
  name: string;
  slogan: string;
  description: string;
  category: string;
  default_price: string;
  created_at: Date;
  updated_at: Date;
  features: { i: number; feature: string; value: string | null }[];
  related: { i: number; p: number }[];
}

/** One style as embedded in its product's styles document (`i` is the style id). */
export interface EmbeddedStyle {
  i: number;
  name: string;
  original_price: string;
  sale_price: string | null;
  default: boolean;
}
export interface EmbeddedPhoto {
  i: number;
  thumbnail_url: string;
  url: string;
}
export interface EmbeddedSku {
  i: number;
  size: string;
  quantity: number;
}

/**
 * Everything `GET /products/:id/styles` returns, in one document per product
 * keyed by the product id (one exists for every product, so an unknown product
 * is one missed `_id` lookup). Photos and skus are grouped under their style id
 * (`photos["1234"]`) rather than nested inside the style array element, so the
 * loader appends them with a plain dotted-path `$push`, no positional operator.
 * Kept apart from the product document so product and listing reads do not drag
 * the styles (about 85% of a product's bytes) through the cache.
 */
export interface ProductStylesDocument {
  _id: number;
  styles: EmbeddedStyle[];
  photos: Record<string, EmbeddedPhoto[]>;
  skus: Record<string, EmbeddedSku[]>;
}

/** An overview record keyed by its game id (the `_id` index is the unique index). */
export interface OverviewDocument {
  _id: number;
  game_name: string;
  description: string;
  release_date: string;
  developer: string;
  publisher: string;
  tags: string[];
}

/** A usage keyed by a driver-generated ObjectId; the API id is its 24-char hex form. */
export interface UsageDocument {
  _id: ObjectId;
  patientId: string;
  timestamp: string;
  medication: string;
}

/** The adapter's collections, typed by their documents. */
export interface MongoCollections {
  products: Collection<ProductDocument>;
  styles: Collection<ProductStylesDocument>;
  overview: Collection<OverviewDocument>;
  usages: Collection<UsageDocument>;
}

export function collectionsOf(db: Db): MongoCollections {
  return {
    products: db.collection<ProductDocument>(COLLECTIONS.products),
    styles: db.collection<ProductStylesDocument>(COLLECTIONS.styles),
    overview: db.collection<OverviewDocument>(COLLECTIONS.overview),
    usages: db.collection<UsageDocument>(COLLECTIONS.usages),
  };
}
