import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogSource } from '../types.ts';

/** A CSV field, quoted only when it has to be. */
function field(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  return /[",\r\n]/.test(value) || value === '' || value === 'null' ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Headers as the published Atelier files spell them (camelCase foreign keys in styles, photos and skus);
 * product.csv carries the API's campus and timestamps as three more columns, which the importer reads when present.
 */
const FILES = [
  [
    'product.csv',
    'products',
    'id,name,slogan,description,category,default_price,campus,created_at,updated_at',
    ['id', 'name', 'slogan', 'description', 'category', 'default_price', 'campus', 'created_at', 'updated_at'],
  ],
  ['features.csv', 'features', 'id,product_id,feature,value', ['id', 'product_id', 'feature', 'value']],
  [
    'styles.csv',
    'styles',
    'id,productId,name,sale_price,original_price,default_style',
    ['id', 'product_id', 'name', 'sale_price', 'original_price', 'default_style'],
  ],
  ['photos.csv', 'photos', 'id,styleId,url,thumbnail_url', ['id', 'style_id', 'url', 'thumbnail_url']],
  ['skus.csv', 'skus', 'id,styleId,size,quantity', ['id', 'style_id', 'size', 'quantity']],
  [
    'related.csv',
    'related',
    'id,current_product_id,related_product_id',
    ['id', 'current_product_id', 'related_product_id'],
  ],
] as const;

/**
 * Write a catalog as the six Atelier CSV files (e.g. a generated one, to feed
 * tools that take the original files). Note: a feature value that is the text
 * `null` cannot be told from a missing one in that format; the importer reads both as null.
 */
export async function exportCatalogCsv(source: CatalogSource, dir: string): Promise<Record<string, number>> {
  mkdirSync(dir, { recursive: true });
  const counts: Record<string, number> = {};
  for (const [file, table, header, columns] of FILES) {
    const out = createWriteStream(join(dir, file));
    out.write(header + '\n');
    let pending = '';
    let rows = 0;
    for await (const row of source[table]() as AsyncIterable<Record<string, string | number | boolean | null>>) {
      pending += columns.map((c) => field(row[c]!)).join(',') + '\n';
      rows++;
      if (pending.length > 1 << 16) {
        if (!out.write(pending)) await once(out, 'drain');
        pending = '';
      }
    }
    out.end(pending);
    await once(out, 'finish');
    counts[table] = rows;
  }
  return counts;
}
