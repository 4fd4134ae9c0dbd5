import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FileImportOptions, ImportedData, ImportedFile } from '../../workload.ts';
import type { CatalogSource } from '../types.ts';
import { DEFAULT_CSV_LIMITS, readCsvRecords, type CsvLimits } from './csv-records.ts';
import { IdSet } from './id-set.ts';
import { atelierTables, canonicalColumn, type ParentIds, type TableSpec } from './tables.ts';

/** Limits of the tolerant reader; every violation rejects the row and the import goes on. */
export interface ImportLimits extends CsvLimits {
  /** Longest accepted text field (name, description, url...). Default 10,000 characters. */
  maxFieldChars: number;
}

type FileSummary = ImportedFile;

/** Where the reasons go: one CSV line per rejected record, quoted so that any raw text round-trips. */
class RejectsFile {
  private readonly out: WriteStream;
  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.out = createWriteStream(path);
    this.out.write('file,line,reason,raw\n');
  }
  add(file: string, line: number, reason: string, raw: string): void {
    this.out.write(`${file},${line},${quote(reason)},${quote(raw.length > 2000 ? raw.slice(0, 2000) + '…' : raw)}\n`);
  }
  close(): Promise<void> {
    return new Promise((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

function quote(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/** What one pass reports into; passes that only feed the loader report nowhere. */
interface Recorder {
  summary: FileSummary;
  rejects: RejectsFile;
}

/**
 * Stream one file's accepted rows. Deterministic: every pass accepts exactly
 * the same rows (first valid occurrence of each id wins), so a loader may
 * read a table as often as it likes.
 */
async function* readTable<T extends { id: number }>(
  dir: string,
  spec: TableSpec<T>,
  limits: ImportLimits,
  parents: ParentIds,
  recorder?: Recorder,
): AsyncGenerator<T> {
  const records = readCsvRecords(join(dir, spec.file), limits);
  const first = await records.next();
  if (first.done || first.value.fields === undefined) {
    throw new Error(`${spec.file}: no readable header line`);
  }
  const header = first.value.fields.map(canonicalColumn);
  const positions = [...spec.columns, ...(spec.optionalColumns ?? [])].map((column) => header.indexOf(column));
  const missing = spec.columns.filter((_, i) => positions[i]! < 0);
  if (missing.length > 0) {
    throw new Error(`${spec.file}: missing column(s) ${missing.join(', ')} (header: ${first.value.raw})`);
  }
  const seen = new IdSet();
  const reject = (line: number, reason: string, raw: string) => {
    if (!recorder) return;
    recorder.summary.rejected++;
    const kind = reason.slice(0, reason.indexOf(':') >>> 0);
    recorder.summary.reasons[kind] = (recorder.summary.reasons[kind] ?? 0) + 1;
    recorder.rejects.add(spec.file, line, reason, raw);
  };
  for await (const record of records) {
    if (recorder) recorder.summary.records++;
    if (record.fields === undefined) {
      reject(record.line, record.problem, record.raw);
      continue;
    }
    if (record.fields.length !== header.length) {
      reject(
        record.line,
        `field count: expected ${header.length} fields, got ${record.fields.length} (stray delimiter or quote?)`,
        record.raw,
      );
      continue;
    }
    const converted = spec.convert(
      positions.map((p) => (p < 0 ? undefined : record.fields[p]!)),
      parents,
    );
    if (converted.reason !== undefined) {
      reject(record.line, converted.reason, record.raw);
      continue;
    }
    if (!seen.add(converted.row.id)) {
      reject(record.line, `duplicate id: ${converted.row.id} appeared earlier in ${spec.file}`, record.raw);
      continue;
    }
    if (recorder) recorder.summary.accepted++;
    yield converted.row;
  }
}

/**
 * Opens the Atelier CSV files of `dir` as the catalog's tables. Parents are read first (product.csv,
 * then styles.csv) to collect their accepted ids; the returned tables then yield only accepted rows,
 * so every foreign key a loader sees points to an existing parent. Rejected rows go to
 * `rejectsPath` with the reason; `finish()` (after the load) reads the files no loader pass read,
 * closes the rejects file and returns the summary per file.
 */
export async function openAtelierFiles(dir: string, options: FileImportOptions): Promise<ImportedData<CatalogSource>> {
  const limits: ImportLimits = { ...DEFAULT_CSV_LIMITS, maxFieldChars: 10_000, ...options.limits };
  const specs = atelierTables(limits.maxFieldChars);
  const rejects = new RejectsFile(options.rejectsPath);
  const parents: ParentIds = { products: new IdSet(), styles: new IdSet() };
  const summaries = new Map<string, FileSummary>();
  const recorderFor = (file: string): Recorder => {
    const summary: FileSummary = { file, records: 0, accepted: 0, rejected: 0, reasons: {} };
    summaries.set(file, summary);
    return { summary, rejects };
  };
  try {
    // Parents first: their accepted ids decide which children are orphans.
    for await (const row of readTable(dir, specs.products, limits, parents, recorderFor(specs.products.file))) {
      parents.products.add(row.id);
    }
    for await (const row of readTable(dir, specs.styles, limits, parents, recorderFor(specs.styles.file))) {
      parents.styles.add(row.id);
    }
  } catch (error) {
    await rejects.close();
    throw error;
  }

  // Children record their rejects on the first pass a loader starts; later passes only feed rows.
  const pass = <T extends { id: number }>(spec: TableSpec<T>) => {
    return (): AsyncIterable<T> => ({
      [Symbol.asyncIterator]: () => {
        const record = !summaries.has(spec.file) && spec.table !== 'products' && spec.table !== 'styles';
        return readTable(dir, spec, limits, parents, record ? recorderFor(spec.file) : undefined);
      },
    });
  };
  const tables: CatalogSource = {
    products: pass(specs.products),
    features: pass(specs.features),
    styles: pass(specs.styles),
    photos: pass(specs.photos),
    skus: pass(specs.skus),
    related: pass(specs.related),
  };
  return {
    tables,
    finish: async () => {
      try {
        // A table the loader never read still gets its rejects reported.
        for (const spec of [specs.features, specs.photos, specs.skus, specs.related] as TableSpec<{ id: number }>[]) {
          if (summaries.has(spec.file)) continue;
          for await (const _row of readTable(dir, spec, limits, parents, recorderFor(spec.file))) {
            // counting only
          }
        }
        return Object.values(specs).map((spec) => summaries.get(spec.file)!);
      } finally {
        await rejects.close();
      }
    },
  };
}
