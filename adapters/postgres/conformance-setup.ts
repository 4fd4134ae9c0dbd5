import type { AdapterConformance } from '../../core/conformance/index.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import { createMemoryBackend } from '../memory/index.ts';
import { createPostgresBackend } from './index.ts';

/** The postgres adapter in the conformance suite, on the server of STOREBENCH_POSTGRES_URL. */
export function conformanceSetup(): AdapterConformance {
  const { url, skip } = testServer('postgres');
  return {
    name: 'postgres',
    factory: async () => createPostgresBackend({ url: url! }),
    options: {
      skip,
      reference: createMemoryBackend,
      // Port 1 on loopback: nothing listens there, so every connection attempt is refused.
      unreachable: async () => createPostgresBackend({ url: 'postgres://storebench@127.0.0.1:1/storebench' }),
      outage: {
        server: () => {
          const { hostname, port } = new URL(url!);
          return { host: hostname, port: Number(port || 5432) };
        },
        through: async (port) => {
          const relayed = new URL(url!);
          relayed.hostname = '127.0.0.1';
          relayed.port = String(port);
          return createPostgresBackend({ url: relayed.toString(), connectionTimeoutMs: 500 });
        },
      },
      optOut: {
        'orphan-rows-fail-the-load':
          'the photo is rejected too, by the foreign key rebuilt after COPY, with the server’s message (a 503)',
      },
    },
  };
}
