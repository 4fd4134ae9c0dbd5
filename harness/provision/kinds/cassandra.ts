import cassandraDriver from 'cassandra-driver';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCassandraUrl } from '../../../adapters/cassandra/index.ts';
import { INSTALL_HINT, javaBinary, missingJava, pomProperty, serversHome } from '../install-paths.ts';
import { launch, type LaunchSpec } from '../local/launch.ts';
import { freeLoopbackPort, listenAddress } from '../ports.ts';
import type { ProvisionedServer, ProvisionOptions, ServerKindDescriptor } from '../types.ts';

/** The version scripts/servers/install fetches, and where its jars land. */
const cassandraVersion = (): string => pomProperty('cassandra', 'cassandra.version');
const cassandraLibDir = (): string => join(serversHome(), `cassandra-${cassandraVersion()}`, 'lib');

/** The JVM flags of Cassandra 5.0's conf/jvm17-server.options (GC + the module exports it needs on Java 17). */
export const CASSANDRA_JVM17_OPTIONS: readonly string[] = [
  '-XX:+UseG1GC',
  '-XX:+ParallelRefProcEnabled',
  '-XX:MaxTenuringThreshold=1',
  '-XX:G1HeapRegionSize=16m',
  '-XX:G1RSetUpdatingPauseTimePercent=5',
  '-XX:MaxGCPauseMillis=300',
  '-XX:InitiatingHeapOccupancyPercent=70',
  '-Djdk.attach.allowAttachSelf=true',
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
  ].flatMap((m) => ['--add-exports', `${m}=ALL-UNNAMED`]),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'jdk.compiler/com.sun.tools.javac',
    'java.base/java.lang',
    'java.base/java.util',
  ].flatMap((m) => ['--add-opens', `${m}=ALL-UNNAMED`]),
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Dio.netty.allocator.useCacheForAllThreads=true',
  '-Dio.netty.allocator.maxOrder=11',
];

/** Where one node listens and whom it asks to join: by default a single node on loopback. */
export interface CassandraNodeAddress {
  /** listen_address and rpc_address (default 127.0.0.1). */
  address?: string;
  /** `host:storage_port` of the seed nodes (default the node itself). */
  seeds?: string[];
}

/** A cassandra.yaml: everything under `dir`, our own ports; a single node on loopback unless told otherwise. */
export function cassandraYaml(
  dir: string,
  nativePort: number,
  storagePort: number,
  node: CassandraNodeAddress = {},
): string {
  const address = node.address ?? '127.0.0.1';
  const seeds = node.seeds ?? [`${address}:${storagePort}`];
  return `# written by storebench for one run; see harness/provision/kinds/cassandra.ts
cluster_name: storebench
num_tokens: 16
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
data_file_directories: [${join(dir, 'data')}]
commitlog_directory: ${join(dir, 'commitlog')}
saved_caches_directory: ${join(dir, 'saved_caches')}
hints_directory: ${join(dir, 'hints')}
cdc_raw_directory: ${join(dir, 'cdc_raw')}
# Durable before acknowledged, as PostgreSQL and MongoDB (j: true) are: a write waits for the commit log fsync
# that covers it, which runs at most every 10 ms for every write since the last (group commit). Cassandra's
# default, periodic (fsync every 10 s, writes acknowledged before), lost acknowledged writes to a kill -9
# (storebench crash-test); batch (an fsync as soon as possible) is as durable, and slower here (docs/servers.md).
commitlog_sync: group
commitlog_sync_group_window: 10ms
# A write holds a mutation thread until the group sync that covers it (up to 10 ms), so the default 32 threads
# capped this node at ~3,200 writes/s whatever the client sent (seeding 100,000 rows took 31.8 s with 32, 128 or
# 512 requests in flight); 256 threads let one sync cover up to 256 writes (docs/servers.md).
concurrent_writes: 256
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${seeds.join(',')}"
listen_address: ${address}
rpc_address: ${address}
storage_port: ${storagePort}
native_transport_port: ${nativePort}
start_native_transport: true
endpoint_snitch: SimpleSnitch
auto_bootstrap: false
# TRUNCATE and DROP (every reset between tests and runs) would otherwise snapshot the table first:
# seconds per reset and disk that is never reclaimed in a throw-away data dir.
auto_snapshot: false
`;
}

const LOGBACK = (logFile: string): string => `<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${logFile}</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;

/** A fresh temp dir with the sub-directories a node writes to. */
export function prepareCassandraDir(prefix = 'storebench-cassandra-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const sub of ['data', 'commitlog', 'saved_caches', 'hints', 'cdc_raw', 'logs']) mkdirSync(join(dir, sub));
  return dir;
}

/** What one node needs beyond its address: ports, heap, where it runs. */
export interface CassandraNodeOptions extends CassandraNodeAddress {
  dir: string;
  nativePort: number;
  storagePort: number;
  /** JVM heap, e.g. `1G` (fixed: -Xms = -Xmx). */
  heap: string;
  namespace?: string;
  readyTimeoutMs?: number;
  detached?: boolean;
}

/**
 * Cassandra 5.0 from the jars scripts/servers/install fetched, as a plain JVM with a fixed heap.
 * No JMX (nodetool is not needed), no gossip settle wait. Writes its yaml and logback config into `dir`.
 */
export function cassandraLaunchSpec(node: CassandraNodeOptions): Omit<LaunchSpec, 'probeUrl' | 'endpointUrl'> {
  const java = javaBinary();
  if (!java) throw new Error('java not found (JAVA_HOME or PATH)');
  const { dir, heap } = node;
  const yamlFile = join(dir, 'cassandra.yaml');
  writeFileSync(yamlFile, cassandraYaml(dir, node.nativePort, node.storagePort, node));
  writeFileSync(join(dir, 'logback.xml'), LOGBACK(join(dir, 'logs', 'system.log')));
  return {
    kind: cassandra,
    command: java,
    args: [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      '-Xss256k',
      '-XX:+ExitOnOutOfMemoryError',
      ...CASSANDRA_JVM17_OPTIONS,
      // One line per GC pause with its end in epoch ms: the harness says which step a pause fell into.
      `-Xlog:gc:file=${join(dir, 'gc.log')}:timemillis:filecount=0`,
      `-Dcassandra.config=file://${yamlFile}`,
      `-Dlogback.configurationFile=${join(dir, 'logback.xml')}`,
      `-Dcassandra.storagedir=${dir}`,
      `-Dcassandra.logdir=${join(dir, 'logs')}`,
      '-Dcassandra-foreground=yes',
      '-Dcassandra.skip_wait_for_gossip_to_settle=0',
      '-Dcassandra.superuser_setup_delay_ms=0',
      '-cp',
      join(cassandraLibDir(), '*'),
      'org.apache.cassandra.service.CassandraDaemon',
    ],
    dir,
    gcLog: join(dir, 'gc.log'),
    // stdout/stderr (JVM warnings, crashes); Cassandra's own log is logs/system.log.
    logFile: join(dir, 'stdout.log'),
    port: node.nativePort,
    address: node.address ?? '127.0.0.1',
    ...(node.namespace && { namespace: node.namespace }),
    readyTimeoutMs: node.readyTimeoutMs ?? 120_000,
    detached: node.detached ?? false,
  };
}

/** A single node (default heap 1G) on loopback at free ports, or on its network host at 9042/7000. */
async function startLocalCassandra(options: ProvisionOptions): Promise<ProvisionedServer> {
  const dir = prepareCassandraDir();
  const { address, port: nativePort, namespace } = await listenAddress(options.host, 9042);
  let storagePort = options.host ? 7000 : await freeLoopbackPort();
  while (storagePort === nativePort) storagePort = await freeLoopbackPort();
  const url = `cassandra://${address}:${nativePort}/datacenter1`;
  return launch({
    ...cassandraLaunchSpec({
      dir,
      address,
      nativePort,
      storagePort,
      heap: options.javaHeap ?? '1G',
      ...(namespace && { namespace }),
      ...(options.readyTimeoutMs !== undefined && { readyTimeoutMs: options.readyTimeoutMs }),
      ...(options.detached !== undefined && { detached: options.detached }),
    }),
    probeUrl: url,
    endpointUrl: url,
  });
}

async function probeCassandra(url: string, timeoutMs: number): Promise<string> {
  const { hosts, port, datacenter } = parseCassandraUrl(url);
  const client = new cassandraDriver.Client({
    contactPoints: hosts,
    localDataCenter: datacenter,
    protocolOptions: { port },
    socketOptions: { connectTimeout: timeoutMs, readTimeout: timeoutMs },
    // One attempt per probe; the readiness loop does the retrying.
    policies: { reconnection: new cassandraDriver.policies.reconnection.ConstantReconnectionPolicy(60_000) },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.execute('SELECT release_version FROM system.local');
    return `Apache Cassandra ${String(result.first()?.get('release_version') ?? '?')}`;
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

function missingForLocalCassandra(): string | null {
  const java = missingJava();
  if (java) return java;
  const lib = cassandraLibDir();
  const hasJar = existsSync(lib) && readdirSync(lib).includes(`cassandra-all-${cassandraVersion()}.jar`);
  return hasJar ? null : `Cassandra ${cassandraVersion()} jars in ${lib}: ${INSTALL_HINT}`;
}

/** Apache Cassandra 5.0: the jars from Maven Central locally, the official image in docker-compose.yml. */
export const cassandra: ServerKindDescriptor<'cassandra'> = {
  name: 'cassandra',
  envVar: 'STOREBENCH_CASSANDRA_URL',
  urlExample: 'cassandra://127.0.0.1:9042/datacenter1',
  compose: { service: 'cassandra', containerPort: 9042, url: (port) => `cassandra://127.0.0.1:${port}/datacenter1` },
  stopGraceMs: 30_000,
  probe: probeCassandra,
  missingForLocal: missingForLocalCassandra,
  startLocal: startLocalCassandra,
};
