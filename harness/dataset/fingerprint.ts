import { createHash, type Hash } from 'node:crypto';
import type { Workload, WorkloadTables } from '../../core/workloads/index.ts';

/**
 * One line per row: the row's values in the table's canonical field order (the workload
 * descriptor's `tables`), each encoded without escaping so no character has to be scanned in
 * JavaScript: a string as `s<length>:<text>` (the length makes any content unambiguous), a number
 * as `n<digits>`, a boolean as `t`/`f`, null or absent as `~`, a list as `[<count>` followed by its
 * items. The native hash does the only pass over the text. Object key order never matters.
 */
export function canonicalLine(fields: readonly string[], row: object): string {
  const record = row as Record<string, unknown>;
  let line = '';
  for (const field of fields) line += canonicalValue(record[field]);
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
  constructor(private readonly fields: readonly string[]) {}
  add(row: object): void {
    this.pending += canonicalLine(this.fields, row) + '\n';
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

/** Rows and sha256 of one table. */
export interface TableDigest {
  rows: number;
  sha256: string;
}

/** What a workload's data set is: rows and sha256 per table, and one fingerprint over all of them. */
export interface DatasetFingerprint {
  /** sha256 over `table rows digest` lines in the workload's table order. */
  fingerprint: string;
  tables: Record<string, TableDigest>;
}

export function combineTables(tables: Record<string, TableDigest>): DatasetFingerprint {
  const hash = createHash('sha256');
  for (const [table, { rows, sha256 }] of Object.entries(tables)) hash.update(`${table} ${rows} ${sha256}\n`);
  return { fingerprint: hash.digest('hex'), tables };
}

/** Row count and sha256 of one table's canonical stream. */
export async function hashTable(fields: readonly string[], rows: AsyncIterable<object>): Promise<TableDigest> {
  const hasher = new TableHasher(fields);
  for await (const row of rows) hasher.add(row);
  return { rows: hasher.rows, sha256: hasher.digest() };
}

/** Fingerprint a workload's data by reading each table once, in the workload's table order. */
export async function fingerprintData(workload: Workload, data: WorkloadTables): Promise<DatasetFingerprint> {
  const tables: Record<string, TableDigest> = {};
  for (const [table, fields] of Object.entries(workload.tables))
    tables[table] = await hashTable(fields, data[table]!());
  return combineTables(tables);
}
