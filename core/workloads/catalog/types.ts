/**
 * A row of `GET /products`, with the Atelier API's fields: `default_price` is a decimal string,
 * `campus` the Atelier campus code that owns the product (`hr-rfe`), `created_at` and `updated_at`
 * ISO 8601 UTC timestamps with milliseconds (`2021-08-13T14:38:44.509Z`).
 */
export interface ProductSummary {
  id: number;
  campus: string;
  name: string;
  slogan: string;
  description: string;
  category: string;
  default_price: string;
  created_at: string;
  updated_at: string;
}

export interface Feature {
  feature: string;
  value: string | null;
}

/** `GET /products/:id`: the product plus its features ordered by feature id. */
export interface Product extends ProductSummary {
  features: Feature[];
}

export interface Photo {
  thumbnail_url: string;
  url: string;
}

export interface Sku {
  quantity: number;
  size: string;
}

/** One style; photos ordered by photo id; skus keyed by sku id (as a decimal string). */
export interface Style {
  style_id: number;
  name: string;
  original_price: string;
  sale_price: string | null;
  'default?': boolean;
  photos: Photo[];
  skus: Record<string, Sku>;
}

/** `GET /products/:id/styles`: `product_id` is a string, results ordered by style id. */
export interface ProductStyles {
  product_id: string;
  results: Style[];
}

// ---- Rows as the bulk loaders receive them (one type per Atelier CSV file) ----

/** Timestamps as `Date.prototype.toISOString()` writes them: every store keeps milliseconds, UTC. */
export interface ProductRow {
  id: number;
  campus: string;
  name: string;
  slogan: string;
  description: string;
  category: string;
  default_price: string;
  created_at: string;
  updated_at: string;
}
export interface FeatureRow {
  id: number;
  product_id: number;
  feature: string;
  value: string | null;
}
export interface StyleRow {
  id: number;
  product_id: number;
  name: string;
  sale_price: string | null;
  original_price: string;
  default_style: boolean;
}
export interface PhotoRow {
  id: number;
  style_id: number;
  url: string;
  thumbnail_url: string;
}
export interface SkuRow {
  id: number;
  style_id: number;
  size: string;
  quantity: number;
}
export interface RelatedRow {
  id: number;
  current_product_id: number;
  related_product_id: number;
}

/**
 * The catalog as six table streams. Each method starts a fresh pass over its
 * table (a generator re-runs deterministically, an importer re-reads its file),
 * so a loader may read tables in any order, in parallel, or twice.
 * Guarantees: ids are unique per table and every foreign key points to an
 * existing parent (the importer rejects orphans). Order is by id for the
 * generator; loaders must stay correct for any order.
 */
export type CatalogSource = {
  products(): AsyncIterable<ProductRow>;
  features(): AsyncIterable<FeatureRow>;
  styles(): AsyncIterable<StyleRow>;
  photos(): AsyncIterable<PhotoRow>;
  skus(): AsyncIterable<SkuRow>;
  related(): AsyncIterable<RelatedRow>;
};
