import { ConflictError } from '../../core/errors.ts';
import type { OverviewRecord, OverviewStore, OverviewUpdate } from '../../core/workloads/overview/index.ts';
import { drain, type Progress } from './bulk-loader.ts';

/** Overview records in a map; records are copied in and out so callers never share them. */
export class MemoryOverviewStore implements OverviewStore {
  private rows = new Map<number, OverviewRecord>();

  async get(gameId: number): Promise<OverviewRecord | undefined> {
    const row = this.rows.get(gameId);
    return row && { ...row, tags: [...row.tags] };
  }
  async create(record: OverviewRecord): Promise<void> {
    if (this.rows.has(record.game_id)) throw new ConflictError(`game ${record.game_id} exists`);
    this.rows.set(record.game_id, { ...record, tags: [...record.tags] });
  }
  async replace(gameId: number, update: OverviewUpdate): Promise<boolean> {
    if (!this.rows.has(gameId)) return false;
    this.rows.set(gameId, { game_id: gameId, ...update, tags: [...update.tags] });
    return true;
  }
  async remove(gameId: number): Promise<boolean> {
    return this.rows.delete(gameId);
  }
  load(rows: AsyncIterable<OverviewRecord>, progress: Progress) {
    return drain(rows, 'overview', progress, (row) => this.rows.set(row.game_id, row));
  }
  clear() {
    this.rows.clear();
  }
}
