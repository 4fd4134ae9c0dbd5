import type { OverviewRecord, OverviewStore, OverviewUpdate } from '../../core/workloads/overview/index.ts';
import type { MongoCollections, OverviewDocument } from './documents.ts';
import type { StoreCall } from './mongo-connection.ts';

export class MongoOverviewStore implements OverviewStore {
  constructor(private readonly run: StoreCall<MongoCollections>) {}

  async get(gameId: number): Promise<OverviewRecord | undefined> {
    const id = gameIdKey(gameId);
    if (id === undefined) return undefined;
    const found = await this.run('overview.get', ({ overview }) => overview.findOne({ _id: id }));
    return found ? fromDocument(found) : undefined;
  }

  /** The `_id` index makes a second create of the same game a duplicate key (-> ConflictError). */
  async create(record: OverviewRecord): Promise<void> {
    const document = toDocument(record);
    await this.run('overview.create', ({ overview }) => overview.insertOne(document));
  }

  async replace(gameId: number, update: OverviewUpdate): Promise<boolean> {
    const id = gameIdKey(gameId);
    if (id === undefined) return false;
    const { _id, ...replacement } = toDocument({ game_id: id, ...update });
    const result = await this.run('overview.replace', ({ overview }) => overview.replaceOne({ _id }, replacement));
    return result.matchedCount === 1;
  }

  async remove(gameId: number): Promise<boolean> {
    const id = gameIdKey(gameId);
    if (id === undefined) return false;
    const result = await this.run('overview.remove', ({ overview }) => overview.deleteOne({ _id: id }));
    return result.deletedCount === 1;
  }
}

/** A game id usable as a key: a positive safe integer, never an object that could act as an operator. */
function gameIdKey(gameId: number): number | undefined {
  return Number.isSafeInteger(gameId) && gameId > 0 ? gameId : undefined;
}

/** Copies the typed fields only (strings coerced, tags copied) so no caller object reaches the server. */
export function toDocument(record: OverviewRecord): OverviewDocument {
  const id = gameIdKey(record.game_id);
  if (id === undefined)
    throw new TypeError(`overview: game_id must be a positive integer, got ${String(record.game_id)}`);
  return {
    _id: id,
    game_name: String(record.game_name),
    description: String(record.description),
    release_date: String(record.release_date),
    developer: String(record.developer),
    publisher: String(record.publisher),
    tags: Array.from(record.tags, (tag) => String(tag)),
  };
}

function fromDocument(document: OverviewDocument): OverviewRecord {
  return {
    game_id: document._id,
    game_name: document.game_name,
    description: document.description,
    release_date: document.release_date,
    developer: document.developer,
    publisher: document.publisher,
    tags: document.tags,
  };
}
