import type { QueryPool } from './postgres-hosts.ts';
import type { Usage, UsageInput, UsageStore } from '../../core/workloads/usages/index.ts';
import { guarded } from './postgres-errors.ts';

const RECORD = {
  name: 'usages_record',
  text: 'INSERT INTO usages (patient_id, recorded_at, medication) VALUES ($1, $2, $3) RETURNING id::text AS id',
};
const GET = {
  name: 'usages_get',
  text: 'SELECT id::text AS id, patient_id, recorded_at, medication FROM usages WHERE id = $1',
};

const MAX_BIGINT = 9_223_372_036_854_775_807n;
const DECIMAL_ID = /^[1-9][0-9]{0,18}$/;

/** Ids are a bigint identity rendered in decimal; anything else can never name a row. */
function isUsageId(id: string): boolean {
  return DECIMAL_ID.test(id) && BigInt(id) <= MAX_BIGINT;
}

export class PostgresUsageStore implements UsageStore {
  constructor(
    private readonly pool: QueryPool,
    /** Where reads go: the same pool, or one that prefers a hot standby. */
    private readonly reads: QueryPool = pool,
  ) {}

  record(usage: UsageInput): Promise<string> {
    // A single-statement INSERT commits before it returns: the id is only handed out once durable.
    return guarded('record usage', async () => {
      const { rows } = await this.pool.query<{ id: string }>({
        ...RECORD,
        values: [usage.patientId, usage.timestamp, usage.medication],
      });
      return rows[0]!.id;
    });
  }

  get(id: string): Promise<Usage | undefined> {
    if (!isUsageId(id)) return Promise.resolve(undefined);
    return guarded('get usage', async () => {
      const { rows } = await this.reads.query<{
        id: string;
        patient_id: string;
        recorded_at: string;
        medication: string;
      }>({ ...GET, values: [id] });
      const row = rows[0];
      return row && { id: row.id, patientId: row.patient_id, timestamp: row.recorded_at, medication: row.medication };
    });
  }
}
