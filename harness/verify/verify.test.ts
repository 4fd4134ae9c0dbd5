import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMemoryBackend } from '../../adapters/memory/index.ts';
import type { Backend } from '../../core/backend.ts';
import { catalogDataset } from '../../core/workloads/catalog/dataset.ts';
import type { CatalogSource } from '../../core/workloads/catalog/types.ts';
import { overviewDataset } from '../../core/workloads/overview/dataset.ts';
import { workload } from '../../core/workloads/index.ts';
import { seedWorkload } from '../dataset/index.ts';
import { firstDifference } from './compare.ts';
import {
  formatVerifyReport,
  serveBackend,
  startMemoryReference,
  verifyBackends,
  VerifyMismatchError,
  type RunningApi,
} from './index.ts';

const catalog = workload('catalog');
const overview = workload('overview');
const usages = workload('usages');

const running: RunningApi[] = [];
after(async () => {
  for (const api of running) await api.close();
});

async function serve(load: (backend: Backend) => Promise<unknown>): Promise<string> {
  const backend = createMemoryBackend();
  await backend.migrate();
  await load(backend);
  const api = await serveBackend(backend);
  running.push(api);
  return api.url;
}

/** The tiny catalog with one row changed by `change` (applied to the table's rows as they stream). */
function corruptedCatalog<K extends keyof CatalogSource>(table: K, change: (row: object) => object): CatalogSource {
  const source = catalogDataset({ scale: 'tiny', seed: 1 });
  return {
    ...source,
    [table]: async function* () {
      for await (const row of source[table]() as AsyncIterable<object>) yield change(row);
    },
  };
}

describe('verifyBackends', () => {
  let reference: RunningApi;
  before(async () => {
    reference = await startMemoryReference(catalog, 'tiny', 1);
    running.push(reference);
  });

  test('identical data answers identically; one changed row is caught and the request named', async () => {
    const good = await serve((b) => seedWorkload(b, catalog, { scale: 'tiny', datasetSeed: 1 }));
    // Product 200 is the last id: always in the sample.
    const renamed = await serve((b) =>
      b.load.catalog(
        corruptedCatalog('products', (p) => ((p as { id: number }).id === 200 ? { ...p, name: 'Changed' } : p)),
      ),
    );
    const styleOf200 = (async () => {
      for await (const s of catalogDataset({ scale: 'tiny', seed: 1 }).styles()) if (s.product_id === 200) return s.id;
      throw new Error('product 200 has no style');
    })();
    const style = await styleOf200;
    let changedOne = false;
    const quantity = await serve((b) =>
      b.load.catalog(
        corruptedCatalog('skus', (row) => {
          const sku = row as { style_id: number; quantity: number };
          if (sku.style_id !== style || changedOne) return row;
          changedOne = true;
          return { ...sku, quantity: sku.quantity + 1 };
        }),
      ),
    );

    const clean = await verifyBackends({
      reference: reference.url,
      candidates: { good },
      workload: catalog,
      scale: 'tiny',
      datasetSeed: 1,
    });
    assert.equal(clean.ok, true);
    assert.ok(clean.requests > 40);

    const error = await verifyBackends({
      reference: reference.url,
      candidates: { good, renamed, quantity },
      workload: catalog,
      scale: 'tiny',
      datasetSeed: 1,
    }).then(
      () => assert.fail('expected a VerifyMismatchError'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof VerifyMismatchError);
    const diffs = error.report.diffs;
    assert.equal(diffs.filter((d) => d.candidate === 'good').length, 0);
    assert.deepEqual(
      diffs.filter((d) => d.candidate === 'renamed').map((d) => [d.request, d.where, d.actual]),
      [
        ['GET /products?page=2&count=100', '$[99].name', 'Changed'],
        ['GET /products?page=1&count=1000', '$[199].name', 'Changed'],
        ['GET /products?count=10000', '$[199].name', 'Changed'],
        ['GET /products/200', '$.name', 'Changed'],
      ],
    );
    const skuDiff = diffs.filter((d) => d.candidate === 'quantity');
    assert.equal(skuDiff.length, 1);
    assert.equal(skuDiff[0]!.request, 'GET /products/200/styles');
    assert.match(skuDiff[0]!.where, /^\$\.results\[\d\]\.skus\["\d+"\]\.quantity$/);
    assert.equal(skuDiff[0]!.actual, (skuDiff[0]!.expected as number) + 1);
    assert.match(error.message, /quantity: GET \/products\/200\/styles\n {4}at \$\.results/);
  });

  test('overview: reads, unknown ids and a create/replace/delete round trip compare equal and leave the data as found', async () => {
    const ref = await startMemoryReference(overview, 'tiny', 3);
    running.push(ref);
    const candidate = await serve((b) => seedWorkload(b, overview, { scale: 'tiny', datasetSeed: 3 }));
    const report = await verifyBackends({
      reference: ref.url,
      candidates: { candidate },
      workload: overview,
      scale: 'tiny',
      datasetSeed: 3,
    });
    assert.equal(report.ok, true, formatVerifyReport(report));
    const created = overview
      .verifyPlan({ primary: 1000, datasetSeed: 3, mutate: true })
      .find((step) => step.method === 'POST')!;
    const createdId = (created.body as { game_id: number }).game_id;
    assert.ok(createdId > 1000);
    for (const url of [ref.url, candidate]) {
      assert.equal((await fetch(`${url}/api/overview/${createdId}`)).status, 404, 'the round trip deleted its record');
      assert.equal((await fetch(`${url}/api/overview/1000`)).status, 200);
    }

    const corrupt = await serve((b) =>
      b.load.overview(
        (async function* () {
          for await (const r of overviewDataset({ scale: 'tiny', seed: 3 })) {
            yield r.game_id === 1000 ? { ...r, tags: [...r.tags].reverse().concat('Extra') } : r;
          }
        })(),
      ),
    );
    const bad = await verifyBackends({
      reference: ref.url,
      candidates: { corrupt },
      workload: overview,
      scale: 'tiny',
      datasetSeed: 3,
      throwOnDiff: false,
    });
    assert.deepEqual(
      bad.diffs.map((d) => d.request),
      ['GET /api/overview/1000'],
    );
  });

  test('usages: ids differ per backend, bodies must not', async () => {
    const ref = await startMemoryReference(usages, 'tiny', 1);
    running.push(ref);
    const candidate = await serve((b) => seedWorkload(b, usages, { scale: 'tiny', datasetSeed: 1 }));
    const report = await verifyBackends({
      reference: ref.url,
      candidates: { candidate },
      workload: usages,
      scale: 'tiny',
    });
    assert.equal(report.ok, true, formatVerifyReport(report));
  });

  test('an unreachable candidate is a difference, not a crash', async () => {
    const report = await verifyBackends({
      reference: reference.url,
      candidates: { gone: 'http://127.0.0.1:9' },
      workload: catalog,
      scale: 'tiny',
      throwOnDiff: false,
      timeoutMs: 2000,
    });
    assert.equal(report.ok, false);
    assert.equal(report.diffs[0]!.where, 'status');
    assert.equal(report.diffs[0]!.actual, 0);
  });

  test('JSON comparison: object key order is free, array order is not', () => {
    assert.equal(
      firstDifference({ skus: { '1': { a: 1, b: 2 }, '2': {} } }, { skus: { '2': {}, '1': { b: 2, a: 1 } } }),
      undefined,
    );
    assert.equal(firstDifference({ photos: [1, 2] }, { photos: [2, 1] }), '$.photos[0]');
    assert.equal(firstDifference([1], [1, 2]), '$[1]');
    assert.equal(firstDifference({ a: null }, {}), '$.a');
  });

  test('error bodies: status, code and field must match, the message wording may differ', async () => {
    const url = await serve(async () => {});
    const { createServer } = await import('node:http');
    // A server that answers every request with a 404 in its own words, and a 400 naming another field.
    const odd = createServer((req, res) => {
      const bad = req.url === '/products/0';
      res.writeHead(bad ? 400 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          bad ? { error: 'nope', code: 'VALIDATION', field: 'id' } : { error: 'no such thing here', code: 'NOT_FOUND' },
        ),
      );
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => odd.once('listening', resolve));
    const port = (odd.address() as { port: number }).port;
    try {
      const report = await verifyBackends({
        reference: url,
        candidates: { odd: `http://127.0.0.1:${port}` },
        workload: catalog,
        scale: 'tiny',
        throwOnDiff: false,
      });
      const unknownId = report.diffs.filter((d) => d.request === 'GET /products/201');
      assert.deepEqual(unknownId, [], 'a 404 with other wording is the same answer');
      const field = report.diffs.find((d) => d.request === 'GET /products/0');
      assert.deepEqual([field?.where, field?.expected, field?.actual], ['$.field', 'product_id', 'id']);
    } finally {
      odd.close();
    }
  });
});
