export {
  canonicalLine,
  CATALOG_TABLES,
  fingerprintRows,
  hashTable,
  TABLE_FIELDS,
  type DatasetFingerprint,
  type TableName,
} from './fingerprint.ts';
export { describeScale, generateWorkload, type ScaleDescription, type WorkloadData } from './generate.ts';
export { loadWorkload, seedWorkload, type SeedOptions, type SeedResult } from './seed.ts';
export { primaryCount, SCALE_NAMES, type Scale, type ScaleName } from '../../core/dataset/index.ts';
