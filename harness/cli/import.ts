import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BACKEND_NAMES, createBackend, isBackendName } from '../backends/index.ts';
import { WORKLOADS } from '../../core/workloads/index.ts';
import { importWorkload } from '../dataset/index.ts';
import { integerFlag, progressPrinter, UsageError, workloadFlag } from './flags.ts';

const importable = WORKLOADS.filter((w) => w.fileImport);
const HELP = `usage: storebench import --workload ${importable.map((w) => w.name).join('|')} --from DIR [--backend ${BACKEND_NAMES.join('|')}]
                        [--url URL] [--rejects FILE] [--reset] [--max-field-chars N] [--max-record-lines N] [--json FILE]

Imports a workload's data set from the files of DIR through its bulk loader:
${importable.map((w) => `  ${w.name}: ${w.fileImport!.files}`).join('\n')}
Bad rows (unterminated quotes, stray delimiters, over-long fields, bad values, orphan foreign keys, duplicate
ids) are skipped and written with their reason to --rejects (default DIR/rejects.csv) plus a summary beside it.
The workload's tables must be empty: --reset empties every workload first.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      workload: { type: 'string', default: importable[0]?.name },
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
  const workload = workloadFlag(values.workload);
  if (!workload.fileImport) {
    throw new UsageError(
      `--workload: ${workload.name} has no file import (${importable.map((w) => w.name).join(', ')} do)`,
    );
  }
  if (!values.from) throw new UsageError(`--from DIR is required (the folder holding ${workload.fileImport.files})`);
  const name = values.backend;
  if (!isBackendName(name)) throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
  const limits: Record<string, number> = {};
  for (const [flag, key] of [
    ['max-field-chars', 'maxFieldChars'],
    ['max-record-lines', 'maxRecordLines'],
  ] as const) {
    if (values[flag] !== undefined) limits[key] = integerFlag(values[flag], `--${flag}`, 0, 1);
  }

  const backend = await createBackend(name, values.url);
  try {
    await backend.migrate();
    if (values.reset) await backend.reset();
    const rejectsPath = values.rejects ?? join(values.from, 'rejects.csv');
    const result = await importWorkload(backend, workload, values.from, {
      rejectsPath,
      limits,
      onProgress: progressPrinter(),
    });
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
