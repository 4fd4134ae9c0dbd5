import type { HostNetwork } from '../../network/index.ts';
import type { ServerKind } from '../kinds/index.ts';
import { killGroup } from '../process-registry.ts';
import { provisionServers } from '../provisioners.ts';
import type { ProvisionMode, ProvisionOptions } from '../types.ts';
import { SINGLE_SERVER } from './layout.ts';
import type { RunningCluster } from './types.ts';

/**
 * One server through the usual provisioners (local, docker or external), as a cluster of one member
 * named `server`. On a network the local provisioner starts it on a host of its own. A kill is
 * possible when it runs here; starting it again on its data belongs to the crash test (issue 14).
 */
export async function startSingleServer(
  kind: ServerKind,
  options: ProvisionOptions & {
    mode?: ProvisionMode;
    externalUrls?: Partial<Record<ServerKind, string>>;
    network?: HostNetwork;
    hostPrefix?: string;
  },
): Promise<RunningCluster> {
  const { network, hostPrefix, ...provision } = options;
  const host = network ? await network.addHost(`${hostPrefix ?? kind}-server`) : undefined;
  // `auto` means local here: on a network only the local provisioner can place a server on a host.
  if (host && !['local', 'auto'].includes(provision.mode ?? 'local')) {
    throw new Error(`servers on a network are started by the local provisioner, not ${provision.mode}`);
  }
  const set = await provisionServers([kind], {
    ...provision,
    ...(host && { mode: 'local' as const, host: { namespace: host.namespace!, address: host.address } }),
  });
  const server = set.servers[0]!;
  const { endpoint } = server;
  let pid = endpoint.pid;
  const member = {
    name: 'server',
    role: () => 'server',
    url: endpoint.url,
    address: host?.address ?? '127.0.0.1',
    ...(host && { hostName: host.name }),
    pid: () => pid,
    startupMs: () => server.startupMs,
    kill: async () => {
      if (pid === undefined || endpoint.provisioner !== 'local') {
        throw new Error(`${kind}: only a server this run started can be killed`);
      }
      killGroup(pid, 'SIGKILL');
      pid = undefined;
    },
    restart: async () => {
      throw new Error(`${kind}: restarting a single server on its data is the crash test's (issue 14), not here yet`);
    },
  };
  return {
    kind,
    layout: SINGLE_SERVER,
    label: 'single',
    url: endpoint.url,
    members: [member],
    version: endpoint.version ?? '?',
    startupMs: server.startupMs,
    provisioner: endpoint.provisioner,
    resettable: server.resettable,
    dataDirs: endpoint.dataDir ? [endpoint.dataDir] : [],
    member: (name) => {
      if (name !== 'server') throw new RangeError(`a single ${kind} server has one member, "server"`);
      return member;
    },
    pids: () => (pid === undefined ? [] : [pid]),
    watchedEndpoint: () => endpoint,
    afterMemberLost: async () => null,
    beforeHeal: async () => null,
    settle: async () => undefined,
    ...(endpoint.provisioner === 'local' &&
      server.halt &&
      server.restart && {
        restartServer: async () => {
          const { graceful } = await server.halt!();
          pid = undefined;
          const { readyMs } = await server.restart!();
          pid = endpoint.pid;
          return { readyMs, graceful };
        },
      }),
    stop: () => set.stop(),
  };
}
