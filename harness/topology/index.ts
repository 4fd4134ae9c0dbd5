export {
  serveCommand,
  startApiProcess,
  STOREBENCH_BIN,
  type ApiProcess,
  type ApiProcessOptions,
} from './api-process.ts';
export {
  BALANCER_POLICIES,
  nginxBinary,
  nginxConfig,
  startBalancer,
  type BalancerPolicy,
  type RunningBalancer,
} from './nginx.ts';
export {
  memoryLayoutProblem,
  parseTopology,
  serveInstances,
  SINGLE_PROCESS,
  startTopology,
  topologyLabel,
  type RunningTopology,
  type ServeInstancesOptions,
  type Topology,
} from './topology.ts';
