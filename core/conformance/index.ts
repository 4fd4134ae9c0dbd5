import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Backend } from '../backend.ts';
import { createApp } from '../http/app.ts';
import {
  OVERVIEW_COUNT,
  PRODUCT_COUNT,
  catalogSource,
  iterate,
  overviewRecords,
  products,
  usageInputs,
} from './fixtures.ts';

export interface ConformanceOptions {
  /** A skip reason (from endpointForTest): the suite is reported as skipped, loudly. */
  skip?: string;
  /** A backend pointed at a server that does not answer: every data route must answer 503, promptly. */
  unreachable?: () => Promise<Backend>;
}

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One HTTP client per suite; bodies are parsed as JSON when the server says so. */
function client(base: () => string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers = { 'content-type': 'application/json', ...headers };
    }
    const res = await fetch(`${base()}${path}`, init);
    const text = await res.text();
    const isJson = res.headers.get('content-type')?.includes('json') ?? false;
    return { status: res.status, headers: res.headers, body: isJson && text ? JSON.parse(text) : text };
  };
}

async function listen(backend: Backend): Promise<{ server: Server; url: string }> {
  const server = createServer(createApp(backend, { log: () => {} }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stop(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

function assertError(reply: Reply, status: number, field?: string) {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  const body = reply.body as { error?: unknown; field?: unknown };
  assert.equal(typeof body.error, 'string', 'error body is JSON {error}');
  if (field !== undefined) assert.equal(body.field, field, `error names field ${field}: ${JSON.stringify(body)}`);
}

const BAD_IDS = ['abc', '-1', '1.5', '0', '1e3', '99999999999', '2147483648', '%20'];

/**
 * The behaviour every adapter must show, over real HTTP through createApp.
 * Kysely-style: one suite, looped over every backend by each adapter's test file.
 */
export function runConformance(name: string, factory: () => Promise<Backend>, options: ConformanceOptions = {}): void {
  describe(`conformance: ${name}`, { skip: options.skip }, () => {
    let backend: Backend;
    let server: Server | undefined;
    let url = '';
    const http = client(() => url);

    before(async () => {
      backend = await factory();
      await backend.migrate();
      await backend.migrate(); // idempotent
      await backend.reset();
      const loaded = await Promise.all([
        backend.load.catalog(catalogSource),
        backend.load.overview(iterate(overviewRecords)),
        backend.load.usages(iterate(usageInputs)),
      ]);
      const [catalogReport, overviewReport, usagesReport] = loaded;
      assert.ok(Object.values(catalogReport.rows).includes(PRODUCT_COUNT), 'catalog load reports the products');
      assert.equal(sum(overviewReport.rows), OVERVIEW_COUNT, 'overview load reports its rows');
      assert.equal(sum(usagesReport.rows), usageInputs.length, 'usages load reports its rows');
      ({ server, url } = await listen(backend));
    });
    after(async () => {
      await stop(server);
      await backend?.close();
    });

    describe('usages', () => {
      const valid = { patientId: '100', timestamp: 'Tue Nov 01 2016 09:11:51 GMT-0500 (CDT)', medication: 'Albuterol' };

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

    describe('catalog', () => {
      const summary = (id: number) => {
        const p = products[id - 1]!;
        return {
          id: p.id,
          name: p.name,
          slogan: p.slogan,
          description: p.description,
          category: p.category,
          default_price: p.default_price,
        };
      };
      const ids = (reply: Reply) => (reply.body as { id: number }[]).map((p) => p.id);

      test('GET /products defaults to page 1, count 5, ordered by id', async () => {
        const reply = await http('GET', '/products');
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.body, [1, 2, 3, 4, 5].map(summary));
      });

      test('pagination walks the ids and ends with an empty page', async () => {
        assert.deepEqual(ids(await http('GET', '/products?page=2&count=5')), [6, 7, 8, 9, 10]);
        assert.deepEqual(ids(await http('GET', '/products?page=3&count=5')), [11, 12]);
        assert.deepEqual(ids(await http('GET', '/products?page=4&count=5')), []);
        assert.deepEqual(ids(await http('GET', '/products?page=12&count=1')), [12]);
        assert.deepEqual(
          ids(await http('GET', '/products?count=1000')),
          products.map((p) => p.id),
        );
        assert.deepEqual(ids(await http('GET', '/products?page=2000000&count=1000')), []);
      });

      for (const [query, field] of [
        ['count=0', 'count'],
        ['count=1001', 'count'],
        ['count=abc', 'count'],
        ['page=0', 'page'],
        ['page=-1', 'page'],
        ['page=1.5', 'page'],
        ['page=2000001', 'page'],
        ['page=1&page=2', 'page'],
      ] as const) {
        test(`400 for /products?${query}`, async () => {
          assertError(await http('GET', `/products?${query}`), 400, field);
        });
      }

      test('GET /products/:id has its features in id order, null values kept', async () => {
        assert.deepEqual((await http('GET', '/products/1')).body, {
          ...summary(1),
          features: [
            { feature: 'Fabric', value: 'Canvas' },
            { feature: 'Buttons', value: 'Brass' },
            { feature: 'Lining', value: null },
          ],
        });
        assert.deepEqual((await http('GET', '/products/2')).body, { ...summary(2), features: [] });
      });

      test('awkward text is stored and served exactly', async () => {
        assert.deepEqual((await http('GET', '/products/5')).body, { ...summary(5), features: [] });
        const p3 = (await http('GET', '/products/3')).body as { features: unknown };
        assert.deepEqual(p3.features, [{ feature: products[4]!.name, value: products[4]!.name }]);
        assert.equal(((await http('GET', '/products/6')).body as { description: string }).description, '');
      });

      test('GET /products/:id/styles nests photos and skus in one document', async () => {
        const reply = await http('GET', '/products/1/styles');
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.body, {
          product_id: '1',
          results: [
            {
              style_id: 1,
              name: 'Forest Green & Black',
              original_price: '140',
              sale_price: null,
              'default?': true,
              photos: [
                { thumbnail_url: 'https://img.example/1a_t.jpg', url: 'https://img.example/1a.jpg' },
                { thumbnail_url: 'https://img.example/1b_t.jpg', url: 'https://img.example/1b.jpg?w=800&q=80' },
              ],
              skus: {
                '7': { quantity: 15, size: 'XXL' },
                '8': { quantity: 12, size: 'XL' },
                '9': { quantity: 9, size: 'L' },
                '10': { quantity: 6, size: 'M' },
                '11': { quantity: 3, size: 'S' },
                '12': { quantity: 0, size: 'XS' },
              },
            },
            {
              style_id: 2,
              name: 'Desert Brown',
              original_price: '140',
              sale_price: '100',
              'default?': false,
              photos: [],
              skus: {},
            },
          ],
        });
      });

      test('styles: awkward text, a product without styles, the last product', async () => {
        assert.deepEqual((await http('GET', '/products/3/styles')).body, {
          product_id: '3',
          results: [
            {
              style_id: 3,
              name: products[4]!.name,
              original_price: '19.99',
              sale_price: null,
              'default?': true,
              photos: [{ thumbnail_url: 'https://img.example/\\.jpg', url: 'https://img.example/"quoted".jpg' }],
              skus: { '1': { quantity: 0, size: '7.5' } },
            },
          ],
        });
        assert.deepEqual((await http('GET', '/products/2/styles')).body, { product_id: '2', results: [] });
        assert.deepEqual((await http('GET', '/products/12/styles')).body, {
          product_id: '12',
          results: [
            {
              style_id: 4,
              name: 'Last',
              original_price: '1',
              sale_price: '0',
              'default?': true,
              photos: [],
              skus: { '2': { quantity: 2147483647, size: 'One Size' } },
            },
          ],
        });
      });

      test('GET /products/:id/related in related-row order, empty when none', async () => {
        assert.deepEqual((await http('GET', '/products/1/related')).body, [2, 3, 8, 7]);
        assert.deepEqual((await http('GET', '/products/12/related')).body, [12]);
        assert.deepEqual((await http('GET', '/products/4/related')).body, []);
      });

      test('404 for unknown products on every route', async () => {
        for (const suffix of ['', '/styles', '/related']) {
          assertError(await http('GET', `/products/${PRODUCT_COUNT + 1}${suffix}`), 404);
          assertError(await http('GET', `/products/2147483647${suffix}`), 404);
        }
      });

      test('400 naming product_id for bad ids on every route', async () => {
        for (const bad of BAD_IDS) {
          for (const suffix of ['', '/styles', '/related']) {
            assertError(await http('GET', `/products/${bad}${suffix}`), 400, 'product_id');
          }
        }
      });
    });

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
        ['an unknown field', { ...record(1003), rating: 5 }, 'rating'],
      ] as const) {
        test(`POST: 400 naming the field for ${label}`, async () => {
          assertError(await http('POST', '/api/overview', body), 400, field);
          assertError(await http('GET', '/api/overview/1003'), 404);
        });
      }

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
    });

    describe('service routes', () => {
      test('/healthz, /readyz, /metrics, /openapi.json', async () => {
        assert.equal((await http('GET', '/healthz')).status, 200);
        const ready = await http('GET', '/readyz');
        assert.equal(ready.status, 200);
        assert.equal((ready.body as { backend: string }).backend, backend.name);
        const metrics = await http('GET', '/metrics');
        assert.equal(metrics.status, 200);
        assert.match(
          String(metrics.body),
          /storebench_http_requests_total\{method="GET",route="\/products\/:product_id"/,
        );
        assert.equal(((await http('GET', '/openapi.json')).body as { openapi: string }).openapi, '3.1.0');
      });

      test('unknown routes are JSON 404s', async () => {
        assertError(await http('GET', '/nope'), 404);
        assertError(await http('PATCH', '/api/overview/1', {}), 404);
      });

      test('serverVersion names the server', async () => {
        assert.ok((await backend.serverVersion()).length > 0);
      });
    });

    describe('lifecycle', () => {
      test('migrate() again keeps the data; reset() empties every workload', async () => {
        await backend.migrate();
        assert.equal((await http('GET', '/products/1')).status, 200);
        await backend.reset();
        assertError(await http('GET', '/products/1'), 404);
        assert.deepEqual((await http('GET', '/products')).body, []);
        assertError(await http('GET', '/api/overview/1'), 404);
        // The store works again after a reset, from empty.
        assert.equal((await http('POST', '/api/overview', record(1))).status, 201);
      });
      const record = (id: number) => ({ ...overviewRecords[0]!, game_id: id });
    });
  });

  if (options.unreachable) {
    const unreachable = options.unreachable;
    describe(`conformance: ${name} with its server unreachable`, { skip: options.skip }, () => {
      let backend: Backend | undefined;
      let server: Server | undefined;
      let url = '';
      const http = client(() => url);
      before(async () => {
        backend = await unreachable();
        ({ server, url } = await listen(backend));
      });
      after(async () => {
        await stop(server);
        await backend?.close();
      });

      test('data routes answer 503 within 15 s, liveness stays 200', { timeout: 60_000 }, async () => {
        const started = Date.now();
        const replies = await Promise.all([
          http('GET', '/products/1/styles'),
          http('POST', '/api/usages', { patientId: '1', timestamp: 't', medication: 'm' }),
          http('POST', '/api/overview', { ...overviewRecords[0]! }),
          http('GET', '/readyz'),
        ]);
        for (const reply of replies) assertError(reply, 503);
        assert.ok(Date.now() - started < 15_000, `answered in ${Date.now() - started} ms`);
        assert.equal((await http('GET', '/healthz')).status, 200);
        // Validation still comes first: bad input is a 400 even with the database down.
        assertError(await http('GET', '/products/abc'), 400, 'product_id');
      });
    });
  }
}

function sum(rows: Record<string, number>): number {
  return Object.values(rows).reduce((a, b) => a + b, 0);
}
