import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './install-paths.ts';
import { serverKind, type ServerKind } from './kinds/index.ts';
import { waitUntilAnswering } from './readiness.ts';
import type { ProvisionedServer, ProvisionOptions, Provisioner } from './types.ts';

const run = promisify(execFile);

const COMPOSE_PROJECT = 'storebench';

function compose(args: string[], timeoutMs: number): Promise<{ stdout: string }> {
  return run('docker', ['compose', '-f', join(REPO_ROOT, 'docker-compose.yml'), '-p', COMPOSE_PROJECT, ...args], {
    timeout: timeoutMs,
    encoding: 'utf8',
  });
}

/** True when a Docker engine answers (not just when the CLI is installed). */
export async function dockerEngineAnswers(): Promise<boolean> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** Stops and removes the compose service of `kind` (its named volume stays). */
export async function stopDockerService(kind: ServerKind): Promise<void> {
  await compose(['rm', '--stop', '--force', serverKind(kind).compose.service], 120_000);
}

/**
 * One compose service per kind (its descriptor's `compose`): `docker compose up -d --wait <service>` (waits for its healthcheck),
 * then a real query through the published loopback port. `stop()` stops the service and removes its
 * container; named volumes stay (they are the user's data).
 */
export class DockerProvisioner implements Provisioner {
  readonly name = 'docker' as const;

  async unavailableReason(): Promise<string | null> {
    return (await dockerEngineAnswers())
      ? null
      : 'no Docker engine answers (`docker info` failed): start Docker, or use --provision local';
  }

  async start(kind: ServerKind, options: ProvisionOptions = {}): Promise<ProvisionedServer> {
    const descriptor = serverKind(kind);
    const { service, containerPort, url } = descriptor.compose;
    const started = Date.now();
    const timeoutMs = options.readyTimeoutMs ?? 180_000;
    await compose(['up', '-d', '--wait', service], timeoutMs);
    const { stdout } = await compose(['port', service, String(containerPort)], 30_000);
    const port = Number(/:(\d+)\s*$/.exec(stdout.trim())?.[1]);
    if (!port) throw new Error(`docker compose port ${service} ${containerPort} gave no port: ${stdout}`);
    const endpointUrl = url(port);
    const { version } = await waitUntilAnswering(descriptor, endpointUrl, { timeoutMs });
    return {
      endpoint: { kind, url: endpointUrl, provisioner: 'docker', version, startupMs: Date.now() - started },
      startupMs: Date.now() - started,
      resettable: true,
      stop: async () => {
        if (!options.detached) await stopDockerService(kind);
      },
    };
  }
}
