import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Backend, LoadProgress } from '../../core/backend.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import { assertSameCatalog } from '../../core/workloads/catalog/conformance.ts';
import { catalogDataset } from '../../core/workloads/catalog/dataset.ts';
import { createMemoryBackend } from '../memory/index.ts';
import { createCassandraBackend } from './index.ts';

// What only Cassandra shows; the behaviours every adapter shares are in cassandra.conformance.test.ts.
const { url, skip } = testServer('cassandra');

describe('cassandra adapter', { skip }, () => {
  let cassandra: Backend;

  before(async () => {
    // A small in-flight limit, so the limiter's back-pressure is exercised even at toy scale.
    cassandra = createCassandraBackend({ url: url!, keyspace: 'storebench_loader_test', concurrency: 4 });
    await cassandra.migrate();
    await cassandra.reset();
  });
  after(async () => {
    await cassandra?.close();
  });

  test('the generated catalog (ordered, many children per partition, batched) reads like the reference', async () => {
    const dataset = catalogDataset({ scale: 300, seed: 7 });
    const progress: LoadProgress[] = [];
    const report = await cassandra.load.catalog(dataset, { onProgress: (p) => progress.push(p) });
    const reference = createMemoryBackend();
    assert.deepEqual(report.rows, (await reference.load.catalog(dataset)).rows);
    assert.ok(report.rows.skus! > 2000, 'enough skus to cross batches');
    assert.ok(progress.some((p) => !p.done) || report.rows.skus! < 10_000, 'progress during the load');
    await assertSameCatalog(
      cassandra,
      reference,
      [1, 2, 3, 150, 271, 299, 300, 301],
      [
        [1, 5],
        [2, 1000],
        [1, 1000],
        [60, 5],
        [61, 5],
      ],
    );
  });

  test('usage ids are timeuuids; ids that are not read as undefined without a query error', async () => {
    const id = await cassandra.usages.record({ patientId: '1', timestamp: 't', medication: 'm' });
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(await cassandra.usages.get(id), { id, patientId: '1', timestamp: 't', medication: 'm' });
    const unknownTimeuuid = `${id.slice(0, 24)}000000000000`;
    for (const bad of ['abc', '1', '123e4567-e89b-42d3-a456-426614174000', `${id}0`, unknownTimeuuid]) {
      assert.equal(await cassandra.usages.get(bad), undefined, bad);
    }
  });

  test('serverVersion names the server that answers', async () => {
    assert.match(await cassandra.serverVersion(), /^Apache Cassandra \d+\.\d+/);
  });
});
