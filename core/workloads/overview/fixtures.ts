import assert from 'node:assert/strict';
import type { Backend } from '../../backend.ts';
import { AWKWARD, iterate } from '../../conformance/rows.ts';
import type { OverviewRecord } from './types.ts';

/** Records with awkward text, a multi-line description, awkward and empty tag lists. */
export const OVERVIEW_COUNT = 20;
export const overviewRecords: OverviewRecord[] = Array.from({ length: OVERVIEW_COUNT }, (_, i) => {
  const id = i + 1;
  return {
    game_id: id,
    game_name: id === 7 ? AWKWARD : `Game ${id}`,
    description: id === 8 ? 'line one\nline two\ttabbed' : `About game ${id}`,
    release_date: `20${String(10 + (id % 10)).padStart(2, '0')}-0${(id % 9) + 1}-1${id % 10}`,
    developer: `Studio ${id % 4}`,
    publisher: `Publisher ${id % 3}`,
    tags:
      id === 7
        ? ['"quoted"', 'comma,tag', '{brace}', 'back\\slash', 'NULL', '\u00e9t\u00e9']
        : id === 9
          ? []
          : ['Action', `Tag ${id}`],
  };
});

/** Loads the fixtures into a migrated, reset backend and checks the load report. */
export async function loadFixtures(backend: Backend): Promise<void> {
  const report = await backend.load.overview(iterate(overviewRecords));
  assert.deepEqual(report.rows, { overview: OVERVIEW_COUNT }, 'overview load reports its rows');
}

/** `count` plain records from `firstId` on; odd ids have two tags, even ids none. */
export async function* overviewRows(count: number, firstId = 1): AsyncIterable<OverviewRecord> {
  for (let id = firstId; id < firstId + count; id++) {
    yield {
      game_id: id,
      game_name: `G${id}`,
      description: 'd',
      release_date: '2020-01-01',
      developer: 'dev',
      publisher: 'pub',
      tags: id % 2 ? [`t${id % 3}`, 'x'] : [],
    };
  }
}
