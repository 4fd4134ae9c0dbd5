import { createServer } from 'node:net';
import cassandraDriver from 'cassandra-driver';
import type { HostNetwork } from '../../network/index.ts';
import { cassandra, cassandraLaunchSpec, prepareCassandraDir } from '../kinds/cassandra.ts';
import { freeLoopbackPort } from '../ports.ts';
import type { ClusterLayout } from './layout.ts';
import { startMembers } from './launched-cluster.ts';
import { LaunchedMember } from './launched-member.ts';
import type { RunningCluster } from './types.ts';

type RingLayout = Extract<ClusterLayout, { kind: 'cassandra-ring' }>;

/** Options of a ring (and of a primary with its standby): where it runs and how big its JVMs are. */
export interface ClusterStartOptions {
  /** Run each member on a host of its own in this network; else on loopback. */
  network?: HostNetwork;
  /** Host names are `<hostPrefix>-<member>` (default the kind's name), unique within the network. */
  hostPrefix?: string;
  /** JVM heap per Cassandra node, e.g. `512M`. Default 512M. */
  javaHeap?: string;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Is `port` free on `address` right now? */
function portFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, address, () => server.close(() => resolve(true)));
  });
}

/** A native and a storage port free on every address (loopback rings put nodes on 127.0.0.x, same ports). */
async function ringPorts(addresses: string[]): Promise<{ nativePort: number; storagePort: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const nativePort = await freeLoopbackPort();
    const storagePort = await freeLoopbackPort();
    if (nativePort === storagePort) continue;
    const free = await Promise.all(addresses.flatMap((a) => [portFree(a, nativePort), portFree(a, storagePort)]));
    if (free.every(Boolean)) return { nativePort, storagePort };
  }
  throw new Error(`no pair of ports free on ${addresses.join(', ')}`);
}

/** Peers a node lists in system.peers (it knows them through gossip). */
async function peersSeenBy(url: string, address: string, port: number): Promise<number> {
  const client = new cassandraDriver.Client({
    contactPoints: [address],
    localDataCenter: 'datacenter1',
    protocolOptions: { port },
    socketOptions: { connectTimeout: 5_000, readTimeout: 5_000 },
    // Only this node: the count must be what it sees, not what the driver gathers from others.
    policies: {
      loadBalancing: new cassandraDriver.policies.loadBalancing.AllowListPolicy(
        new cassandraDriver.policies.loadBalancing.RoundRobinPolicy(),
        [`${address}:${port}`],
      ),
    },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.execute('SELECT peer FROM system.peers');
    return result.rowLength;
  } catch (error) {
    throw new Error(`${url}: ${(error as Error).message}`);
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

/**
 * A Cassandra ring started natively: node1 (the seed) first, then the others one after another
 * (a node joins through the seed's gossip; the JVM start-up is CPU-bound, so starting them together
 * on a small machine would not be faster). Every node has the same fixed heap. On loopback the nodes
 * listen on 127.0.0.11.. at shared ports; on a network each node is a host of its own. The ring is
 * ready when every node answers CQL and lists the others as peers. Its URL lists every node and
 * carries the replication factor and consistency, so migrate() and every API process agree.
 */
export async function startCassandraRing(
  layout: RingLayout,
  options: ClusterStartOptions = {},
): Promise<RunningCluster> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const prefix = options.hostPrefix ?? 'cassandra';
  const names = Array.from({ length: layout.nodes }, (_, i) => `node${i + 1}`);
  return startMembers(`${cassandra.name} ring of ${layout.nodes}`, async (members) => {
    const hosts = options.network
      ? await Promise.all(names.map((n) => options.network!.addHost(`${prefix}-${n}`)))
      : names.map((_, i) => ({ name: undefined, namespace: undefined, address: `127.0.0.${11 + i}` }));
    const addresses = hosts.map((h) => h.address);
    const { nativePort, storagePort } = options.network
      ? { nativePort: 9042, storagePort: 7000 }
      : await ringPorts(addresses);
    const seeds = [`${addresses[0]}:${storagePort}`];
    for (const [i, name] of names.entries()) {
      const host = hosts[i]!;
      const url = `cassandra://${host.address}:${nativePort}/datacenter1`;
      const spec = cassandraLaunchSpec({
        dir: prepareCassandraDir(`storebench-cassandra-${name}-`),
        address: host.address,
        nativePort,
        storagePort,
        seeds,
        heap: options.javaHeap ?? '512M',
        ...(host.namespace && { namespace: host.namespace }),
        ...(options.readyTimeoutMs !== undefined && { readyTimeoutMs: options.readyTimeoutMs }),
      });
      const member = new LaunchedMember(
        name,
        i === 0 ? 'seed' : 'replica',
        { ...spec, probeUrl: url, endpointUrl: url },
        host.address,
        host.name,
      );
      members.push(member);
      await member.start();
      log(`cassandra ring: ${name} at ${host.address}:${nativePort} up in ${(member.startupMs() / 1000).toFixed(1)} s`);
    }
    // Gossip settles within seconds once every node runs; a node that never sees the others is a failure.
    const deadline = Date.now() + 60_000;
    for (const member of members) {
      for (;;) {
        const peers = await peersSeenBy(member.url, member.address, nativePort).catch(() => -1);
        if (peers === layout.nodes - 1) break;
        if (Date.now() > deadline)
          throw new Error(`${member.name} sees ${peers} of ${layout.nodes - 1} peers after 60 s`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const query = `consistency=${layout.consistency}&replication_factor=${layout.replicationFactor}`;
    const url = `cassandra://${addresses.join(',')}:${nativePort}/datacenter1?${query}`;
    return {
      kind: 'cassandra' as const,
      layout,
      url,
      version: members[0]!.version(),
      started,
      // The others serve on: with RF 3 at QUORUM two replicas answer every request; hints wait for the lost one.
      afterMemberLost: async () => null,
      beforeHeal: async () => null,
      settle: async () => undefined,
    };
  });
}
