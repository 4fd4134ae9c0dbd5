import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LoadProgress } from '../../backend.ts';
import { assertError, BAD_IDS } from '../../conformance/client.ts';
import { assertUnstorableTextRejected } from '../../conformance/text.ts';
import type { WorkloadConformance } from '../../conformance/workload-conformance.ts';
import { loadFixtures, OVERVIEW_COUNT, overviewRecords, overviewRows } from './fixtures.ts';
import type { OverviewRecord } from './types.ts';

/** The record the outage behaviours write and read back; any earlier copy is deleted first. */
const OUTAGE_RECORD: OverviewRecord = {
  game_id: 4242,
  game_name: 'g',
  description: 'd',
  release_date: '2020-01-01',
  developer: 'dev',
  publisher: 'pub',
  tags: [],
};

/** The overview's behaviours: the games CRUD API over HTTP, its store's answers for missing ids, its bulk load. */
export const conformance: WorkloadConformance = {
  loadFixtures,

  behaviours({ http, backend }) {
    describe('overview', () => {
      const record = (id: number) => ({
        game_id: id,
        game_name: `New game ${id}`,
        description: 'Fresh',
        release_date: '2024-02-29',
        developer: 'Dev',
        publisher: 'Pub',
        tags: ['RPG', 'Indie'],
      });

      test('GET returns the seeded record exactly', async () => {
        for (const id of [1, 7, 8, 9, OVERVIEW_COUNT]) {
          const reply = await http('GET', `/api/overview/${id}`);
          assert.equal(reply.status, 200);
          assert.deepEqual(reply.body, overviewRecords[id - 1]);
        }
      });

      test('404 for unknown ids, 400 naming gameId for bad ones', async () => {
        assertError(await http('GET', '/api/overview/999999'), 404);
        for (const bad of BAD_IDS) assertError(await http('GET', `/api/overview/${bad}`), 400, 'gameId');
        assertError(await http('PUT', '/api/overview/abc', record(1)), 400, 'gameId');
        assertError(await http('DELETE', '/api/overview/-1'), 400, 'gameId');
      });

      test('POST creates with 201 and a Location header; GET reads it back', async () => {
        const created = await http('POST', '/api/overview', record(1001));
        assert.equal(created.status, 201);
        assert.equal(created.headers.get('location'), '/api/overview/1001');
        assert.deepEqual(created.body, record(1001));
        assert.deepEqual((await http('GET', '/api/overview/1001')).body, record(1001));
      });

      test('POST of an existing id is 409 and changes nothing', async () => {
        assertError(await http('POST', '/api/overview', { ...record(2), game_name: 'Overwritten?' }), 409);
        assert.deepEqual((await http('GET', '/api/overview/2')).body, overviewRecords[1]);
      });

      test('concurrent POSTs of one id: exactly one 201', async () => {
        const replies = await Promise.all(
          Array.from({ length: 8 }, (_, i) => http('POST', '/api/overview', { ...record(1002), developer: `D${i}` })),
        );
        const statuses = replies.map((r) => r.status).sort();
        assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
        const winner = replies.find((r) => r.status === 201)!.body;
        assert.deepEqual((await http('GET', '/api/overview/1002')).body, winner);
      });

      for (const [label, body, field] of [
        ['missing game_name', (({ game_name: _, ...rest }) => rest)(record(1003)), 'game_name'],
        ['game_id as a string', { ...record(1003), game_id: '1003' }, 'game_id'],
        ['game_id not an integer', { ...record(1003), game_id: 1.5 }, 'game_id'],
        ['game_id too large', { ...record(1003), game_id: 2147483648 }, 'game_id'],
        ['tags not an array', { ...record(1003), tags: 'RPG' }, 'tags'],
        ['a tag of the wrong type', { ...record(1003), tags: ['a', 'b', 3] }, 'tags.2'],
        ['an impossible date', { ...record(1003), release_date: '2023-02-29' }, 'release_date'],
        ['a date in the wrong format', { ...record(1003), release_date: '29/02/2024' }, 'release_date'],
        ['the year 0000 (PostgreSQL has none)', { ...record(1003), release_date: '0000-01-01' }, 'release_date'],
        ['an unknown field', { ...record(1003), rating: 5 }, 'rating'],
      ] as const) {
        test(`POST: 400 naming the field for ${label}`, async () => {
          assertError(await http('POST', '/api/overview', body), 400, field);
          assertError(await http('GET', '/api/overview/1003'), 404);
        });
      }

      test('POST and PUT: 400 naming the field for text no backend stores as given, nothing written', async () => {
        const { game_id: _, ...update } = record(1003);
        const fields = (base: object) => ({
          game_name: (text: string) => ({ ...base, game_name: text }),
          description: (text: string) => ({ ...base, description: text }),
          developer: (text: string) => ({ ...base, developer: text }),
          publisher: (text: string) => ({ ...base, publisher: text }),
          'tags.1': (text: string) => ({ ...base, tags: ['ok', text] }),
        });
        await assertUnstorableTextRejected(http, 'POST', '/api/overview', fields(record(1003)), async () =>
          assertError(await http('GET', '/api/overview/1003'), 404),
        );
        await assertUnstorableTextRejected(http, 'PUT', '/api/overview/1', fields(update), async () =>
          assert.deepEqual((await http('GET', '/api/overview/1')).body, overviewRecords[0]),
        );
      });

      test('dates at the ends of 0001..9999 and in the Julian-Gregorian gap, and any Unicode text, round-trip', async () => {
        for (const [id, release_date] of [
          [1011, '0001-01-01'],
          [1012, '9999-12-31'],
          [1013, '1582-10-10'],
        ] as const) {
          const body = { ...record(id), release_date, game_name: '\u{1F3AE} \uFFFD \u2028', tags: ['\u{1D11E}'] };
          assert.equal((await http('POST', '/api/overview', body)).status, 201, release_date);
          assert.deepEqual((await http('GET', `/api/overview/${id}`)).body, body);
        }
      });

      test('POST: 400 for malformed JSON, 415 for a form body, 413 for an oversized body', async () => {
        assertError(await http('POST', '/api/overview', '{"game_id":'), 400);
        assertError(
          await http('POST', '/api/overview', 'game_id=1', { 'content-type': 'application/x-www-form-urlencoded' }),
          415,
        );
        assertError(await http('POST', '/api/overview', { ...record(1004), description: 'x'.repeat(70_000) }), 413);
      });

      test('PUT replaces an existing record; the game_id in the body is optional but must match', async () => {
        const { game_id: _, ...update } = { ...record(3), game_name: 'Replaced', tags: [] };
        const replaced = await http('PUT', '/api/overview/3', update);
        assert.equal(replaced.status, 200);
        assert.deepEqual(replaced.body, { game_id: 3, ...update });
        assert.deepEqual((await http('GET', '/api/overview/3')).body, { game_id: 3, ...update });
        assert.equal((await http('PUT', '/api/overview/3', { ...update, game_id: 3 })).status, 200);
        assertError(await http('PUT', '/api/overview/3', { ...update, game_id: 4 }), 400, 'game_id');
        assertError(await http('PUT', '/api/overview/3', { ...update, tags: [1] }), 400, 'tags.0');
      });

      test('PUT on a missing id is 404 and creates nothing', async () => {
        const { game_id: _, ...update } = record(5555);
        assertError(await http('PUT', '/api/overview/5555', update), 404);
        assertError(await http('GET', '/api/overview/5555'), 404);
      });

      test('DELETE is 204, then 404; the id can be created again', async () => {
        const first = await http('DELETE', '/api/overview/4');
        assert.equal(first.status, 204);
        assert.equal(first.body, '');
        assertError(await http('GET', '/api/overview/4'), 404);
        assertError(await http('DELETE', '/api/overview/4'), 404);
        assertError(await http('PUT', '/api/overview/4', (({ game_id: _, ...u }) => u)(record(4))), 404);
        assert.equal((await http('POST', '/api/overview', record(4))).status, 201);
        assert.deepEqual((await http('GET', '/api/overview/4')).body, record(4));
      });

      test('an unsupported method on a record is a JSON 405 naming the methods it has', async () => {
        const reply = await http('PATCH', '/api/overview/1', {});
        assertError(reply, 405);
        assert.equal(reply.headers.get('allow'), 'GET, PUT, DELETE, HEAD, OPTIONS');
      });

      test('store: replace and remove of a missing id are false and write nothing', async () => {
        const update = {
          game_name: 'x',
          description: '',
          release_date: '0999-12-31',
          developer: '',
          publisher: '',
          tags: [],
        };
        const store = backend().overview;
        assert.equal(await store.replace(777_777, update), false);
        assert.equal(await store.get(777_777), undefined);
        assert.equal(await store.remove(777_777), false);
        await store.create({ game_id: 777_777, ...update });
        assert.deepEqual(await store.get(777_777), { game_id: 777_777, ...update });
      });
    });
  },

  loads({ backend, optOut }) {
    describe('overview', () => {
      test('rows land with their tags, progress is reported', async () => {
        await backend().reset();
        const progress: LoadProgress[] = [];
        const report = await backend().load.overview(overviewRows(25), { onProgress: (p) => progress.push(p) });
        assert.deepEqual(report.rows, { overview: 25 });
        assert.deepEqual(progress.at(-1), { table: 'overview', rows: 25, done: true });
        assert.deepEqual(await backend().overview.get(25), {
          game_id: 25,
          game_name: 'G25',
          description: 'd',
          release_date: '2020-01-01',
          developer: 'dev',
          publisher: 'pub',
          tags: ['t1', 'x'],
        });
        assert.deepEqual((await backend().overview.get(24))?.tags, []);
      });

      test('an aborted load rejects and writes nothing', { skip: optOut('aborted-load-writes-nothing') }, async () => {
        const controller = new AbortController();
        controller.abort();
        await assert.rejects(backend().load.overview(overviewRows(100, 1000), { signal: controller.signal }));
        assert.equal(await backend().overview.get(1099), undefined);
      });
    });
  },

  storeRequests: [
    { method: 'GET', path: '/api/overview/1' },
    { method: 'POST', path: '/api/overview', body: overviewRecords[0] },
    { method: 'PUT', path: '/api/overview/1', body: (({ game_id: _, ...update }) => update)(overviewRecords[0]!) },
  ],
  invalidRequests: [
    { method: 'GET', path: '/api/overview/abc', field: 'gameId' },
    { method: 'POST', path: '/api/overview', body: { ...overviewRecords[0], tags: 'RPG' }, field: 'tags' },
    {
      method: 'POST',
      path: '/api/overview',
      body: { ...overviewRecords[0], game_name: 'a\ud800' },
      field: 'game_name',
    },
  ],

  async writeAndReadBack(http) {
    const { status } = await http('DELETE', `/api/overview/${OUTAGE_RECORD.game_id}`);
    assert.ok(status === 204 || status === 404, `DELETE answered ${status}`);
    assert.equal((await http('POST', '/api/overview', OUTAGE_RECORD)).status, 201);
    return async () => {
      const read = await http('GET', `/api/overview/${OUTAGE_RECORD.game_id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, OUTAGE_RECORD);
    };
  },

  async lifecycle(http) {
    return {
      async kept() {
        assert.deepEqual((await http('GET', '/api/overview/1')).body, overviewRecords[0]);
      },
      async emptied() {
        assertError(await http('GET', '/api/overview/1'), 404);
        // The store works again after a reset, from empty.
        assert.equal((await http('POST', '/api/overview', { ...overviewRecords[0]!, game_id: 1 })).status, 201);
      },
    };
  },
};
