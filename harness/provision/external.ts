import { serverKind, type ServerKind } from './kinds/index.ts';
import { readServerState } from './state.ts';
import type { ProvisionedServer, ProvisionOptions, Provisioner } from './types.ts';

/** What to say when no URL is known for `kind`. */
function noUrl(kind: ServerKind): string {
  const { envVar, urlExample } = serverKind(kind);
  return `pass one or set ${envVar} (e.g. ${urlExample})`;
}

/**
 * A server the user already runs. Never started, stopped or wiped by us: `resettable` is true only
 * with an explicit allowReset (`--allow-reset`), and `stop()` does nothing.
 */
export class ExternalProvisioner implements Provisioner {
  readonly name = 'external' as const;

  constructor(private readonly urls: Partial<Record<ServerKind, string>> = {}) {}

  /** An explicit URL, else one given to the constructor (`--<kind>-url`), else STOREBENCH_<KIND>_URL. */
  private urlFor(kind: ServerKind, options: ProvisionOptions): string | undefined {
    return options.url ?? this.urls[kind] ?? process.env[serverKind(kind).envVar];
  }

  unavailableReason(kind: ServerKind): Promise<string | null> {
    return Promise.resolve(this.urlFor(kind, {}) ? null : `no URL for ${kind}: ${noUrl(kind)}`);
  }

  async start(kind: ServerKind, options: ProvisionOptions = {}): Promise<ProvisionedServer> {
    const url = this.urlFor(kind, options);
    if (!url) throw new Error(`no URL for external ${kind}: ${noUrl(kind)}`);
    const version = await serverKind(kind).probe(url, options.readyTimeoutMs ?? 10_000);
    // A server `storebench servers up` started on this machine: its pid lets a run sample its CPU
    // (as the database's, not as interference). Any other server is known by its URL only.
    const known = readServerState()[kind];
    const pid = known?.url === url ? known.pid : undefined;
    return {
      endpoint: { kind, url, provisioner: 'external', version, ...(pid !== undefined && { pid }) },
      startupMs: 0,
      resettable: options.allowReset === true,
      stop: () => Promise.resolve(),
    };
  }
}

/** Throws unless the harness may wipe this server's data (external servers need --allow-reset). */
export function assertResettable(server: ProvisionedServer): void {
  if (!server.resettable) {
    throw new Error(
      `refusing to reset ${server.endpoint.kind} at ${server.endpoint.url}: it is a server you run (external); pass --allow-reset to let storebench wipe it`,
    );
  }
}
