import type { OverviewRecord, OverviewUpdate } from './types.ts';

/** Storage port of the overview workload (CRUD). */
export interface OverviewStore {
  get(gameId: number): Promise<OverviewRecord | undefined>;
  /** Insert; throws ConflictError when the game_id exists. Resolves only once committed. */
  create(record: OverviewRecord): Promise<void>;
  /** Full replace of an existing record; false (and no write) when it does not exist. */
  replace(gameId: number, update: OverviewUpdate): Promise<boolean>;
  /** Delete; false when there was nothing to delete. */
  remove(gameId: number): Promise<boolean>;
}
