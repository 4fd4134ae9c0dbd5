import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryBackend } from '../../adapters/memory/index.ts';
import type { Backend } from '../../core/backend.ts';
import { workload } from '../../core/workloads/index.ts';
import { overviewRecord } from '../../core/workloads/overview/dataset.ts';
import { canonicalLine, describeScale, fingerprintData, seedWorkload } from './index.ts';

const catalog = workload('catalog');
const overview = workload('overview');
const usages = workload('usages');

async function freshMemory(): Promise<Backend> {
  const backend = createMemoryBackend();
  await backend.migrate();
  return backend;
}

describe('seedWorkload', () => {
  test('overview: loads every row and records the same fingerprint as a separate pass', async () => {
    const backend = await freshMemory();
    const progress: string[] = [];
    const result = await seedWorkload(backend, overview, {
      scale: 'tiny',
      datasetSeed: 9,
      onProgress: (p) => progress.push(`${p.table}:${p.done}`),
    });
    assert.equal(result.load.rows.overview, 1000);
    assert.equal(result.tables!.overview!.rows, 1000);
    const separate = await fingerprintData(overview, overview.dataset({ scale: 'tiny', seed: 9 }));
    assert.equal(result.fingerprint, separate.fingerprint);
    assert.deepEqual(await backend.overview.get(1000), overviewRecord(9, 1000));
    assert.ok(progress.includes('overview:true'));
    const other = await seedWorkload(await freshMemory(), overview, { scale: 'tiny', datasetSeed: 10 });
    assert.notEqual(other.fingerprint, result.fingerprint);
  });

  test('catalog: counts per table match describeScale and the store serves generated rows', async () => {
    const backend = await freshMemory();
    const result = await seedWorkload(backend, catalog, { scale: 'tiny', datasetSeed: 2 });
    const described = describeScale(catalog, 'tiny', 2);
    for (const [table, rows] of Object.entries(described.rows)) assert.equal(result.tables![table]!.rows, rows, table);
    assert.deepEqual(result.load.rows, described.rows);
    assert.deepEqual(described.lastTenPercent, { min: 181, max: 200 });
    const again = await fingerprintData(catalog, catalog.dataset({ scale: 'tiny', seed: 2 }));
    assert.equal(result.fingerprint, again.fingerprint);
    const styles = await backend.catalog.getStyles(200);
    assert.ok(styles && styles.results.length >= 1);
    assert.equal(styles.results.filter((s) => s['default?']).length, 1);
  });

  test('usages: every row is stored', async () => {
    const result = await seedWorkload(await freshMemory(), usages, { scale: 'tiny' });
    assert.deepEqual(result.load.rows, { usages: 1000 });
    assert.equal(result.tables!.usages!.rows, 1000);
    assert.match(result.fingerprint!, /^[0-9a-f]{64}$/);
  });

  test('fingerprint: false skips hashing but still loads everything', async () => {
    const result = await seedWorkload(await freshMemory(), overview, { scale: 'tiny', fingerprint: false });
    assert.deepEqual(result.load.rows, { overview: 1000 });
    assert.equal(result.fingerprint, undefined);
  });

  test('the canonical form cannot be fooled by separators inside values', () => {
    const features = catalog.tables.features!;
    const a = canonicalLine(features, { id: 1, product_id: 2, feature: 'a', value: 'bs1:c' });
    const b = canonicalLine(features, { id: 1, product_id: 2, feature: 'as1:b', value: 'c' });
    assert.notEqual(a, b);
    assert.equal(canonicalLine(features, { id: 1, product_id: 2, feature: 'x', value: null }), 'n1n2s1:x~');
  });
});
