import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertError, type HttpCall } from '../../conformance/client.ts';
import { assertUnstorableTextRejected } from '../../conformance/text.ts';
import type { WorkloadConformance } from '../../conformance/workload-conformance.ts';
import { loadFixtures, usageInputs } from './fixtures.ts';

const valid = { patientId: '100', timestamp: 'Tue Nov 01 2016 09:11:51 GMT-0500 (CDT)', medication: 'Albuterol' };

/** Records a usage through the API; returns its id, checked to read back. */
async function recordUsage(http: HttpCall): Promise<string> {
  const created = await http('POST', '/api/usages', valid);
  assert.equal(created.status, 201);
  const { id } = created.body as { id: string };
  assert.deepEqual((await http('GET', `/api/usages/${id}`)).body, { id, ...valid });
  return id;
}

/** The usages' behaviours: the write-ingest API over HTTP. */
export const conformance: WorkloadConformance = {
  loadFixtures,

  behaviours({ http }) {
    describe('usages', () => {
      test('POST then GET round trip', async () => {
        const created = await http('POST', '/api/usages', valid);
        assert.equal(created.status, 201);
        const { id } = created.body as { id: string };
        assert.match(id, /^[A-Za-z0-9-]{1,64}$/);
        const read = await http('GET', `/api/usages/${id}`);
        assert.equal(read.status, 200);
        assert.deepEqual(read.body, { id, ...valid });
      });

      test('awkward text survives the round trip', async () => {
        const input = usageInputs[2]!;
        const created = await http('POST', '/api/usages', input);
        const { id } = created.body as { id: string };
        assert.deepEqual((await http('GET', `/api/usages/${id}`)).body, { id, ...input });
      });

      test('concurrent writes are all acknowledged with distinct ids and all readable', async () => {
        const replies = await Promise.all(
          Array.from({ length: 40 }, (_, i) => http('POST', '/api/usages', { ...valid, patientId: `p${i}` })),
        );
        assert.deepEqual(
          replies.map((r) => r.status),
          replies.map(() => 201),
        );
        const ids = replies.map((r) => (r.body as { id: string }).id);
        assert.equal(new Set(ids).size, ids.length, 'ids are distinct');
        const reads = await Promise.all(ids.map((id) => http('GET', `/api/usages/${id}`)));
        reads.forEach((r, i) => assert.deepEqual(r.body, { id: ids[i], ...valid, patientId: `p${i}` }));
      });

      for (const [label, body, field] of [
        ['missing medication', { patientId: '1', timestamp: 't' }, 'medication'],
        ['patientId of the wrong type', { ...valid, patientId: 123 }, 'patientId'],
        ['empty timestamp', { ...valid, timestamp: '' }, 'timestamp'],
        ['an unknown field', { ...valid, patientID: 'x' }, 'patientID'],
        ['an operator object as a value', { ...valid, patientId: { $gt: '' } }, 'patientId'],
      ] as const) {
        test(`400 naming the field for ${label}`, async () => {
          assertError(await http('POST', '/api/usages', body), 400, field);
        });
      }

      test('400 naming the field for text no backend stores as given (lone surrogate, invalid UTF-8, NUL)', async () => {
        await assertUnstorableTextRejected(http, 'POST', '/api/usages', {
          patientId: (text) => ({ ...valid, patientId: text }),
          timestamp: (text) => ({ ...valid, timestamp: text }),
          medication: (text) => ({ ...valid, medication: text }),
        });
      });

      test('text every backend stores round-trips exactly: astral characters, U+FFFD, controls', async () => {
        const input = { ...valid, patientId: '\u{1F48A}\uFFFD', medication: 'x\u0001\u001f\u007f\u2028\uFEFFy' };
        const created = await http('POST', '/api/usages', input);
        assert.equal(created.status, 201);
        const { id } = created.body as { id: string };
        assert.deepEqual((await http('GET', `/api/usages/${id}`)).body, { id, ...input });
      });

      test('400 for malformed JSON, a JSON array and null', async () => {
        assertError(await http('POST', '/api/usages', '{"patientId": "1",'), 400);
        assertError(await http('POST', '/api/usages', '[]'), 400);
        assertError(await http('POST', '/api/usages', 'null'), 400);
      });

      test('415 for a non-JSON content type', async () => {
        assertError(await http('POST', '/api/usages', JSON.stringify(valid), { 'content-type': 'text/plain' }), 415);
      });

      test('413 for an oversized body', async () => {
        const huge = { ...valid, medication: 'x'.repeat(200_000) };
        assertError(await http('POST', '/api/usages', huge), 413);
      });

      test('404 for an unknown id, 400 for a malformed one', async () => {
        assertError(await http('GET', '/api/usages/999999999999'), 404);
        assertError(await http('GET', '/api/usages/no-such-usage'), 404);
        assertError(await http('GET', `/api/usages/${'a'.repeat(65)}`), 400, 'id');
        assertError(await http('GET', '/api/usages/a.b'), 400, 'id');
      });
    });
  },

  storeRequests: [{ method: 'POST', path: '/api/usages', body: { patientId: '1', timestamp: 't', medication: 'm' } }],
  invalidRequests: [
    { method: 'POST', path: '/api/usages', body: { patientId: '1', timestamp: 't' }, field: 'medication' },
    { method: 'POST', path: '/api/usages', body: { ...valid, timestamp: 'a\u0000b' }, field: 'timestamp' },
  ],

  async writeAndReadBack(http) {
    const id = await recordUsage(http);
    return async () => {
      const read = await http('GET', `/api/usages/${id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, { id, ...valid });
    };
  },

  async lifecycle(http) {
    const id = await recordUsage(http);
    return {
      async kept() {
        assert.deepEqual((await http('GET', `/api/usages/${id}`)).body, { id, ...valid });
      },
      async emptied() {
        assertError(await http('GET', `/api/usages/${id}`), 404);
        await recordUsage(http);
      },
    };
  },
};
