import type { Backend } from '../../core/backend.ts';
import { findEndpoint, serverKind, type ServerKind } from '../provision/index.ts';

/** How the harness builds one adapter's backend: the server it needs, and its factory (loaded lazily). */
interface AdapterEntry {
  /** The database server it needs; absent for a backend without one (memory). */
  server?: ServerKind;
  create(url: string, config: Record<string, unknown>): Promise<Backend>;
}

/**
 * Every backend the CLI and the harness can build by name, one entry each: adding a backend is
 * its folder under adapters/ and one entry here. Adapters load lazily, so that a missing optional
 * driver only matters when that backend is asked for.
 */
const ADAPTERS = {
  memory: { create: async () => (await import('../../adapters/memory/index.ts')).createMemoryBackend() },
  postgres: {
    server: 'postgres',
    create: async (url, config) =>
      (await import('../../adapters/postgres/index.ts')).createPostgresBackend({ ...config, url }),
  },
  cassandra: {
    server: 'cassandra',
    create: async (url, config) =>
      (await import('../../adapters/cassandra/index.ts')).createCassandraBackend({ ...config, url }),
  },
  mongo: {
    server: 'mongo',
    create: async (url, config) =>
      (await import('../../adapters/mongo/index.ts')).createMongoBackend({ ...config, url }),
  },
} as const satisfies Record<string, AdapterEntry>;

export type BackendName = keyof typeof ADAPTERS;
export const BACKEND_NAMES = Object.keys(ADAPTERS) as BackendName[];

/** The database server each backend needs (memory needs none). */
export const SERVER_OF = Object.fromEntries(
  BACKEND_NAMES.map((name) => [name, (ADAPTERS[name] as AdapterEntry).server]),
) as Record<BackendName, ServerKind | undefined>;

export function isBackendName(name: string): name is BackendName {
  return Object.hasOwn(ADAPTERS, name);
}

/**
 * Build a backend by name. Without a url, the endpoint comes from STOREBENCH_<KIND>_URL or from the
 * servers `storebench servers up` started.
 */
export async function createBackend(
  name: BackendName,
  url?: string,
  /** Adapter options beyond the URL (pool size, bulk-load batch sizes...), as its config type names them. */
  config: Record<string, unknown> = {},
): Promise<Backend> {
  const entry: AdapterEntry = ADAPTERS[name];
  const kind = entry.server;
  const target = url ?? (kind ? findEndpoint(kind)?.url : undefined);
  if (kind && !target) {
    throw new Error(
      `no ${kind} server known: pass --url, set ${serverKind(kind).envVar}, or run \`storebench servers up\``,
    );
  }
  return entry.create(target ?? '', config);
}
