import { writeFile } from 'node:fs/promises';
import type { Backend, LoadOptions } from '../../core/backend.ts';
import type { ImportedFile, Workload } from '../../core/workloads/index.ts';
import type { DatasetFingerprint } from './fingerprint.ts';
import { loadWorkload, type SeedResult } from './seed.ts';

export interface ImportOptions extends LoadOptions {
  /** Where rejected rows go (`file,line,reason,raw`); the summary is written beside it as `<name>.summary.json`. */
  rejectsPath: string;
  /** Reader limits of the workload's importer, e.g. `{ maxFieldChars: 10000 }`. */
  limits?: Record<string, number>;
}

export type ImportResult = SeedResult &
  DatasetFingerprint & {
    files: ImportedFile[];
    rejectsPath: string;
    summaryPath: string;
  };

/**
 * Import a workload's data set from the files of `dir` (the catalog reads the Atelier CSV export)
 * into a migrated backend whose workload tables are empty. Bad rows are skipped with their reason
 * into `rejectsPath`; the summary per file and the fingerprint of what was loaded go beside it.
 */
export async function importWorkload(
  backend: Backend,
  workload: Workload,
  dir: string,
  options: ImportOptions,
): Promise<ImportResult> {
  if (!workload.fileImport) throw new RangeError(`workload ${workload.name} has no file import`);
  const opened = await workload.fileImport.open(dir, {
    rejectsPath: options.rejectsPath,
    ...(options.limits && { limits: options.limits }),
  });
  let result: SeedResult & DatasetFingerprint;
  try {
    result = await loadWorkload(backend, workload, opened.tables, `csv ${dir}`, options);
  } catch (error) {
    await opened.finish().catch(() => undefined); // closes the rejects file; the load error is what matters
    throw error;
  }
  const files = await opened.finish();
  const summaryPath = options.rejectsPath.replace(/\.csv$/, '') + '.summary.json';
  await writeFile(summaryPath, JSON.stringify({ source: dir, files, fingerprint: result.fingerprint }, null, 2) + '\n');
  return { ...result, files, rejectsPath: options.rejectsPath, summaryPath };
}
