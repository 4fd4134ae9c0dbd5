import type { ServerKind } from './kinds/index.ts';

/** How to reach one running server; `url` has the form of its kind's `urlExample`. */
export interface ServerEndpoint {
  kind: ServerKind;
  url: string;
  provisioner: 'docker' | 'local' | 'external';
  /** What actually answers, e.g. `PostgreSQL 15.18` or `FerretDB 1.24.1 (SQLite)`. */
  version?: string;
  pid?: number;
  dataDir?: string;
  /** Milliseconds from spawn to the first real query answering (local provisioner). */
  startupMs?: number;
  /** The server's own log (local provisioner). */
  logFile?: string;
  /** A JVM server's garbage-collection log, one line per pause with its end time in epoch ms (local provisioner). */
  gcLog?: string;
}

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
  /**
   * Local servers only: kill -9 of the server's whole process group, as a power cut or an OOM kill would;
   * its data dir and port stay reserved for `restart()`. Resolves once the processes are gone.
   */
  crash?(): Promise<void>;
  /**
   * Local servers only: a clean shutdown (SIGTERM, then the kind's grace before SIGKILL) that keeps its data
   * dir and port for `restart()`, as an operator's restart would. Resolves once the processes are gone:
   * `graceful` false when the shutdown ran past the grace and was killed (the next start then recovers).
   */
  halt?(): Promise<{ graceful: boolean }>;
  /**
   * Local servers only, after `crash()` or `halt()`: the same server again on the same data dir and port (so clients
   * keep their URL), through its own recovery; resolves once it answers a real query, with how long that took.
   */
  restart?(): Promise<{ readyMs: number }>;
}

/** A host of a storebench network (harness/network) that a server runs on instead of loopback. */
export interface ServerHost {
  /** The network namespace its process runs in. */
  namespace: string;
  /** Its address there: the server listens on it, at its kind's standard port. */
  address: string;
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
  /** For `local`: run it on this host of a storebench network instead of loopback. */
  host?: ServerHost;
}

/** Starts (or finds) one kind of server; `stop()` of the result undoes exactly what `start` did. */
export interface Provisioner {
  readonly name: 'docker' | 'local' | 'external';
  /** Null when it can run `kind` here, else a sentence saying exactly what is missing. */
  unavailableReason(kind: ServerKind): Promise<string | null>;
  start(kind: ServerKind, options?: ProvisionOptions): Promise<ProvisionedServer>;
}

/**
 * Everything storebench knows about one kind of database server, one module per kind under kinds/.
 * The docker, local and external provisioners and `storebench servers` only loop over SERVER_KINDS.
 */
export interface ServerKindDescriptor<Name extends string = string> {
  /** `--backend` of `storebench servers`, the key of the state file and of a provisioned set. */
  readonly name: Name;
  /** The env var holding the URL of a server the user runs (STOREBENCH_<KIND>_URL); it wins over the state file. */
  readonly envVar: string;
  /** The URL form, as an example: what `envVar`, `--<kind>-url` and `ServerEndpoint.url` hold. */
  readonly urlExample: string;
  /** Its service in docker-compose.yml, the port it listens on in the container, its URL on the published port. */
  readonly compose: { readonly service: string; readonly containerPort: number; url(hostPort: number): string };
  /** How long a SIGTERM may take before SIGKILL (Cassandra flushes memtables on the way down). */
  readonly stopGraceMs: number;
  /**
   * A real query proving the server answers, resolving to the version it reports. An open port is
   * not enough: Cassandra opens its native port before it serves queries.
   */
  probe(url: string, timeoutMs: number): Promise<string>;
  /** What is missing to run it natively here, as a sentence naming what to install; null when installed. */
  missingForLocal(): string | null;
  /** Starts it natively in a fresh temp dir on a free loopback port (through local/launch.ts). */
  startLocal(options: ProvisionOptions): Promise<ProvisionedServer>;
  /**
   * Optional: what the harness can watch of a running server while a step runs (e.g. PostgreSQL's
   * wait events). A JVM server's GC log needs nothing here: its endpoint names the file.
   */
  watch?(endpoint: ServerEndpoint): ServerWatcher;
}

/** A server watched during steps: started while it is measured, stopped before it is paused (a stopped server would hang a query). */
export interface ServerWatcher {
  start(): Promise<void>;
  stop(): void;
  close(): Promise<void>;
  /** Database-side waits seen in a window: sessions per wait kind summed over the samples. */
  waits(fromMs: number, toMs: number): Record<string, number>;
}
