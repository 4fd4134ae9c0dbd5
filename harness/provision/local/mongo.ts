import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../ports.ts';
import type { ProvisionedServer, ProvisionOptions } from '../types.ts';
import { javaBinary, mongoJavaServerDir, mongoJavaServerVersion } from '../install-paths.ts';
import { launch } from './launch.ts';

/**
 * The MongoDB-wire stand-in: mongo-java-server (no genuine mongod can be installed from the
 * registries we reach, and FerretDB v1 is not served by the Go module proxy here). It stores
 * documents in an H2 MVStore file in the temp dir, so data lives on disk like a real server's.
 * Its reported version (4.4.0) is an announcement to satisfy the driver's handshake, so the
 * endpoint names the real server instead.
 */
export async function startLocalMongo(options: ProvisionOptions = {}): Promise<ProvisionedServer> {
  const java = javaBinary();
  if (!java) throw new Error('java not found (JAVA_HOME or PATH)');
  const home = mongoJavaServerDir();
  const dir = mkdtempSync(join(tmpdir(), 'storebench-mongo-'));
  const port = await freeLoopbackPort();
  const url = `mongodb://127.0.0.1:${port}/`;
  const heap = options.javaHeap ?? '1G';
  return launch({
    kind: 'mongo',
    command: java,
    args: [
      '-Xms256m',
      `-Xmx${heap}`,
      '-XX:+UseG1GC',
      '-XX:+ExitOnOutOfMemoryError',
      '-cp',
      `${join(home, 'classes')}:${join(home, 'lib', '*')}`,
      'StorebenchMongoServer',
      '127.0.0.1',
      String(port),
      `h2:${join(dir, 'mongo.mv')}`,
    ],
    dir,
    logFile: join(dir, 'mongo.log'),
    probeUrl: url,
    endpointUrl: url,
    port,
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    stopGraceMs: 10_000,
    versionLabel: (probed) => `mongo-java-server ${mongoJavaServerVersion()} (H2 MVStore; ${probed}, wire 9)`,
    detached: options.detached ?? false,
  });
}
