import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Backend } from '../../core/backend.ts';
import { runConformance, type AdapterConformance } from '../../core/conformance/index.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import { conformanceSetup as cassandra } from '../cassandra/conformance-setup.ts';
import { conformanceSetup as memory } from '../memory/conformance-setup.ts';
import { conformanceSetup as mongo } from '../mongo/conformance-setup.ts';
import { conformanceSetup as postgres } from '../postgres/conformance-setup.ts';
import { withCache } from './index.ts';

const { url: redisUrl, skip } = testServer('redis');

/** An adapter's own conformance run with the cache wrapped around its backend. */
function runWrapped(
  name: string,
  setup: AdapterConformance,
  wrap: (backend: Backend) => Promise<Backend>,
  skipReason: string | undefined,
): void {
  runConformance(name, async () => wrap(await setup.factory()), {
    ...setup.options,
    skip: skipReason,
    unreachable: { optOut: 'the cache hands ping and every write to the backend, whose own suite covers it' },
    outage: { optOut: 'cached reads are served during an outage; the backend’s own suite covers it' },
  });
}

let suite = 0;
/** A fresh prefix per backend so suites sharing one Redis never see each other's keys. */
const cached = async (backend: Backend): Promise<Backend> =>
  withCache(backend, { url: redisUrl! }, { keyPrefix: `sbtest:${process.pid}:${suite++}:`, ttlSeconds: 30 });

for (const setup of [memory(), postgres(), cassandra(), mongo()]) {
  runWrapped(`${setup.name}+redis`, setup, cached, skip ?? setup.options.skip);
}

/** A Redis that is down must cost nothing but a fast fallback to the backend. */
runWrapped(
  'memory+redis(down)',
  memory(),
  async (backend) => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    return withCache(backend, { url: `redis://127.0.0.1:${port}` });
  },
  undefined,
);
