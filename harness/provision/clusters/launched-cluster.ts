import { clusterLabel } from './layout.ts';
import type { LaunchedMember } from './launched-member.ts';
import type { RunningCluster } from './types.ts';

/** What a cluster of launched members says about itself beyond its members. */
type ClusterParts = Pick<
  RunningCluster,
  'kind' | 'layout' | 'url' | 'version' | 'afterMemberLost' | 'beforeHeal' | 'settle'
> & { started: number };

/**
 * Starts a cluster member by member through `start`, which pushes each onto the list as it launches
 * it; when `start` throws, every member launched so far is stopped (and its data removed) first.
 */
export async function startMembers(
  what: string,
  start: (members: LaunchedMember[]) => Promise<ClusterParts>,
): Promise<RunningCluster> {
  const members: LaunchedMember[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(members.map((m) => m.stop()));
  };
  try {
    const parts = await start(members);
    const { started, ...rest } = parts;
    return {
      ...rest,
      label: clusterLabel(parts.layout),
      members,
      startupMs: Date.now() - started,
      provisioner: 'local',
      resettable: true,
      dataDirs: members.map((m) => m.dataDir),
      member: (name) => {
        const member = members.find((m) => m.name === name);
        if (!member) throw new RangeError(`no member "${name}" in ${what} (${members.map((m) => m.name).join(', ')})`);
        return member;
      },
      pids: () => members.flatMap((m) => m.pid() ?? []),
      watchedEndpoint: () => members[0]?.endpoint(),
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`${what}: ${(error as Error).message}`);
  }
}
