import { MAX_ID } from '../../../validation.ts';
import { ATELIER_PRODUCT_DEFAULTS, isoTimestamp } from '../product-fields.ts';
import type { FeatureRow, PhotoRow, ProductRow, RelatedRow, SkuRow, StyleRow } from '../types.ts';
import type { IdSet } from './id-set.ts';

/** Parent id sets the child files are checked against (filled by the parents' pass). */
export interface ParentIds {
  products: IdSet;
  styles: IdSet;
}

/** A row, or why the record is rejected (`kind: detail`). */
export type Converted<T> = { row: T; reason?: undefined } | { row?: undefined; reason: string };

/** One Atelier file: its name, its columns (canonical name -> accepted header spellings) and its row conversion. */
export interface TableSpec<T extends { id: number }> {
  file: string;
  table: 'products' | 'features' | 'styles' | 'photos' | 'skus' | 'related';
  columns: readonly string[];
  /** Columns a file may lack (the published product.csv has none of them): their values are then undefined. */
  optionalColumns?: readonly string[];
  convert(values: (string | undefined)[], parents: ParentIds): Converted<T>;
}

/** Header spellings seen in the published files and their variants: case, underscores, camelCase. */
export function headerKey(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/^"|"$/g, '')
    .toLowerCase()
    .replace(/[\s_?-]/g, '');
}

const ALIASES: Record<string, string> = {
  productid: 'product_id',
  styleid: 'style_id',
  saleprice: 'sale_price',
  originalprice: 'original_price',
  defaultstyle: 'default_style',
  default: 'default_style',
  defaultprice: 'default_price',
  createdat: 'created_at',
  updatedat: 'updated_at',
  thumbnailurl: 'thumbnail_url',
  currentproductid: 'current_product_id',
  relatedproductid: 'related_product_id',
};

/** The canonical column a header cell names (`styleId`, `Style_ID`, `style_id` -> `style_id`). */
export function canonicalColumn(header: string): string {
  const key = headerKey(header);
  return ALIASES[key] ?? key;
}

class Reject extends Error {}

function id(value: string, column: string): number {
  const text = value.trim();
  if (!/^\d{1,10}$/.test(text))
    throw new Reject(`bad value: ${column} "${value.slice(0, 40)}" is not a positive integer`);
  const n = Number(text);
  if (n < 1 || n > MAX_ID) throw new Reject(`bad value: ${column} ${text} is out of range 1..${MAX_ID}`);
  return n;
}

function parent(value: string, column: string, set: IdSet, file: string): number {
  const n = id(value, column);
  if (!set.has(n)) throw new Reject(`orphan: ${column} ${n} is not in ${file}`);
  return n;
}

function price(value: string, column: string): string {
  const text = value.trim();
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(text))
    throw new Reject(`bad value: ${column} "${value.slice(0, 40)}" is not a price`);
  return text;
}

function nullable(value: string): string | null {
  const text = value.trim();
  return text === '' || text.toLowerCase() === 'null' ? null : value;
}

function flag(value: string, column: string): boolean {
  const text = value.trim().toLowerCase();
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  throw new Reject(`bad value: ${column} "${value.slice(0, 40)}" is not 0/1/true/false`);
}

function quantity(value: string): number {
  const text = value.trim();
  if (!/^\d{1,9}$/.test(text)) throw new Reject(`bad value: quantity "${value.slice(0, 40)}" is not a count`);
  return Number(text);
}

function text(value: string, column: string, maxChars: number): string {
  if (value.length > maxChars) throw new Reject(`field too long: ${column} is ${value.length} chars (max ${maxChars})`);
  return value;
}

function timestamp(value: string | undefined, column: 'created_at' | 'updated_at'): string {
  if (value === undefined || value.trim() === '') return ATELIER_PRODUCT_DEFAULTS[column];
  const normalized = isoTimestamp(value);
  if (!normalized) throw new Reject(`bad value: ${column} "${value.slice(0, 40)}" is not an ISO 8601 timestamp`);
  return normalized;
}

function converter<T>(build: (v: (string | undefined)[], parents: ParentIds) => T) {
  return (values: (string | undefined)[], parents: ParentIds): Converted<T> => {
    try {
      return { row: build(values, parents) };
    } catch (err) {
      if (err instanceof Reject) return { reason: err.message };
      throw err;
    }
  };
}

/** Builds the six specs; `maxFieldChars` bounds every text field (over-long text is rejected, not truncated). */
export function atelierTables(maxFieldChars: number) {
  const t = (value: string | undefined, column: string) => text(value ?? '', column, maxFieldChars);
  const products: TableSpec<ProductRow> = {
    file: 'product.csv',
    table: 'products',
    columns: ['id', 'name', 'slogan', 'description', 'category', 'default_price'],
    optionalColumns: ['campus', 'created_at', 'updated_at'],
    convert: converter(([rawId, name, slogan, description, category, defaultPrice, campus, created, updated]) => ({
      id: id(rawId!, 'id'),
      campus: campus === undefined || campus.trim() === '' ? ATELIER_PRODUCT_DEFAULTS.campus : t(campus, 'campus'),
      name: t(name, 'name'),
      slogan: t(slogan, 'slogan'),
      description: t(description, 'description'),
      category: t(category, 'category'),
      default_price: price(defaultPrice!, 'default_price'),
      created_at: timestamp(created, 'created_at'),
      updated_at: timestamp(updated, 'updated_at'),
    })),
  };
  const features: TableSpec<FeatureRow> = {
    file: 'features.csv',
    table: 'features',
    columns: ['id', 'product_id', 'feature', 'value'],
    convert: converter(([rawId, productId, feature, value], parents) => ({
      id: id(rawId!, 'id'),
      product_id: parent(productId!, 'product_id', parents.products, 'product.csv'),
      feature: t(feature, 'feature'),
      value: nullable(t(value, 'value')),
    })),
  };
  const styles: TableSpec<StyleRow> = {
    file: 'styles.csv',
    table: 'styles',
    columns: ['id', 'product_id', 'name', 'sale_price', 'original_price', 'default_style'],
    convert: converter(([rawId, productId, name, sale, original, isDefault], parents) => {
      const salePrice = nullable(sale!);
      return {
        id: id(rawId!, 'id'),
        product_id: parent(productId!, 'product_id', parents.products, 'product.csv'),
        name: t(name, 'name'),
        sale_price: salePrice === null ? null : price(salePrice, 'sale_price'),
        original_price: price(original!, 'original_price'),
        default_style: flag(isDefault!, 'default_style'),
      };
    }),
  };
  const photos: TableSpec<PhotoRow> = {
    file: 'photos.csv',
    table: 'photos',
    columns: ['id', 'style_id', 'url', 'thumbnail_url'],
    convert: converter(([rawId, styleId, url, thumbnail], parents) => ({
      id: id(rawId!, 'id'),
      style_id: parent(styleId!, 'style_id', parents.styles, 'styles.csv'),
      url: t(url, 'url'),
      thumbnail_url: t(thumbnail, 'thumbnail_url'),
    })),
  };
  const skus: TableSpec<SkuRow> = {
    file: 'skus.csv',
    table: 'skus',
    columns: ['id', 'style_id', 'size', 'quantity'],
    convert: converter(([rawId, styleId, size, count], parents) => ({
      id: id(rawId!, 'id'),
      style_id: parent(styleId!, 'style_id', parents.styles, 'styles.csv'),
      size: t(size, 'size').trim(),
      quantity: quantity(count!),
    })),
  };
  const related: TableSpec<RelatedRow> = {
    file: 'related.csv',
    table: 'related',
    columns: ['id', 'current_product_id', 'related_product_id'],
    convert: converter(([rawId, current, other], parents) => ({
      id: id(rawId!, 'id'),
      current_product_id: parent(current!, 'current_product_id', parents.products, 'product.csv'),
      related_product_id: parent(other!, 'related_product_id', parents.products, 'product.csv'),
    })),
  };
  return { products, features, styles, photos, skus, related };
}
