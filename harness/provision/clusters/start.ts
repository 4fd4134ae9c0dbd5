import type { ServerKind } from '../kinds/index.ts';
import type { ProvisionMode, ProvisionOptions } from '../types.ts';
import { startCassandraRing, type ClusterStartOptions } from './cassandra-ring.ts';
import { layoutKind, type ClusterLayout } from './layout.ts';
import { startPostgresStandby } from './postgres-standby.ts';
import { startSingleServer } from './single-server.ts';
import type { RunningCluster } from './types.ts';

/**
 * The database of one backend in the given layout. Rings and standbys are started natively here
 * (they need the local servers); a single server goes through the provisioner of `mode`.
 */
export async function startCluster(
  kind: ServerKind,
  layout: ClusterLayout,
  options: ClusterStartOptions &
    ProvisionOptions & { mode?: ProvisionMode; externalUrls?: Partial<Record<ServerKind, string>> } = {},
): Promise<RunningCluster> {
  const forKind = layoutKind(layout);
  if (forKind !== undefined && forKind !== kind)
    throw new RangeError(`a ${layout.kind} layout is for ${forKind}, not ${kind}`);
  if (layout.kind === 'cassandra-ring') return startCassandraRing(layout, options);
  if (layout.kind === 'postgres-standby') return startPostgresStandby(layout, options);
  return startSingleServer(kind, options);
}
