export { DEFAULT_CSV_LIMITS, readCsvRecords, splitFields, type CsvLimits, type CsvRecord } from './csv-records.ts';
export { exportCatalogCsv } from './export.ts';
export { openAtelierFiles, type ImportLimits } from './import.ts';
export { canonicalColumn } from './tables.ts';
