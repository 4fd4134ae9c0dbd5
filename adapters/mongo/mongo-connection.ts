import { MongoClient, type Db, type MongoClientOptions, type TopologyDescriptionChangedEvent } from 'mongodb';
import { BackendUnavailableError } from '../../core/errors.ts';
import { guarded } from './mongo-errors.ts';

interface Connected<T> {
  client: MongoClient;
  handles: T;
}

/** How long after a failed connect the next attempt starts, while the server stays unreachable. */
const RECONNECT_DELAY_MS = 500;

/**
 * One MongoClient, connected on first use, with handles (collections) built once
 * per client. The driver reconnects by itself once a client has connected, but a
 * client whose *first* connect fails keeps a closed topology for good ("Topology
 * is closed"), so a backend started while the server is down would never recover.
 * Here a failed connect discards that client and another attempt follows in the
 * background until one succeeds.
 *
 * Calls fail fast once the driver knows the server is down, instead of each waiting
 * out the server selection timeout (2 s): after a failed connect (until an attempt
 * succeeds), and while every server of a connected client is `Unknown` to the
 * driver's monitor (a failed heartbeat or a network error on a call), which checks
 * again every `heartbeatFrequencyMS` and turns them back as soon as one answers.
 * Only the very first call, when nothing is known yet, waits for the selection.
 */
export class MongoConnection<T> {
  private connecting: Promise<Connected<T>> | undefined;
  private closed = false;
  /** The last failed connect, while no attempt has succeeded since. */
  private failure: unknown;
  /** False while the connected client's monitor knows no reachable server. */
  private reachable = true;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly options: MongoClientOptions,
    private readonly database: string,
    private readonly prepare: (db: Db) => T,
  ) {}

  /** The handles, connecting first if needed; a failure is a BackendUnavailableError. */
  async handles(): Promise<T> {
    return (await this.connected()).handles;
  }

  /** The `admin` database (server-level commands). */
  async admin(): Promise<Db> {
    return (await this.connected()).client.db('admin');
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const pending = this.connecting;
    this.connecting = undefined;
    const connected = await pending?.catch(() => undefined);
    await connected?.client.close();
  }

  private connected(): Promise<Connected<T>> {
    if (this.closed) return Promise.reject(new BackendUnavailableError('mongo: backend is closed'));
    if (this.failure !== undefined) {
      const cause = this.failure;
      return Promise.reject(new BackendUnavailableError('mongo: server unreachable (last connect failed)', { cause }));
    }
    if (!this.reachable) {
      return Promise.reject(new BackendUnavailableError("mongo: no reachable server (the driver's monitor says so)"));
    }
    return this.connecting ?? this.connect();
  }

  private connect(): Promise<Connected<T>> {
    const client = new MongoClient(this.url, this.options);
    let live = false; // the monitor's view counts once connected (while connecting, every server is Unknown)
    client.on('topologyDescriptionChanged', (event: TopologyDescriptionChangedEvent) => {
      if (live) this.reachable = [...event.newDescription.servers.values()].some((s) => s.type !== 'Unknown');
    });
    const attempt: Promise<Connected<T>> = guarded('connect', () => client.connect()).then(
      () => {
        live = true;
        this.failure = undefined;
        this.reachable = true;
        return { client, handles: this.prepare(client.db(this.database)) };
      },
      async (error: unknown) => {
        if (this.connecting === attempt) this.connecting = undefined;
        this.failure = error;
        await client.close().catch(() => {});
        // Keep trying in the background, so that recovery needs no request to notice it.
        const again = () => {
          if (!this.closed && !this.connecting) void this.connect().catch(() => {});
        };
        if (!this.closed) this.retry = setTimeout(again, RECONNECT_DELAY_MS).unref();
        throw error;
      },
    );
    this.connecting = attempt;
    return attempt;
  }
}

/** Runs a store call against the adapter's collections, with errors translated and a deadline. */
export type StoreCall<C> = <T>(operation: string, call: (collections: C) => Promise<T>) => Promise<T>;

/**
 * Rejects with BackendUnavailableError once `ms` have passed, whatever the
 * driver is doing (a frozen server otherwise costs a socket timeout per read
 * retry). The abandoned call settles later on its own; its outcome is ignored.
 */
export async function withDeadline<T>(operation: string, ms: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BackendUnavailableError(`mongo: ${operation} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([call(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The database named in the connection string's path, if any. */
export function databaseInUrl(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
