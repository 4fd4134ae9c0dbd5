import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { isAlive } from '../provision/local/launch.ts';
import { registerOwnedResource } from '../provision/process-registry.ts';
import type { LinkDelay } from './link-delay.ts';
import { startDelayRelay, type DelayRelay } from './netdelay.ts';
import { netnsUnavailableReason } from './requirements.ts';

const run = promisify(execFile);

/** Every namespace a run creates is named `storebench-<pid>-<network>-<host>`, so a later run can tell a dead run's leftovers. */
const NAMESPACE_PREFIX = 'storebench-';
/** The /16 our networks take a /24 of (one per network, chosen free of every route of this machine). */
const SUBNET_BASE = [10, 213] as const;
/** Hosts per network: each link is a /30 of the /24. */
const MAX_LINKS = 63;

/** One host of a storebench network: a network namespace of its own, or the harness's own (the load generator). */
export interface NetworkHost {
  /** Its role in the run, e.g. `api`, `postgres-primary`, `cassandra-node2`; `loadgen` for the harness itself. */
  name: string;
  /** The namespace its processes run in; null for the load generator (the harness process's namespace). */
  namespace: string | null;
  /** Its one address on the network's private subnet. */
  address: string;
}

/**
 * Hosts joined by a router namespace: each host is a namespace with one veth link to the router (a /30
 * of a private /24), the load generator is the harness's own namespace with one more link, and every
 * packet between two hosts crosses the router once, where the delay is added (half the round trip
 * each way). Nothing outside the network's own namespaces is ever addressed.
 */
export interface HostNetwork {
  readonly id: string;
  /** The private /24 the harness assigned, e.g. `10.213.57.0/24`. */
  readonly subnet: string;
  readonly loadGenerator: NetworkHost;
  hosts(): NetworkHost[];
  /** A host by name; throws when there is none. */
  host(name: string): NetworkHost;
  /** Adds a host (a namespace and its link); its name must be new. */
  addHost(name: string): Promise<NetworkHost>;
  /** The delay now in force between any two hosts. */
  delay(): LinkDelay;
  /** Changes it for every packet from now on; 0 takes the relay out of the path altogether. */
  setDelay(delay: LinkDelay): Promise<void>;
  /** Cuts a host's link (it stays up but no packet reaches it or leaves it), and mends it. */
  partition(name: string): Promise<void>;
  heal(name: string): Promise<void>;
  /** `argv` as a command that runs inside the host's namespace (as is for the load generator). */
  command(host: NetworkHost, argv: readonly string[]): string[];
  /** The delaying relay's pid while it runs (to pin it and to count its CPU as the network's). */
  relayPid(): number | undefined;
  /** Whether the relay runs at real-time priority (undefined before it started). */
  relayRealTime(): boolean | undefined;
  /** Packets the relay held so far (0 when it never ran). */
  relayPackets(): Promise<number>;
  /** Stops the relay, kills anything left in the hosts' namespaces, removes namespaces and links. */
  remove(): Promise<void>;
}

let networksMade = 0;

/** The namespaces named like ours whose run (the pid in the name) is gone. */
function staleNamespaces(names: string[]): string[] {
  return names.filter((name) => {
    const pid = Number(/^storebench-(\d+)-/.exec(name)?.[1]);
    return Number.isInteger(pid) && pid !== process.pid && !isAlive(pid);
  });
}

function listNamespaces(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(NAMESPACE_PREFIX));
}

/** Kills whatever still runs in a namespace of ours and deletes it (synchronously: also used at exit). */
function deleteNamespaceSync(name: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
  } catch {
    // no such namespace
  }
  try {
    execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

/** Removes what runs that died without cleaning up left (their namespaces, hence their links). */
export function removeStaleNetworks(): string[] {
  const stale = staleNamespaces(listNamespaces());
  for (const name of stale) deleteNamespaceSync(name);
  return stale;
}

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** A /24 of SUBNET_BASE that overlaps no route or address of this machine (any table). */
function freeSubnet(): number {
  const routes = execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
  const addresses = execFileSync('ip', ['-4', '-o', 'addr', 'show'], { encoding: 'utf8' });
  const taken: Array<[number, number]> = [];
  for (const match of `${routes}\n${addresses}`.matchAll(/(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?/g)) {
    const bits = match[2] === undefined ? 32 : Number(match[2]);
    if (bits === 0) continue; // the default route overlaps everything and routes nothing of ours
    const start = ipv4ToInt(match[1]!) & (bits === 32 ? -1 : ~((1 << (32 - bits)) - 1));
    taken.push([start >>> 0, (start >>> 0) + 2 ** (32 - bits) - 1]);
  }
  const candidates = Array.from({ length: 256 }, (_, i) => i).sort(() => Math.random() - 0.5);
  for (const third of candidates) {
    const start = ipv4ToInt(`${SUBNET_BASE[0]}.${SUBNET_BASE[1]}.${third}.0`);
    const end = start + 255;
    if (!taken.some(([a, b]) => a <= end && b >= start)) return third;
  }
  throw new Error(`no free /24 left in ${SUBNET_BASE.join('.')}.0.0/16 on this machine`);
}

/**
 * Creates a network with the given hosts (more can be added later). Needs root; throws with what is
 * missing otherwise. The network is registered so that exit and Ctrl-C remove it.
 */
export async function createHostNetwork(options: { hosts?: string[]; delay?: LinkDelay } = {}): Promise<HostNetwork> {
  const missing = netnsUnavailableReason({ delay: (options.delay?.rttMs ?? 0) > 0 });
  if (missing) throw new Error(`hosts in network namespaces cannot run here: ${missing}`);
  removeStaleNetworks();
  const index = networksMade++;
  const id = `${process.pid}-${index}`;
  const third = freeSubnet();
  const prefix = `${SUBNET_BASE[0]}.${SUBNET_BASE[1]}.${third}`;
  const subnet = `${prefix}.0/24`;
  const router = `${NAMESPACE_PREFIX}${id}-router`;
  const rootLink = `sb${process.pid}n${index}`.slice(0, 15);
  const namespaces: string[] = [router];
  const hosts = new Map<string, NetworkHost & { link: string }>();
  let links = 1; // link 0 is the load generator's
  let relay: DelayRelay | undefined;
  let current: LinkDelay = { rttMs: 0, jitterMs: 0 };
  let ruleInstalled = false;
  let removed: Promise<void> | undefined;

  const removeSync = (): void => {
    relay?.kill();
    for (const name of [...namespaces].reverse()) deleteNamespaceSync(name);
    try {
      execFileSync('ip', ['link', 'del', rootLink], { stdio: 'ignore' });
    } catch {
      // went with the router's end
    }
  };
  const unregister = registerOwnedResource({ name: `network ${subnet}`, remove: () => remove(), removeSync });
  const remove = (): Promise<void> => {
    removed ??= (async () => {
      await relay?.stop();
      removeSync();
      unregister();
    })();
    return removed;
  };
  const ip = (...args: string[]): Promise<unknown> => run('ip', args);
  const inRouter = (...argv: string[]): Promise<unknown> => run('ip', ['netns', 'exec', router, ...argv]);
  const link = (i: number): { router: string; host: string } => ({
    router: `${prefix}.${4 * i + 1}`,
    host: `${prefix}.${4 * i + 2}`,
  });

  try {
    await ip('netns', 'add', router);
    await ip('-n', router, 'link', 'set', 'lo', 'up');
    await inRouter('sysctl', '-qw', 'net.ipv4.ip_forward=1');
    // The load generator's link: its end stays in this namespace, its peer goes to the router.
    await ip('link', 'add', rootLink, 'type', 'veth', 'peer', 'name', 'h0', 'netns', router);
    await ip('addr', 'add', `${link(0).host}/30`, 'dev', rootLink);
    await ip('link', 'set', rootLink, 'up');
    await ip('-n', router, 'addr', 'add', `${link(0).router}/30`, 'dev', 'h0');
    await ip('-n', router, 'link', 'set', 'h0', 'up');
    await ip('route', 'add', subnet, 'via', link(0).router, 'dev', rootLink);
  } catch (error) {
    await remove();
    throw new Error(`could not create the network: ${(error as Error).message}`);
  }
  const loadGenerator: NetworkHost = { name: 'loadgen', namespace: null, address: link(0).host };

  const addHost = async (name: string): Promise<NetworkHost> => {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) throw new RangeError(`host name "${name}": lowercase letters, digits, -`);
    if (hosts.has(name) || name === 'loadgen') throw new RangeError(`host "${name}" exists already`);
    if (links > MAX_LINKS) throw new RangeError(`at most ${MAX_LINKS} hosts per network`);
    // Taken before the first await: hosts added at the same time get different links.
    const i = links++;
    const namespace = `${NAMESPACE_PREFIX}${id}-${name}`;
    const routerEnd = `h${i}`;
    const host = { name, namespace, address: link(i).host, link: routerEnd };
    hosts.set(name, host);
    namespaces.push(namespace);
    await ip('netns', 'add', namespace);
    await ip('-n', namespace, 'link', 'set', 'lo', 'up');
    await ip('link', 'add', routerEnd, 'netns', router, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace);
    await ip('-n', router, 'addr', 'add', `${link(i).router}/30`, 'dev', routerEnd);
    await ip('-n', router, 'link', 'set', routerEnd, 'up');
    await ip('-n', namespace, 'addr', 'add', `${link(i).host}/30`, 'dev', 'eth0');
    await ip('-n', namespace, 'link', 'set', 'eth0', 'up');
    await ip('-n', namespace, 'route', 'add', subnet, 'via', link(i).router);
    return { name, namespace, address: host.address };
  };

  const hostLink = (name: string): string => {
    const host = hosts.get(name);
    if (!host) throw new RangeError(`no host "${name}" in network ${subnet}`);
    return host.link;
  };

  const network: HostNetwork = {
    id,
    subnet,
    loadGenerator,
    hosts: () => [...hosts.values()].map(({ name, namespace, address }) => ({ name, namespace, address })),
    host: (name) => {
      if (name === 'loadgen') return loadGenerator;
      const host = hosts.get(name);
      if (!host) throw new RangeError(`no host "${name}" in network ${subnet}`);
      return { name: host.name, namespace: host.namespace, address: host.address };
    },
    addHost,
    delay: () => ({ ...current }),
    setDelay: async (delay) => {
      const active = delay.rttMs > 0 || delay.jitterMs > 0;
      if (active) {
        relay ??= await startDelayRelay(router);
        // One crossing of the router per direction: half the round trip each way.
        await relay.set(delay.rttMs / 2, delay.jitterMs / 2);
        if (!ruleInstalled) await inRouter('iptables', '-w', '-A', 'FORWARD', '-j', 'NFQUEUE', '--queue-num', '0');
        ruleInstalled = true;
      } else if (ruleInstalled) {
        await inRouter('iptables', '-w', '-D', 'FORWARD', '-j', 'NFQUEUE', '--queue-num', '0');
        ruleInstalled = false;
      }
      current = { ...delay };
    },
    partition: async (name) => {
      await ip('-n', router, 'link', 'set', hostLink(name), 'down');
    },
    heal: async (name) => {
      await ip('-n', router, 'link', 'set', hostLink(name), 'up');
    },
    command: (host, argv) => (host.namespace === null ? [...argv] : ['ip', 'netns', 'exec', host.namespace, ...argv]),
    relayPid: () => relay?.pid,
    relayRealTime: () => relay?.realTime,
    relayPackets: async () => (relay ? relay.packets() : 0),
    remove,
  };
  try {
    for (const name of options.hosts ?? []) await addHost(name);
    if (options.delay) await network.setDelay(options.delay);
  } catch (error) {
    await remove();
    throw error;
  }
  return network;
}
