import { runConformance } from '../../core/conformance/index.ts';
import { endpointForTest } from '../../harness/provision/index.ts';
import { createPostgresBackend } from './index.ts';

const { endpoint, skip } = endpointForTest('postgres');

runConformance('postgres', () => Promise.resolve(createPostgresBackend({ url: endpoint!.url })), {
  skip,
  // Port 1 on loopback: nothing listens there, so every connection attempt is refused.
  unreachable: () => Promise.resolve(createPostgresBackend({ url: 'postgres://storebench@127.0.0.1:1/storebench' })),
});
