import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { INSTALL_HINT, javaBinary, missingJava, pomProperty, serversHome } from '../install-paths.ts';
import { launch } from '../local/launch.ts';
import { listenAddress } from '../ports.ts';
import type { ProvisionedServer, ProvisionOptions, ServerKindDescriptor } from '../types.ts';

/** The version scripts/servers/install fetches, and where it lands (jars and our compiled main class). */
const mongoJavaServerVersion = (): string => pomProperty('mongo', 'mongo-java-server.version');
const mongoJavaServerDir = (): string => join(serversHome(), `mongo-java-server-${mongoJavaServerVersion()}`);

/**
 * The MongoDB-wire stand-in: mongo-java-server (no genuine mongod can be installed from the
 * registries we reach, and FerretDB v1 is not served by the Go module proxy here). It stores
 * documents in an H2 MVStore file in the temp dir, so data lives on disk like a real server's.
 * Its reported version (4.4.0) is an announcement to satisfy the driver's handshake, so the
 * endpoint names the real server instead.
 */
async function startLocalMongo(options: ProvisionOptions): Promise<ProvisionedServer> {
  const java = javaBinary();
  if (!java) throw new Error('java not found (JAVA_HOME or PATH)');
  const home = mongoJavaServerDir();
  const dir = mkdtempSync(join(tmpdir(), 'storebench-mongo-'));
  const { address, port, namespace } = await listenAddress(options.host, 27017);
  const url = `mongodb://${address}:${port}/`;
  const heap = options.javaHeap ?? '1G';
  return launch({
    kind: mongo,
    command: java,
    args: [
      '-Xms256m',
      `-Xmx${heap}`,
      '-XX:+UseG1GC',
      '-XX:+ExitOnOutOfMemoryError',
      // One line per GC pause with its end in epoch ms: the harness says which step a pause fell into.
      `-Xlog:gc:file=${join(dir, 'gc.log')}:timemillis:filecount=0`,
      '-cp',
      `${join(home, 'classes')}:${join(home, 'lib', '*')}`,
      'StorebenchMongoServer',
      address,
      String(port),
      `h2:${join(dir, 'mongo.mv')}`,
    ],
    dir,
    gcLog: join(dir, 'gc.log'),
    logFile: join(dir, 'mongo.log'),
    probeUrl: url,
    endpointUrl: url,
    port,
    address,
    ...(namespace && { namespace }),
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    versionLabel: (probed) => `mongo-java-server ${mongoJavaServerVersion()} (H2 MVStore; ${probed}, wire 9)`,
    detached: options.detached ?? false,
  });
}

async function probeMongo(url: string, timeoutMs: number): Promise<string> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    return `MongoDB-wire ${String(info.version)}`;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function missingForLocalMongo(): string | null {
  const java = missingJava();
  if (java) return java;
  const classFile = join(mongoJavaServerDir(), 'classes', 'StorebenchMongoServer.class');
  return existsSync(classFile)
    ? null
    : `mongo-java-server ${mongoJavaServerVersion()} in ${mongoJavaServerDir()}: ${INSTALL_HINT}`;
}

/** A MongoDB-wire server: mongo-java-server locally (see above), the official mongo image in docker-compose.yml. */
export const mongo: ServerKindDescriptor<'mongo'> = {
  name: 'mongo',
  envVar: 'STOREBENCH_MONGO_URL',
  urlExample: 'mongodb://127.0.0.1:27017/',
  compose: { service: 'mongo', containerPort: 27017, url: (port) => `mongodb://127.0.0.1:${port}/` },
  stopGraceMs: 10_000,
  probe: probeMongo,
  missingForLocal: missingForLocalMongo,
  startLocal: startLocalMongo,
};
