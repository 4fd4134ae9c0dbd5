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
