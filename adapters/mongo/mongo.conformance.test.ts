import { runConformance } from '../../core/conformance/index.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import { createMongoBackend } from './index.ts';

const { url, skip } = testServer('mongo');

runConformance('mongo', () => Promise.resolve(createMongoBackend({ url: url!, database: 'storebench_conformance' })), {
  skip,
  // Port 1 on loopback: nothing listens, so every call must fail fast with 503.
  unreachable: () =>
    Promise.resolve(createMongoBackend({ url: 'mongodb://127.0.0.1:1/storebench', serverSelectionTimeoutMS: 1000 })),
});
