import { ObjectId } from 'mongodb';
import type { Usage, UsageInput, UsageStore } from '../../core/workloads/usages/index.ts';
import type { MongoCollections, UsageDocument } from './documents.ts';
import type { StoreCall } from './mongo-connection.ts';

/** The only ids this adapter hands out: an ObjectId in lower-case hex. */
const OBJECT_ID_HEX = /^[0-9a-f]{24}$/;

export class MongoUsageStore implements UsageStore {
  constructor(private readonly run: StoreCall<MongoCollections>) {}

  /** One insert acknowledged with the client's write concern (default `w: majority, j: true`). */
  async record(usage: UsageInput): Promise<string> {
    const document = toDocument(usage);
    await this.run('usages.record', ({ usages }) => usages.insertOne(document));
    return document._id.toHexString();
  }

  async get(id: string): Promise<Usage | undefined> {
    // Anything but our own id form is unknown; it never reaches a query.
    if (typeof id !== 'string' || !OBJECT_ID_HEX.test(id)) return undefined;
    const found = await this.run('usages.get', ({ usages }) =>
      usages.findOne({ _id: ObjectId.createFromHexString(id) }),
    );
    if (!found) return undefined;
    return { id, patientId: found.patientId, timestamp: found.timestamp, medication: found.medication };
  }
}

/** Copies the three typed fields only, so nothing else a caller attached is stored. */
export function toDocument(usage: UsageInput): UsageDocument {
  return {
    _id: new ObjectId(),
    patientId: String(usage.patientId),
    timestamp: String(usage.timestamp),
    medication: String(usage.medication),
  };
}
