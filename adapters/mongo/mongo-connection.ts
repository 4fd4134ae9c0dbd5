import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import { BackendUnavailableError } from '../../core/errors.ts';
import { guarded } from './mongo-errors.ts';

interface Connected<T> {
  client: MongoClient;
  handles: T;
}

/**
 * One MongoClient, connected on first use, with handles (collections) built once
 * per client. The driver reconnects by itself once a client has connected, but a
 * client whose *first* connect fails keeps a closed topology for good ("Topology
 * is closed"), so a backend started while the server is down would never recover.
 * Here a failed connect discards that client and the next call starts a fresh one.
 */
export class MongoConnection<T> {
  private connecting: Promise<Connected<T>> | undefined;
  private closed = false;

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
    const pending = this.connecting;
    this.connecting = undefined;
    const connected = await pending?.catch(() => undefined);
    await connected?.client.close();
  }

  private connected(): Promise<Connected<T>> {
    if (this.closed) return Promise.reject(new BackendUnavailableError('mongo: backend is closed'));
    if (!this.connecting) {
      const client = new MongoClient(this.url, this.options);
      const attempt: Promise<Connected<T>> = guarded('connect', () => client.connect()).then(
        () => ({ client, handles: this.prepare(client.db(this.database)) }),
        async (error: unknown) => {
          if (this.connecting === attempt) this.connecting = undefined;
          await client.close().catch(() => {});
          throw error;
        },
      );
      this.connecting = attempt;
    }
    return this.connecting;
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
