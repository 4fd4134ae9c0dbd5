import { runConformance } from '../../core/conformance/index.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import { createPostgresBackend } from './index.ts';

const { url, skip } = testServer('postgres');

runConformance('postgres', () => Promise.resolve(createPostgresBackend({ url: url! })), {
  skip,
  // Port 1 on loopback: nothing listens there, so every connection attempt is refused.
  unreachable: () => Promise.resolve(createPostgresBackend({ url: 'postgres://storebench@127.0.0.1:1/storebench' })),
});
