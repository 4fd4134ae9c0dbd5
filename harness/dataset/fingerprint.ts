import { createHash, type Hash } from 'node:crypto';
import type { WorkloadName } from '../../core/backend.ts';
import type { CatalogSource } from '../../core/workloads/catalog/types.ts';

/** Field order of the canonical form of each table: the fingerprint hashes values in this order, never object key order. */
export const TABLE_FIELDS = {
  usages: ['patientId', 'timestamp', 'medication'],
  overview: ['game_id', 'game_name', 'description', 'release_date', 'developer', 'publisher', 'tags'],
  products: ['id', 'name', 'slogan', 'description', 'category', 'default_price'],
  features: ['id', 'product_id', 'feature', 'value'],
  styles: ['id', 'product_id', 'name', 'sale_price', 'original_price', 'default_style'],
  photos: ['id', 'style_id', 'url', 'thumbnail_url'],
  skus: ['id', 'style_id', 'size', 'quantity'],
  related: ['id', 'current_product_id', 'related_product_id'],
} as const;
export type TableName = keyof typeof TABLE_FIELDS;
export const CATALOG_TABLES = ['products', 'features', 'styles', 'photos', 'skus', 'related'] as const;

/**
 * One line per row: the row's values in canonical field order, each encoded
 * without escaping so no character has to be scanned in JavaScript: a string
 * as `s<length>:<text>` (the length makes any content unambiguous), a number
 * as `n<digits>`, a boolean as `t`/`f`, null or absent as `~`, a list as
 * `[<count>` followed by its items. The native hash does the only pass over the text.
 */
export function canonicalLine(table: TableName, row: object): string {
  const record = row as Record<string, unknown>;
  let line = '';
  for (const field of TABLE_FIELDS[table]) line += canonicalValue(record[field]);
  return line;
}

function canonicalValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${value.length}:${value}`;
    case 'number':
      return `n${value}`;
    case 'boolean':
      return value ? 't' : 'f';
    default:
      if (Array.isArray(value)) return `[${value.length}` + value.map(canonicalValue).join('');
      return '~';
  }
}

/** sha256 of one table's canonical stream, fed row by row (strings are buffered so hashing is not per row). */
export class TableHasher {
  private readonly hash: Hash = createHash('sha256');
  private pending = '';
  rows = 0;
  constructor(readonly table: TableName) {}
  add(row: object): void {
    this.pending += canonicalLine(this.table, row) + '\n';
    this.rows++;
    if (this.pending.length > 1 << 16) {
      this.hash.update(this.pending);
      this.pending = '';
    }
  }
  digest(): string {
    this.hash.update(this.pending);
    this.pending = '';
    return this.hash.digest('hex');
  }
}

/** What a workload's data set is: rows and sha256 per table, and one fingerprint over all of them. */
export interface DatasetFingerprint {
  /** sha256 over `table rows digest` lines in the workload's table order. */
  fingerprint: string;
  tables: Record<string, { rows: number; sha256: string }>;
}

export function combineTables(tables: Record<string, { rows: number; sha256: string }>): DatasetFingerprint {
  const hash = createHash('sha256');
  for (const [table, { rows, sha256 }] of Object.entries(tables)) hash.update(`${table} ${rows} ${sha256}\n`);
  return { fingerprint: hash.digest('hex'), tables };
}

/** Row count and sha256 of one table's canonical stream. */
export async function hashTable(
  table: TableName,
  rows: AsyncIterable<object>,
): Promise<{ rows: number; sha256: string }> {
  const hasher = new TableHasher(table);
  for await (const row of rows) hasher.add(row);
  return { rows: hasher.rows, sha256: hasher.digest() };
}

/** Fingerprint a workload's stream by reading it once (for catalog, each table once, in table order). */
export async function fingerprintRows(
  workload: WorkloadName,
  data: AsyncIterable<object> | CatalogSource,
): Promise<DatasetFingerprint> {
  if (workload === 'catalog') {
    const source = data as CatalogSource;
    const tables: Record<string, { rows: number; sha256: string }> = {};
    for (const table of CATALOG_TABLES) tables[table] = await hashTable(table, source[table]());
    return combineTables(tables);
  }
  return combineTables({ [workload]: await hashTable(workload, data as AsyncIterable<object>) });
}
