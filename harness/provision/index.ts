export type {
  ProvisionedServer,
  ProvisionMode,
  ProvisionOptions,
  Provisioner,
  ServerEndpoint,
  ServerHost,
  ServerKindDescriptor,
} from './types.ts';
export {
  isServerKind,
  POSTGRES_SETTINGS,
  SERVER_KIND_NAMES,
  SERVER_KINDS,
  serverKind,
  type ServerKind,
} from './kinds/index.ts';
export { provisionerFor, provisionServers, type ProvisionedSet } from './provisioners.ts';
export { assertResettable, ExternalProvisioner } from './external.ts';
export { DockerProvisioner, dockerEngineAnswers, stopDockerService } from './docker.ts';
export { LocalProvisioner, missingForLocal } from './local/index.ts';
export { REPO_ROOT, serversHome } from './install-paths.ts';
export { waitUntilAnswering } from './readiness.ts';
export {
  ownedCount,
  ownedPids,
  RunStopped,
  stopAllOwned,
  stopStatus,
  throwIfStopRequested,
} from './process-registry.ts';
export { endpointForTest, findEndpoint, readServerState, stateFile, type ServerState } from './state.ts';
export {
  downServers,
  installServers,
  serversStatus,
  upServers,
  type ServersEvent,
  type ServersReporter,
} from './detached-servers.ts';
