import type { QueryPool } from './postgres-hosts.ts';
import type { OverviewRecord, OverviewStore, OverviewUpdate } from '../../core/workloads/overview/index.ts';
import { guarded } from './postgres-errors.ts';
import { isInt4 } from './ids.ts';

const COLUMNS = `game_id, game_name, description, to_char(release_date, 'YYYY-MM-DD') AS release_date,
  developer, publisher, tags`;

const GET = { name: 'overview_get', text: `SELECT ${COLUMNS} FROM overview WHERE game_id = $1` };
const CREATE = {
  name: 'overview_create',
  text: `INSERT INTO overview (game_id, game_name, description, release_date, developer, publisher, tags)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
};
const REPLACE = {
  name: 'overview_replace',
  text: `UPDATE overview SET game_name = $2, description = $3, release_date = $4, developer = $5,
         publisher = $6, tags = $7 WHERE game_id = $1`,
};
const REMOVE = { name: 'overview_remove', text: 'DELETE FROM overview WHERE game_id = $1' };

function values(gameId: number, r: OverviewUpdate): unknown[] {
  return [gameId, r.game_name, r.description, r.release_date, r.developer, r.publisher, r.tags];
}

export class PostgresOverviewStore implements OverviewStore {
  constructor(
    private readonly pool: QueryPool,
    /** Where reads go: the same pool, or one that prefers a hot standby. */
    private readonly reads: QueryPool = pool,
  ) {}

  get(gameId: number): Promise<OverviewRecord | undefined> {
    if (!isInt4(gameId)) return Promise.resolve(undefined);
    return guarded('get overview', async () => {
      const { rows } = await this.reads.query<OverviewRecord>({ ...GET, values: [gameId] });
      return rows[0];
    });
  }

  create(record: OverviewRecord): Promise<void> {
    // Unique violation of the primary key -> ConflictError (409), via guarded().
    return guarded(`create overview ${record.game_id}`, async () => {
      await this.pool.query({ ...CREATE, values: values(record.game_id, record) });
    });
  }

  replace(gameId: number, update: OverviewUpdate): Promise<boolean> {
    if (!isInt4(gameId)) return Promise.resolve(false);
    return guarded('replace overview', async () => {
      const result = await this.pool.query({ ...REPLACE, values: values(gameId, update) });
      return result.rowCount === 1;
    });
  }

  remove(gameId: number): Promise<boolean> {
    if (!isInt4(gameId)) return Promise.resolve(false);
    return guarded('remove overview', async () => {
      const result = await this.pool.query({ ...REMOVE, values: [gameId] });
      return result.rowCount === 1;
    });
  }
}
