import type { W } from 'mongodb';
import type { Backend } from '../../core/backend.ts';
import { MongoCatalogStore } from './catalog-store.ts';
import { createMongoBulkLoader, type BulkTuning } from './bulk-loader.ts';
import { collectionsOf, type MongoCollections } from './documents.ts';
import { databaseInUrl, MongoConnection, withDeadline, type StoreCall } from './mongo-connection.ts';
import { guarded } from './mongo-errors.ts';
import { MongoOverviewStore } from './overview-store.ts';
import { migrateCollections } from './schema.ts';
import { describeServer } from './server-version.ts';
import { MongoUsageStore } from './usage-store.ts';

/** Options of `createMongoBackend`; every timeout has a default so no request can hang. */
export interface MongoBackendConfig {
  /** Connection string, e.g. `mongodb://127.0.0.1:27017/storebench`. */
  url: string;
  /** Database name; default: the one in the URL, else `storebench`. */
  database?: string;
  /** Acknowledgement of every write; default `{ w: 'majority', j: true }` (survives a crash); a part given alone keeps the other's default. */
  writeConcern?: { w?: number | 'majority'; j?: boolean };
  /** Connections per client; default 20. */
  maxPoolSize?: number;
  /** How long a call waits for a reachable server before failing with 503; default 2000 ms. */
  serverSelectionTimeoutMS?: number;
  /** How long a store call waits on a silent socket; default 5000 ms (bulk loads and migrations allow 120 s). */
  socketTimeoutMS?: number;
  /** Upper bound on one store call, connecting and driver retries included; default 5000 ms. */
  operationTimeoutMS?: number;
  /** Bulk load batching; default 1000 rows per batch, 2 batches awaiting acknowledgement per table stream. */
  bulk?: Partial<BulkTuning>;
}

const DEFAULTS = {
  writeConcern: { w: 'majority' as W, j: true },
  maxPoolSize: 20,
  serverSelectionTimeoutMS: 2000,
  socketTimeoutMS: 5000,
  operationTimeoutMS: 5000,
  bulkSocketTimeoutMS: 120_000,
  bulk: { batchSize: 1000, batchesInFlight: 2 },
};

/**
 * A Backend on MongoDB (written for MongoDB 7; README.md lists what differs on
 * the stand-in servers it was tested on). Creating it does not connect: the
 * first call does, and calls fail fast with BackendUnavailableError while the
 * server is unreachable, recovering by themselves once it is back.
 */
export function createMongoBackend(config: MongoBackendConfig): Backend {
  const database = config.database ?? databaseInUrl(config.url) ?? 'storebench';
  const writeConcern = { ...DEFAULTS.writeConcern, ...config.writeConcern };
  const tuning: BulkTuning = { ...DEFAULTS.bulk, ...config.bulk };
  if (!(tuning.batchSize >= 1 && tuning.batchesInFlight >= 1))
    throw new TypeError('mongo: bulk batch sizes must be >= 1');
  const serverSelectionTimeoutMS = config.serverSelectionTimeoutMS ?? DEFAULTS.serverSelectionTimeoutMS;

  const connect = (socketTimeoutMS: number) =>
    new MongoConnection(
      config.url,
      {
        appName: 'storebench',
        maxPoolSize: config.maxPoolSize ?? DEFAULTS.maxPoolSize,
        serverSelectionTimeoutMS,
        connectTimeoutMS: serverSelectionTimeoutMS,
        // Calls fail fast while the monitor knows no reachable server (mongo-connection.ts): it checks each second.
        heartbeatFrequencyMS: 1000,
        socketTimeoutMS,
        writeConcern: { w: writeConcern.w, journal: writeConcern.j },
        ignoreUndefined: true,
      },
      database,
      collectionsOf,
    );
  // Store calls get short socket timeouts; loads and index builds a client of their own with a long one.
  const stores = connect(config.socketTimeoutMS ?? DEFAULTS.socketTimeoutMS);
  const bulk = connect(DEFAULTS.bulkSocketTimeoutMS);
  const deadlineMS = config.operationTimeoutMS ?? DEFAULTS.operationTimeoutMS;
  const run: StoreCall<MongoCollections> = (operation, call) =>
    withDeadline(operation, deadlineMS, async () => {
      const collections = await stores.handles();
      return guarded(operation, () => call(collections));
    });

  const migrate = async () => {
    const on = await bulk.handles();
    await migrateCollections(on.products.db);
  };

  return {
    name: 'mongo',
    usages: new MongoUsageStore(run),
    catalog: new MongoCatalogStore(run),
    overview: new MongoOverviewStore(run),
    load: createMongoBulkLoader(() => bulk.handles(), tuning),
    migrate,
    /** Drops every collection (O(1) whatever the row count) and recreates them with their indexes. */
    reset: async () => {
      const on = await bulk.handles();
      for (const collection of Object.values(on)) await guarded('reset', () => collection.drop());
      await migrate();
    },
    ping: () =>
      withDeadline('ping', deadlineMS, async () => {
        const admin = await stores.admin();
        await guarded('ping', () => admin.command({ ping: 1 }));
      }),
    serverVersion: () =>
      withDeadline('serverVersion', deadlineMS, async () => {
        const admin = await stores.admin();
        return guarded('serverVersion', () => describeServer(admin));
      }),
    close: async () => {
      await Promise.all([stores.close(), bulk.close()]);
    },
  };
}
