import type { AdapterConformance } from '../../core/conformance/index.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import { createMemoryBackend } from '../memory/index.ts';
import { createMongoBackend } from './index.ts';

const DATABASE = 'storebench_conformance';

/** The mongo adapter in the conformance suite, on the server of STOREBENCH_MONGO_URL. */
export function conformanceSetup(): AdapterConformance {
  const { url, skip } = testServer('mongo');
  return {
    name: 'mongo',
    // Tiny batches, several in flight: at toy scale each parent still gets `$push`es from concurrent batches.
    factory: async () =>
      createMongoBackend({ url: url!, database: DATABASE, bulk: { batchSize: 7, batchesInFlight: 3 } }),
    options: {
      skip,
      reference: createMemoryBackend,
      // Port 1 on loopback: nothing listens, so every call must fail fast with 503.
      unreachable: async () =>
        createMongoBackend({ url: 'mongodb://127.0.0.1:1/storebench', serverSelectionTimeoutMS: 1000 }),
      outage: {
        server: () => {
          const { hostname, port } = new URL(url!);
          return { host: hostname, port: Number(port || 27017) };
        },
        through: async (port) =>
          createMongoBackend({
            url: `mongodb://127.0.0.1:${port}/?directConnection=true`,
            database: DATABASE,
            serverSelectionTimeoutMS: 500,
          }),
      },
    },
  };
}
