export {
  canonicalLine,
  combineTables,
  fingerprintData,
  hashTable,
  TableHasher,
  type DatasetFingerprint,
  type TableDigest,
} from './fingerprint.ts';
export { describeScale, type ScaleDescription } from './generate.ts';
export { importWorkload, type ImportOptions, type ImportResult } from './import.ts';
export { loadWorkload, seedWorkload, type SeedOptions, type SeedResult } from './seed.ts';
