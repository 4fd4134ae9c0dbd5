import type { Backend } from '../../core/backend.ts';
import { findEndpoint, type ServerKind } from '../provision/index.ts';

/** Every backend the CLI and the harness can build by name. */
export const BACKEND_NAMES = ['memory', 'postgres', 'cassandra', 'mongo'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The database server each backend needs (memory needs none). */
export const SERVER_OF: Record<BackendName, ServerKind | undefined> = {
  memory: undefined,
  postgres: 'postgres',
  cassandra: 'cassandra',
  mongo: 'mongo',
};

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/**
 * Build a backend by name. Without a url, the endpoint comes from STOREBENCH_<KIND>_URL
 * or from the servers `storebench servers up` started. Adapters load lazily so that a
 * missing optional driver only matters when that backend is asked for.
 */
export async function createBackend(
  name: BackendName,
  url?: string,
  /** Adapter options beyond the URL (pool size, bulk-load batch sizes...), as its config type names them. */
  config: Record<string, unknown> = {},
): Promise<Backend> {
  const kind = SERVER_OF[name];
  const target = url ?? (kind ? findEndpoint(kind)?.url : undefined);
  if (kind && !target) {
    throw new Error(
      `no ${kind} server known: pass --url, set STOREBENCH_${kind.toUpperCase()}_URL, or run \`storebench servers up\``,
    );
  }
  switch (name) {
    case 'memory':
      return (await import('../../adapters/memory/index.ts')).createMemoryBackend();
    case 'postgres':
      return (await import('../../adapters/postgres/index.ts')).createPostgresBackend({ ...config, url: target! });
    case 'cassandra':
      return (await import('../../adapters/cassandra/index.ts')).createCassandraBackend({ ...config, url: target! });
    case 'mongo':
      return (await import('../../adapters/mongo/index.ts')).createMongoBackend({ ...config, url: target! });
  }
}
