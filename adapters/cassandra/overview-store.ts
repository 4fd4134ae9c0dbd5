import { types } from 'cassandra-driver';
import { ConflictError } from '../../core/errors.ts';
import type { OverviewRecord, OverviewStore, OverviewUpdate } from '../../core/workloads/overview/index.ts';
import { isUnknownCasOutcome } from './cassandra-errors.ts';
import type { CassandraSession } from './cassandra-connection.ts';
import type { Statements } from './schema.ts';

/** The bound values of an overview row, in column order (game_id first). */
export function overviewParams(record: OverviewRecord): unknown[] {
  return [record.game_id, ...updateParams(record)];
}

function updateParams(update: OverviewUpdate): unknown[] {
  return [
    update.game_name,
    update.description,
    types.LocalDate.fromString(update.release_date),
    update.developer,
    update.publisher,
    update.tags,
  ];
}

function toRecord(row: types.Row): OverviewRecord {
  const date = row.release_date as types.LocalDate;
  return {
    game_id: row.game_id as number,
    game_name: row.game_name as string,
    description: row.description as string,
    release_date: `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`,
    developer: row.developer as string,
    publisher: row.publisher as string,
    // A frozen empty list reads back as null.
    tags: (row.tags as string[] | null) ?? [],
  };
}

/**
 * Overview CRUD. Every write that must know whether the row exists is a
 * lightweight transaction (Paxos: about four round trips to the replicas instead
 * of one, and serialised per partition), because a read-then-write would let a
 * concurrent DELETE slip in and PUT would resurrect the row. Mixing LWT and plain
 * writes on one row is unsafe, so create, replace and remove are all LWTs; only
 * the bulk loader (no concurrent API writes) writes plainly.
 */
export class CassandraOverviewStore implements OverviewStore {
  constructor(
    private readonly session: CassandraSession,
    private readonly cql: Statements,
  ) {}

  async get(gameId: number): Promise<OverviewRecord | undefined> {
    const row = (
      await this.session.execute('get overview', { query: this.cql.selectOverview, params: [gameId] })
    ).first();
    return row ? toRecord(row) : undefined;
  }

  async create(record: OverviewRecord): Promise<void> {
    const statement = { query: this.cql.createOverview, params: overviewParams(record) };
    let result: types.ResultSet;
    try {
      result = await this.session.execute('create overview', statement);
    } catch (error) {
      // Paxos contention timed out with the outcome unknown: ask again. If the row
      // now holds exactly our values, our first attempt is what committed.
      if (!isUnknownCasOutcome(error)) throw error;
      result = await this.session.execute('create overview', statement);
      const existing = result.wasApplied() ? undefined : result.first();
      if (existing && sameRecord(toRecord(existing), record)) return;
    }
    if (!result.wasApplied()) throw new ConflictError(`overview ${record.game_id} already exists`);
  }

  async replace(gameId: number, update: OverviewUpdate): Promise<boolean> {
    const statement = { query: this.cql.replaceOverview, params: [...updateParams(update), gameId] };
    try {
      return (await this.session.execute('replace overview', statement)).wasApplied();
    } catch (error) {
      // Writing the same values again is harmless, so an unknown outcome is simply retried once.
      if (!isUnknownCasOutcome(error)) throw error;
      return (await this.session.execute('replace overview', statement)).wasApplied();
    }
  }

  async remove(gameId: number): Promise<boolean> {
    return (
      await this.session.execute('remove overview', { query: this.cql.deleteOverview, params: [gameId] })
    ).wasApplied();
  }
}

const FIELDS = ['game_id', 'game_name', 'description', 'release_date', 'developer', 'publisher'] as const;

function sameRecord(a: OverviewRecord, b: OverviewRecord): boolean {
  return (
    FIELDS.every((field) => a[field] === b[field]) &&
    a.tags.join('\u0000') === b.tags.join('\u0000') &&
    a.tags.length === b.tags.length
  );
}
