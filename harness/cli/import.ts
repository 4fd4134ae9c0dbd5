import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BACKEND_NAMES, createBackend, isBackendName } from '../backends/index.ts';
import { importCatalog } from '../dataset/atelier/index.ts';
import { progressPrinter } from './seed.ts';

const HELP = `usage: storebench import --workload catalog --from DIR [--backend memory|postgres|cassandra|mongo] [--url URL]
                        [--rejects FILE] [--reset] [--max-field-chars N] [--max-record-lines N] [--json FILE]

Imports the Atelier CSV files of DIR (product.csv, features.csv, styles.csv, photos.csv, skus.csv,
related.csv) through the catalog bulk loader. Bad rows (unterminated quotes, stray delimiters, over-long
fields, bad values, orphan foreign keys, duplicate ids) are skipped and written with their reason to
--rejects (default DIR/rejects.csv) plus a summary beside it. The catalog tables must be empty: --reset
empties every workload first.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      workload: { type: 'string', default: 'catalog' },
      from: { type: 'string' },
      backend: { type: 'string', default: 'memory' },
      url: { type: 'string' },
      rejects: { type: 'string' },
      reset: { type: 'boolean', default: false },
      'max-field-chars': { type: 'string' },
      'max-record-lines': { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.workload !== 'catalog') {
    console.error('--workload: only catalog has a CSV import (the Atelier files)');
    return 2;
  }
  if (!values.from) {
    console.error('--from DIR is required (the folder holding product.csv and the other Atelier files)');
    return 2;
  }
  const name = values.backend;
  if (!isBackendName(name)) {
    console.error(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
    return 2;
  }
  const limits: { maxFieldChars?: number; maxRecordLines?: number } = {};
  for (const [flag, key] of [
    ['max-field-chars', 'maxFieldChars'],
    ['max-record-lines', 'maxRecordLines'],
  ] as const) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      console.error(`--${flag} must be a positive integer`);
      return 2;
    }
    limits[key] = n;
  }

  const backend = await createBackend(name, values.url);
  try {
    await backend.migrate();
    if (values.reset) await backend.reset();
    const rejectsPath = values.rejects ?? join(values.from, 'rejects.csv');
    const result = await importCatalog(values.from, backend, { rejectsPath, limits, onProgress: progressPrinter() });
    for (const file of result.files) {
      console.error(
        `${file.file.padEnd(13)} ${String(file.accepted).padStart(10)} accepted ${String(file.rejected).padStart(8)} rejected` +
          (file.rejected > 0 ? `  ${JSON.stringify(file.reasons)}` : ''),
      );
    }
    console.error(`rejects: ${result.rejectsPath}\nsummary: ${result.summaryPath}`);
    const output = { backend: backend.name, ...result };
    console.log(JSON.stringify(output, null, 2));
    if (values.json) writeFileSync(values.json, JSON.stringify(output, null, 2) + '\n');
    return 0;
  } finally {
    await backend.close();
  }
}
