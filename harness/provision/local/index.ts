import { serverKind, type ServerKind } from '../kinds/index.ts';
import type { ProvisionedServer, ProvisionOptions, Provisioner } from '../types.ts';

/** What is missing to run `kind` natively here, or null when everything is installed. */
export function missingForLocal(kind: ServerKind): string | null {
  return serverKind(kind).missingForLocal();
}

/** Native server processes in fresh temp dirs on free loopback ports (each kind's `startLocal`). */
export class LocalProvisioner implements Provisioner {
  readonly name = 'local' as const;

  unavailableReason(kind: ServerKind): Promise<string | null> {
    return Promise.resolve(missingForLocal(kind));
  }

  async start(kind: ServerKind, options: ProvisionOptions = {}): Promise<ProvisionedServer> {
    const missing = missingForLocal(kind);
    if (missing) throw new Error(`cannot start ${kind} locally: missing ${missing}`);
    return serverKind(kind).startLocal(options);
  }
}
