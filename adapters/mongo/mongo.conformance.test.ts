import { runConformance } from '../../core/conformance/index.ts';
import { endpointForTest } from '../../harness/provision/index.ts';
import { createMongoBackend } from './index.ts';

const { endpoint, skip } = endpointForTest('mongo');

runConformance(
  'mongo',
  () => Promise.resolve(createMongoBackend({ url: endpoint!.url, database: 'storebench_conformance' })),
  {
    skip,
    // Port 1 on loopback: nothing listens, so every call must fail fast with 503.
    unreachable: () =>
      Promise.resolve(createMongoBackend({ url: 'mongodb://127.0.0.1:1/storebench', serverSelectionTimeoutMS: 1000 })),
  },
);
