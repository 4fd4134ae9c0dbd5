import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Backend, LoadProgress } from '../../backend.ts';
import { assertError, BAD_IDS, type Reply } from '../../conformance/client.ts';
import type { WorkloadConformance } from '../../conformance/workload-conformance.ts';
import { loadFixtures, orphanPhotoCatalog, PRODUCT_COUNT, products, shuffledCatalog } from './fixtures.ts';

/** Every store read of `actual` equals the reference's, for each product id and each [page, count]. */
export async function assertSameCatalog(
  actual: Backend,
  expected: Backend,
  ids: readonly number[],
  pages: readonly (readonly [number, number])[],
): Promise<void> {
  for (const id of ids) {
    assert.deepEqual(await actual.catalog.getProduct(id), await expected.catalog.getProduct(id), `product ${id}`);
    assert.deepEqual(await actual.catalog.getStyles(id), await expected.catalog.getStyles(id), `styles ${id}`);
    assert.deepEqual(await actual.catalog.getRelated(id), await expected.catalog.getRelated(id), `related ${id}`);
  }
  for (const [page, count] of pages) {
    assert.deepEqual(
      await actual.catalog.listProducts(page, count),
      await expected.catalog.listProducts(page, count),
      `page ${page}x${count}`,
    );
  }
}

/** The catalog's behaviours: the Atelier products API over HTTP, and its bulk load. */
export const conformance: WorkloadConformance = {
  loadFixtures,

  behaviours({ http }) {
    describe('catalog', () => {
      const summary = (id: number) => {
        const p = products[id - 1]!;
        return {
          id: p.id,
          campus: p.campus,
          name: p.name,
          slogan: p.slogan,
          description: p.description,
          category: p.category,
          default_price: p.default_price,
          created_at: p.created_at,
          updated_at: p.updated_at,
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
        assert.deepEqual(ids(await http('GET', '/products?page=2000000&count=10000')), []);
      });

      test('empty page and count mean the defaults, as clients send a null or undefined one', async () => {
        for (const query of ['page&count', 'page=&count=', 'page=', 'count=']) {
          const reply = await http('GET', `/products?${query}`);
          assert.equal(reply.status, 200, `/products?${query}: ${JSON.stringify(reply.body)}`);
          assert.deepEqual(ids(reply), [1, 2, 3, 4, 5], `/products?${query}`);
        }
        assert.deepEqual(ids(await http('GET', '/products?page=2&count=')), [6, 7, 8, 9, 10]);
      });

      test('count goes up to 10,000, the page a client loading the whole catalog asks for', async () => {
        const reply = await http('GET', '/products?count=10000');
        assert.equal(reply.status, 200);
        assert.deepEqual(
          ids(reply),
          products.map((p) => p.id),
        );
        assertError(await http('GET', '/products?count=10001'), 400, 'count');
      });

      for (const [query, field] of [
        ['count=0', 'count'],
        ['count=10001', 'count'],
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

      test('products carry campus, created_at and updated_at as the Atelier API does, timestamps exact to the ms', async () => {
        const product = (await http('GET', '/products/2')).body as Record<string, unknown>;
        assert.deepEqual(Object.keys(product).sort(), [
          'campus',
          'category',
          'created_at',
          'default_price',
          'description',
          'features',
          'id',
          'name',
          'slogan',
          'updated_at',
        ]);
        for (const id of [1, 2, 3, 4, 5]) {
          const { campus, created_at, updated_at } = (await http('GET', `/products/${id}`)).body as Record<
            string,
            unknown
          >;
          const expected = products[id - 1]!;
          assert.deepEqual(
            { campus, created_at, updated_at },
            {
              campus: expected.campus,
              created_at: expected.created_at,
              updated_at: expected.updated_at,
            },
          );
        }
        const listed = (await http('GET', '/products?count=12')).body as Record<string, unknown>[];
        assert.deepEqual(
          listed.map((p) => [p.campus, p.created_at, p.updated_at]),
          products.map((p) => [p.campus, p.created_at, p.updated_at]),
        );
      });

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

      test('/metrics counts the requests by route template', async () => {
        const metrics = await http('GET', '/metrics');
        assert.match(
          String(metrics.body),
          /storebench_http_requests_total\{method="GET",route="\/products\/:product_id"/,
        );
      });
    });
  },

  loads({ backend, reference, optOut }) {
    describe('catalog', () => {
      test('a shuffled catalog with sparse ids loads and reads exactly like the memory reference', async () => {
        await backend().reset();
        const progress: LoadProgress[] = [];
        const report = await backend().load.catalog(shuffledCatalog(60), { onProgress: (p) => progress.push(p) });
        const referenceBackend = reference();
        const expected = await referenceBackend.load.catalog(shuffledCatalog(60));
        assert.deepEqual(report.rows, expected.rows);
        for (const table of Object.keys(expected.rows)) {
          const last = progress.filter((p) => p.table === table).at(-1);
          assert.deepEqual(last, { table, rows: expected.rows[table], done: true }, `final progress of ${table}`);
        }
        // Every product (ids 10..600), the ids between them, and past both ends.
        const ids = Array.from({ length: 123 }, (_, i) => i * 5);
        await assertSameCatalog(backend(), referenceBackend, ids, [
          [1, 5],
          [3, 7],
          [9, 7],
          [10, 7],
          [1, 1000],
          [2, 59],
          [61, 1],
        ]);
      });

      test(
        'a photo naming a style that was not loaded fails the load instead of vanishing',
        { skip: optOut('orphan-rows-fail-the-load') },
        async () => {
          await backend().reset();
          await assert.rejects(backend().load.catalog(orphanPhotoCatalog()), /photo 1 names style 999/);
        },
      );
    });
  },

  storeRequests: [
    { method: 'GET', path: '/products?page=1&count=5' },
    { method: 'GET', path: '/products/1' },
    { method: 'GET', path: '/products/1/styles' },
    { method: 'GET', path: '/products/1/related' },
  ],
  invalidRequests: [{ method: 'GET', path: '/products/abc', field: 'product_id' }],

  async lifecycle(http) {
    return {
      async kept() {
        assert.equal((await http('GET', '/products/1')).status, 200);
      },
      async emptied() {
        assertError(await http('GET', '/products/1'), 404);
        assert.deepEqual((await http('GET', '/products')).body, []);
      },
    };
  },
};
