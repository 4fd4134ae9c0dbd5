import { types } from 'cassandra-driver';
import type { Usage, UsageInput, UsageStore } from '../../core/workloads/usages/index.ts';
import type { CassandraSession } from './cassandra-connection.ts';
import type { Statements } from './schema.ts';

/** A version-1 (time-based) UUID, the only kind a timeuuid column accepts; anything else cannot be ours. */
const TIMEUUID = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The row values of one usage; the id is a timeuuid made by the client (no read, no coordination). */
export function usageParams(usage: UsageInput, id = types.TimeUuid.now()): unknown[] {
  return [id, usage.patientId, usage.timestamp, usage.medication];
}

/** Usages by timeuuid: one partition per usage, written at the session's consistency level. */
export class CassandraUsageStore implements UsageStore {
  constructor(
    private readonly session: CassandraSession,
    private readonly cql: Statements,
  ) {}

  async record(usage: UsageInput): Promise<string> {
    const id = types.TimeUuid.now();
    await this.session.execute('record usage', { query: this.cql.insertUsage, params: usageParams(usage, id) });
    return id.toString();
  }

  async get(id: string): Promise<Usage | undefined> {
    if (!TIMEUUID.test(id)) return undefined;
    const result = await this.session.execute('get usage', {
      query: this.cql.selectUsage,
      params: [types.TimeUuid.fromString(id.toLowerCase())],
    });
    const row = result.first();
    if (!row) return undefined;
    return {
      id,
      patientId: row.patient_id as string,
      timestamp: row.usage_timestamp as string,
      medication: row.medication as string,
    };
  }
}
