import type { ServerEndpoint, ServerKind } from './state.ts';

/** How servers are obtained: `auto` picks docker when an engine answers, else local binaries. */
export type ProvisionMode = 'docker' | 'local' | 'external' | 'auto';

/** One server a provisioner made available. */
export interface ProvisionedServer {
  endpoint: ServerEndpoint;
  /** Milliseconds from "start" to the first real query answering (0 for external servers). */
  startupMs: number;
  /**
   * True when the harness may drop and recreate data on it: always for servers it started itself,
   * only with an explicit allowReset for servers the user runs (`external`).
   */
  resettable: boolean;
  /** Stops what this provisioner started and removes its temp data; a no-op for external servers. */
  stop(): Promise<void>;
}

/** Options every provisioner understands; each ignores what does not apply to it. */
export interface ProvisionOptions {
  /**
   * Start the server so that it outlives this process (`storebench servers up`): it is not
   * registered for cleanup on exit, and `storebench servers down` stops it later.
   */
  detached?: boolean;
  /** Give up if the server does not answer a real query within this many ms. */
  readyTimeoutMs?: number;
  /** For `external`: the URL of a server the user runs (else the STOREBENCH_<KIND>_URL env var). */
  url?: string;
  /** For `external`: allow the harness to wipe its data (`--allow-reset`). */
  allowReset?: boolean;
  /** For `local`: JVM heap for Cassandra and the Java MongoDB-wire server, e.g. `1G`. */
  javaHeap?: string;
}

/** Starts (or finds) one kind of server; `stop()` of the result undoes exactly what `start` did. */
export interface Provisioner {
  readonly name: 'docker' | 'local' | 'external';
  /** Null when it can run `kind` here, else a sentence saying exactly what is missing. */
  unavailableReason(kind: ServerKind): Promise<string | null>;
  start(kind: ServerKind, options?: ProvisionOptions): Promise<ProvisionedServer>;
}
