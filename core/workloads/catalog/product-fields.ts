/** A product's fields in the Atelier API's order: the row of the products table, a row of `GET /products`. */
export const PRODUCT_FIELDS = [
  'id',
  'campus',
  'name',
  'slogan',
  'description',
  'category',
  'default_price',
  'created_at',
  'updated_at',
] as const;

/**
 * The product fields the Atelier API returns beyond its product.csv (`campus`, `created_at`, `updated_at`):
 * the values an import uses when its file lacks those columns, and the one timestamp format every backend
 * stores and serves.
 */
export const ATELIER_PRODUCT_DEFAULTS = {
  campus: 'hr-rfe',
  // When the Atelier API's catalog was loaded: what it returns for every product of the published files.
  created_at: '2021-08-13T14:38:44.509Z',
  updated_at: '2021-08-13T14:38:44.509Z',
} as const;

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A timestamp as `Date.prototype.toISOString()` writes it (UTC, milliseconds: what every engine keeps
 * exactly), from ISO 8601 text with a zone; undefined when the text is not one, or names no real instant.
 */
export function isoTimestamp(text: string): string | undefined {
  const trimmed = text.trim();
  if (!ISO_TIMESTAMP.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed.replace(' ', 'T'));
  if (Number.isNaN(ms) || ms < Date.UTC(1900, 0, 1) || ms >= Date.UTC(10000, 0, 1)) return undefined;
  return new Date(ms).toISOString();
}
