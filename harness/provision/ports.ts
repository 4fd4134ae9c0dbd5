import { createServer } from 'node:net';
import type { ServerHost } from './types.ts';

/** A TCP port free on 127.0.0.1 right now (the OS picks it; a tiny race with other starters remains). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}

/**
 * Where a server started by the local provisioner listens: on loopback at a free port, or on its
 * network host at the kind's standard port (a namespace of its own has every port free).
 */
export async function listenAddress(
  host: ServerHost | undefined,
  standardPort: number,
): Promise<{ address: string; port: number; namespace?: string }> {
  if (host) return { address: host.address, port: standardPort, namespace: host.namespace };
  return { address: '127.0.0.1', port: await freeLoopbackPort() };
}
