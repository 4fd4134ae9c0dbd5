export { DEFAULT_CSV_LIMITS, readCsvRecords, splitFields, type CsvLimits, type CsvRecord } from './csv-records.ts';
export { exportCatalogCsv } from './export.ts';
export { IdSet } from './id-set.ts';
export { importCatalog, type FileSummary, type ImportLimits, type ImportOptions, type ImportResult } from './import.ts';
export { canonicalColumn } from './tables.ts';
