import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { catalogDataset } from './dataset.ts';

const TABLES = ['products', 'features', 'styles', 'photos', 'skus', 'related'] as const;

async function digest(seed: number): Promise<string> {
  const catalog = catalogDataset({ scale: 'tiny', seed });
  const hash = createHash('sha256');
  for (const table of TABLES) {
    for await (const row of catalog[table]()) hash.update(JSON.stringify(row) + '\n');
  }
  return hash.digest('hex');
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe('catalog dataset', () => {
  test('same seed gives byte-identical tables; another seed does not', async () => {
    assert.equal(await digest(1), await digest(1));
    assert.notEqual(await digest(1), await digest(2));
  });

  test('two passes over one table, even interleaved, give the same rows', async () => {
    const stream = catalogDataset({ scale: 'tiny' }).skus();
    const a = stream[Symbol.asyncIterator]();
    const b = stream[Symbol.asyncIterator]();
    for (let i = 0; i < 50; i++) assert.deepEqual((await a.next()).value, (await b.next()).value);
  });

  test('keys are dense and consistent, one default style per product, Atelier proportions', async () => {
    const catalog = catalogDataset({ scale: 2000, seed: 4 });
    const products = await collect(catalog.products());
    const styles = await collect(catalog.styles());
    const photos = await collect(catalog.photos());
    const skus = await collect(catalog.skus());
    const features = await collect(catalog.features());
    const related = await collect(catalog.related());
    const counts = catalog.counts();
    assert.deepEqual(counts, {
      products: products.length,
      features: features.length,
      styles: styles.length,
      photos: photos.length,
      skus: skus.length,
      related: related.length,
    });
    for (const rows of [products, styles, photos, skus, features, related]) {
      rows.forEach((row, i) => assert.equal(row.id, i + 1));
    }
    const defaults = new Map<number, number>();
    for (const s of styles) {
      assert.ok(s.product_id >= 1 && s.product_id <= 2000);
      assert.match(s.original_price, /^\d+$/);
      if (s.default_style) defaults.set(s.product_id, (defaults.get(s.product_id) ?? 0) + 1);
    }
    assert.equal(defaults.size, 2000);
    assert.ok([...defaults.values()].every((n) => n === 1));
    for (const p of photos) assert.ok(p.style_id <= styles.length && p.url.startsWith('https://'));
    for (const s of skus) assert.ok(s.style_id <= styles.length && Number.isInteger(s.quantity));
    for (const r of related) {
      assert.notEqual(r.related_product_id, r.current_product_id);
      assert.ok(r.related_product_id >= 1 && r.related_product_id <= 2000);
    }
    const perProduct = (n: number) => n / 2000;
    assert.ok(Math.abs(perProduct(styles.length) - 2) < 0.1, `styles ${perProduct(styles.length)}`);
    assert.ok(Math.abs(perProduct(photos.length) - 5.6) < 0.3, `photos ${perProduct(photos.length)}`);
    assert.ok(Math.abs(perProduct(skus.length) - 11) < 0.5, `skus ${perProduct(skus.length)}`);
    assert.ok(Math.abs(perProduct(features.length) - 2.2) < 0.15, `features ${perProduct(features.length)}`);
    assert.ok(Math.abs(perProduct(related.length) - 4.5) < 0.2, `related ${perProduct(related.length)}`);
    const onSale = styles.filter((s) => s.sale_price !== null).length / styles.length;
    assert.ok(onSale > 0.2 && onSale < 0.4, `on sale ${onSale}`);
    assert.ok(features.some((f) => f.value === null));
    assert.ok(skus.some((s) => s.size === 'XS') && skus.some((s) => s.size === '9.5'));
  });
});
