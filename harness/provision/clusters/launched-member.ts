import { rmSync } from 'node:fs';
import { isAlive, launch, type LaunchSpec } from '../local/launch.ts';
import { killGroup, registerOwnedResource } from '../process-registry.ts';
import type { ProvisionedServer, ServerEndpoint } from '../types.ts';
import type { ClusterMember } from './types.ts';

/**
 * A member the harness starts itself: launched with its data directory kept across stops, so it
 * can be killed and started again on the same data. The directory is removed by `stop()`, or by the
 * process registry on exit and Ctrl-C (after the processes).
 */
export class LaunchedMember implements ClusterMember {
  private server: ProvisionedServer | undefined;
  private readonly unregisterDir: () => void;
  private currentRole: string;

  constructor(
    readonly name: string,
    role: string,
    private readonly spec: LaunchSpec,
    readonly address: string,
    readonly hostName?: string,
    /** Why it may not be started again now (an old primary after a failover), or null. */
    private readonly restartRefusal: () => string | null = () => null,
  ) {
    this.currentRole = role;
    const dir = spec.dir;
    this.unregisterDir = registerOwnedResource({
      name: `${name} data`,
      remove: async () => rmSync(dir, { recursive: true, force: true }),
      removeSync: () => rmSync(dir, { recursive: true, force: true }),
    });
  }

  get url(): string {
    return this.spec.endpointUrl;
  }

  get dataDir(): string {
    return this.spec.dir;
  }

  role(): string {
    return this.currentRole;
  }

  /** A new role after a failover (the standby promoted to primary). */
  setRole(role: string): void {
    this.currentRole = role;
  }

  version(): string {
    return this.server?.endpoint.version ?? '?';
  }

  pid(): number | undefined {
    return this.server?.endpoint.pid;
  }

  /** What the local provisioner reports about its current run (undefined while it is down). */
  endpoint(): ServerEndpoint | undefined {
    return this.server?.endpoint;
  }

  startupMs(): number {
    return this.server?.startupMs ?? 0;
  }

  /** Starts it (on a fresh or an existing data directory) and waits until it answers. */
  async start(): Promise<void> {
    if (this.server) throw new Error(`${this.name} runs already`);
    this.server = await launch({ ...this.spec, keepDir: true });
  }

  async kill(): Promise<void> {
    const server = this.server;
    const pid = server?.endpoint.pid;
    if (!server || pid === undefined) return;
    killGroup(pid, 'SIGKILL');
    const deadline = Date.now() + 5_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.server = undefined;
    await server.stop(); // reaps it and drops its registry entry; the data stays
  }

  async restart(): Promise<void> {
    const refusal = this.restartRefusal();
    if (refusal) throw new Error(`${this.name} cannot be restarted: ${refusal}`);
    await this.kill();
    await this.start();
  }

  /** Stops it (SIGTERM, then SIGKILL after the kind's grace period) and removes its data. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
    rmSync(this.spec.dir, { recursive: true, force: true });
    this.unregisterDir();
  }
}
