export type { ProvisionedServer, ProvisionMode, ProvisionOptions, Provisioner } from './types.ts';
export { provisionerFor, provisionServers, type ProvisionedSet } from './provisioners.ts';
export { assertResettable, ExternalProvisioner } from './external.ts';
export { DockerProvisioner, dockerEngineAnswers, stopDockerService } from './docker.ts';
export { LocalProvisioner, missingForLocal, POSTGRES_SETTINGS } from './local/index.ts';
export { REPO_ROOT, serversHome } from './install-paths.ts';
export { probeVersion, waitUntilAnswering } from './probes.ts';
export { ownedCount, stopAllOwned } from './process-registry.ts';
export {
  endpointForTest,
  findEndpoint,
  isServerKind,
  readServerState,
  SERVER_KIND_NAMES,
  stateFile,
  type ServerEndpoint,
  type ServerKind,
  type ServerState,
} from './state.ts';
export {
  downServers,
  installServers,
  serversStatus,
  upServers,
  type ServersEvent,
  type ServersReporter,
} from './detached-servers.ts';
