import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../ports.ts';
import type { ProvisionedServer, ProvisionOptions } from '../types.ts';
import { onPath } from '../install-paths.ts';
import { launch } from './launch.ts';

/** Redis as a cache: no RDB snapshots, no AOF (persistence is not what it is measured for here). */
/** `port` is for tests only (a fixed port to provoke a clash); normally a free one is picked. */
export async function startLocalRedis(options: ProvisionOptions = {}, port?: number): Promise<ProvisionedServer> {
  const binary = onPath('redis-server');
  if (!binary) throw new Error('redis-server not found on PATH');
  const dir = mkdtempSync(join(tmpdir(), 'storebench-redis-'));
  port ??= await freeLoopbackPort();
  const url = `redis://127.0.0.1:${port}`;
  return launch({
    kind: 'redis',
    command: binary,
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
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
    readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
    stopGraceMs: 5_000,
    detached: options.detached ?? false,
  });
}
