import { DockerProvisioner, dockerEngineAnswers } from './docker.ts';
import { ExternalProvisioner } from './external.ts';
import { LocalProvisioner, missingForLocal } from './local/index.ts';
import type { ServerKind } from './kinds/index.ts';
import type { ProvisionedServer, ProvisionMode, ProvisionOptions, Provisioner, ServerEndpoint } from './types.ts';

/**
 * The provisioner for a mode. `auto`: docker when an engine answers, else local when every kind
 * asked for is installed, else an error naming exactly what to install.
 */
export async function provisionerFor(
  mode: ProvisionMode,
  kinds: readonly ServerKind[],
  externalUrls: Partial<Record<ServerKind, string>> = {},
): Promise<Provisioner> {
  switch (mode) {
    case 'docker':
      return new DockerProvisioner();
    case 'local':
      return new LocalProvisioner();
    case 'external':
      return new ExternalProvisioner(externalUrls);
    case 'auto': {
      if (await dockerEngineAnswers()) return new DockerProvisioner();
      const missing = kinds.map((k) => missingForLocal(k)).filter((m): m is string => m !== null);
      if (missing.length === 0) return new LocalProvisioner();
      throw new Error(
        `no Docker engine answers and native servers are missing:\n  - ${missing.join('\n  - ')}\n` +
          'install them (Debian/Ubuntu, root): bash scripts/servers/install — or start Docker and use docker-compose.yml',
      );
    }
  }
}

/** Servers started together; `stop()` stops all of them (in parallel) and is safe to call twice. */
export interface ProvisionedSet {
  servers: ProvisionedServer[];
  endpoints: Partial<Record<ServerKind, ServerEndpoint>>;
  stop(): Promise<void>;
}

/**
 * Starts (or finds) one server per kind, in parallel, through the provisioner of `mode`.
 * If any fails, the others are stopped before the error is thrown. Servers a harness run starts
 * itself are also stopped on SIGINT/SIGTERM/exit (see process-registry.ts) unless `detached`.
 */
export async function provisionServers(
  kinds: readonly ServerKind[],
  options: ProvisionOptions & { mode?: ProvisionMode; externalUrls?: Partial<Record<ServerKind, string>> } = {},
): Promise<ProvisionedSet> {
  const provisioner = await provisionerFor(options.mode ?? 'auto', kinds, options.externalUrls);
  const results = await Promise.allSettled(kinds.map((kind) => provisioner.start(kind, options)));
  const servers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.allSettled(servers.map((s) => s.stop()));
  };
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${kinds[i]}: ${String((r.reason as Error)?.message ?? r.reason)}`] : [],
  );
  if (failures.length > 0) {
    await stop();
    throw new Error(`could not provision via ${provisioner.name}:\n${failures.join('\n')}`);
  }
  const endpoints: Partial<Record<ServerKind, ServerEndpoint>> = {};
  for (const server of servers) endpoints[server.endpoint.kind] = server.endpoint;
  return { servers, endpoints, stop };
}
