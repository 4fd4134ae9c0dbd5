import { MongoServerError, type Db } from 'mongodb';
import { COLLECTIONS } from './documents.ts';
import { guarded } from './mongo-errors.ts';

/** Secondary indexes, by collection (every collection also has its `_id` index). */
const INDEXES = [{ collection: COLLECTIONS.products, name: 'pos_unique', key: { pos: 1 }, unique: true }] as const;

/**
 * Creates every collection and index that is missing: the only place that does.
 * createIndex with the same name, key and options is a no-op on an existing index, so this is idempotent.
 */
export async function migrateCollections(db: Db): Promise<void> {
  const existing = new Set(
    (await guarded('migrate', () => db.listCollections({}, { nameOnly: true }).toArray())).map((c) => c.name),
  );
  for (const name of Object.values(COLLECTIONS)) {
    if (!existing.has(name)) await guarded('migrate', () => createCollection(db, name));
  }
  for (const index of INDEXES) {
    await guarded('migrate', () =>
      db.collection(index.collection).createIndex(index.key, { name: index.name, unique: index.unique }),
    );
  }
}

/** Creates a collection; one created meanwhile by a concurrent migrate is fine (NamespaceExists, code 48). */
async function createCollection(db: Db, name: string): Promise<void> {
  try {
    await db.createCollection(name);
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === 48)) throw error;
  }
}
