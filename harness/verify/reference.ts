import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryBackend } from '../../adapters/memory/index.ts';
import type { Backend } from '../../core/backend.ts';
import type { Scale } from '../../core/dataset/index.ts';
import { createApp } from '../../core/http/index.ts';
import type { Workload } from '../../core/workloads/index.ts';
import { seedWorkload, type SeedResult } from '../dataset/index.ts';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** Serve the API on a backend, in this process, on a free loopback port. */
export async function serveBackend(backend: Backend): Promise<RunningApi> {
  const server = createServer(createApp(backend));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await backend.close();
    },
  };
}

/** The memory reference: an in-process memory backend seeded with the data set, served on a free port. */
export async function startMemoryReference(
  workload: Workload,
  scale: Scale,
  datasetSeed = 1,
): Promise<RunningApi & { seeded: SeedResult }> {
  const backend = createMemoryBackend();
  await backend.migrate();
  const seeded = await seedWorkload(backend, workload, { scale, datasetSeed });
  return { ...(await serveBackend(backend)), seeded };
}
