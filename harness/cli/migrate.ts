import { parseArgs } from 'node:util';
import { BACKEND_NAMES, createBackend, isBackendName } from '../backends/index.ts';
import { UsageError } from './flags.ts';

const HELP = `usage: storebench migrate [--backend ${BACKEND_NAMES.join('|')}] [--url URL]

Creates the backend's schema and indexes (idempotent: an existing schema is kept with its data), then
exits. Nothing else: no seeding, no serving. Run it once per deploy before the API processes start
(the Kubernetes Job of deploy/kubernetes, or the compose api profile); serve --no-migrate then skips it.
Without --url, the database URL comes from STOREBENCH_<KIND>_URL.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: process.env.STOREBENCH_BACKEND ?? 'memory' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!isBackendName(values.backend)) throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
  const started = performance.now();
  const backend = await createBackend(values.backend, values.url);
  try {
    await backend.migrate();
  } finally {
    await backend.close();
  }
  console.log(JSON.stringify({ migrated: values.backend, seconds: Math.round(performance.now() - started) / 1000 }));
  return 0;
}
