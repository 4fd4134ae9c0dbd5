import { BACKEND_NAMES, createBackend } from '../backends/index.ts';
import { resolveServeConfig } from '../serving/index.ts';

const HELP = `usage: storebench migrate [--backend ${BACKEND_NAMES.join('|')}] [--url URL]

Creates the backend's schema and indexes (idempotent: an existing schema is kept with its data), then
exits. Nothing else: no seeding, no serving. Run it once per deploy before the API processes start
(the Kubernetes Job of deploy/kubernetes, or the compose api profile); serve --no-migrate then skips it.
Without --url, the database URL comes from STOREBENCH_<KIND>_URL. It reads the configuration as serve does
(STOREBENCH_BACKEND, the adapter's STOREBENCH_<KIND>_* variables such as STOREBENCH_CASSANDRA_REPLICATION_FACTOR).`;

export async function run(argv: string[]): Promise<number> {
  const { config, help } = resolveServeConfig(argv);
  if (help) {
    console.log(HELP);
    return 0;
  }
  const started = performance.now();
  const backend = await createBackend(config.backend, config.url, config.adapter);
  try {
    await backend.migrate();
  } finally {
    await backend.close();
  }
  console.log(JSON.stringify({ migrated: config.backend, seconds: Math.round(performance.now() - started) / 1000 }));
  return 0;
}
