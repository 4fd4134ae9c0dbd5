import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { INSTALL_HINT, javaBinary, missingJava, pomProperty, REPO_ROOT, serversHome } from '../install-paths.ts';
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
      // Netty's default is 2 per core; a thread waits while its journaled write is fsynced, so more threads
      // mean more writes sharing each commit and fsync (usages on 2 cores: ~1.5x the writes/s of 4 threads).
      '-Dio.netty.eventLoopThreads=32',
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
    versionLabel: (probed) =>
      `mongo-java-server ${mongoJavaServerVersion()} (H2 MVStore, journaled writes fsynced; ${probed}, wire 9)`,
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

/** The checksum scripts/servers/install records beside the class it compiled from our main class's source. */
function mainClassSourceSum(): string {
  const source = readFileSync(join(REPO_ROOT, 'scripts', 'servers', 'mongo', 'StorebenchMongoServer.java'));
  return createHash('sha256').update(source).digest('hex').slice(0, 16);
}

function missingForLocalMongo(): string | null {
  const java = missingJava();
  if (java) return java;
  const home = mongoJavaServerDir();
  if (!existsSync(join(home, 'classes', 'StorebenchMongoServer.class'))) {
    return `mongo-java-server ${mongoJavaServerVersion()} in ${home}: ${INSTALL_HINT}`;
  }
  // A class compiled from another version of the source would measure another server (e.g. without journaled writes).
  let installed = '';
  try {
    installed = readFileSync(join(home, 'source.sha'), 'utf8').trim();
  } catch {
    // no checksum: treated as out of date
  }
  return installed === mainClassSourceSum()
    ? null
    : `an up-to-date StorebenchMongoServer class in ${home} (compiled from another version of scripts/servers/mongo/StorebenchMongoServer.java): ${INSTALL_HINT}`;
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
