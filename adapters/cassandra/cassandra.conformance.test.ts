import { runConformance } from '../../core/conformance/index.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import { createCassandraBackend } from './index.ts';

const { url, skip } = testServer('cassandra');

runConformance(
  'cassandra',
  () => Promise.resolve(createCassandraBackend({ url: url!, keyspace: 'storebench_conformance' })),
  {
    skip,
    // Port 1 on loopback: nothing listens, so every call must fail fast with 503.
    unreachable: () =>
      Promise.resolve(createCassandraBackend({ url: 'cassandra://127.0.0.1:1/datacenter1', connectTimeoutMs: 1000 })),
  },
);
