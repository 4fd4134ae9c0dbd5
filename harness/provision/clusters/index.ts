export { startCassandraRing, type ClusterStartOptions } from './cassandra-ring.ts';
export {
  clusterDescription,
  clusterLabel,
  clusterSpec,
  layoutKind,
  MONGO_NO_REPLICA_SET,
  parseClusterLayout,
  SINGLE_SERVER,
  type ClusterLayout,
} from './layout.ts';
export { startPostgresStandby } from './postgres-standby.ts';
export { startSingleServer } from './single-server.ts';
export { startCluster } from './start.ts';
export type { ClusterMember, RunningCluster } from './types.ts';
