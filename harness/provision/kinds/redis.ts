import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { INSTALL_HINT, onPath } from '../install-paths.ts';
import { launch } from '../local/launch.ts';
import { listenAddress } from '../ports.ts';
import type { ProvisionedServer, ProvisionOptions, ServerKindDescriptor } from '../types.ts';

/**
 * Redis as a cache: no RDB snapshots, no AOF (persistence is not what it is measured for here).
 * `port` is for tests only (a fixed port to provoke a clash); normally a free one is picked.
 */
export async function startLocalRedis(options: ProvisionOptions = {}, port?: number): Promise<ProvisionedServer> {
  const binary = onPath('redis-server');
  if (!binary) throw new Error('redis-server not found on PATH');
  const dir = mkdtempSync(join(tmpdir(), 'storebench-redis-'));
  const listen = await listenAddress(options.host, 6379);
  port ??= listen.port;
  const url = `redis://${listen.address}:${port}`;
  return launch({
    kind: redis,
    command: binary,
    args: [
      '--port',
      String(port),
      '--bind',
      listen.address,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
      '--maxmemory',
      '1gb',
      '--maxmemory-policy',
      'allkeys-lru',
    ],
    dir,
    logFile: join(dir, 'redis.log'),
    probeUrl: url,
    endpointUrl: url,
    port,
    address: listen.address,
    ...(listen.namespace && { namespace: listen.namespace }),
    readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
    detached: options.detached ?? false,
  });
}

async function probeRedis(url: string, timeoutMs: number): Promise<string> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    return `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}`;
  } finally {
    client.disconnect();
  }
}

/** Redis, the cache in front of any backend: apt's redis-server locally, the official image in docker-compose.yml. */
export const redis: ServerKindDescriptor<'redis'> = {
  name: 'redis',
  envVar: 'STOREBENCH_REDIS_URL',
  urlExample: 'redis://127.0.0.1:6379',
  compose: { service: 'redis', containerPort: 6379, url: (port) => `redis://127.0.0.1:${port}` },
  stopGraceMs: 5_000,
  probe: probeRedis,
  missingForLocal: () => (onPath('redis-server') ? null : `redis-server (apt package redis-server): ${INSTALL_HINT}`),
  startLocal: (options) => startLocalRedis(options),
};
