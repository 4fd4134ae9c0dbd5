import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createMemoryBackend } from '../../adapters/memory/index.ts';
import type { Backend } from '../../core/backend.ts';
import {
  canonicalColumn,
  exportCatalogCsv,
  readCsvRecords,
  splitFields,
} from '../../core/workloads/catalog/atelier/index.ts';
import { catalogDataset } from '../../core/workloads/catalog/dataset.ts';
import { workload } from '../../core/workloads/index.ts';
import { fingerprintData } from './fingerprint.ts';
import { importWorkload, type ImportOptions } from './import.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'core', 'workloads', 'catalog', 'atelier', 'fixtures');
const catalog = workload('catalog');
const importCatalog = (dir: string, backend: Backend, options: ImportOptions) =>
  importWorkload(backend, catalog, dir, options);
const LIMITS = { maxRecordLines: 3, maxRecordChars: 2000, maxFieldChars: 200 };
const work = mkdtempSync(join(tmpdir(), 'storebench-import-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** rejects.csv as `file:line reason-kind` strings. */
async function rejectKeys(path: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const record of readCsvRecords(path)) {
    if (record.line === 1) continue;
    assert.ok(record.fields, `rejects.csv line ${record.line} parses`);
    const [file, line, reason] = record.fields;
    keys.push(`${file}:${line} ${reason!.slice(0, reason!.indexOf(':'))}`);
  }
  return keys;
}

describe('Atelier CSV import', () => {
  test('every defect is rejected with its reason, everything else is loaded', async () => {
    const backend = createMemoryBackend();
    const rejectsPath = join(work, 'out', 'rejects.csv');
    const result = await importCatalog(FIXTURES, backend, { rejectsPath, limits: LIMITS });

    assert.deepEqual((await rejectKeys(rejectsPath)).sort(), [
      'features.csv:10 bad value',
      'features.csv:6 orphan',
      'features.csv:7 orphan',
      'features.csv:8 duplicate id',
      'photos.csv:4 orphan',
      'photos.csv:6 field count',
      'photos.csv:8 unterminated quote',
      'product.csv:10 field count',
      'product.csv:11 field too long',
      'product.csv:12 duplicate id',
      'product.csv:13 bad value',
      'product.csv:16 line too long',
      'product.csv:7 unterminated quote',
      'related.csv:4 orphan',
      'related.csv:6 bad value',
      'related.csv:8 orphan',
      'skus.csv:10 duplicate id',
      'skus.csv:7 orphan',
      'skus.csv:8 bad value',
      'styles.csv:6 orphan',
      'styles.csv:7 bad value',
      'styles.csv:9 bad value',
    ]);
    assert.deepEqual(result.load.rows, { products: 8, features: 5, styles: 5, photos: 4, skus: 6, related: 4 });
    const product = result.files.find((f) => f.file === 'product.csv')!;
    assert.deepEqual(product, {
      file: 'product.csv',
      records: 14,
      accepted: 8,
      rejected: 6,
      reasons: {
        'unterminated quote': 1,
        'field count': 1,
        'field too long': 1,
        'duplicate id': 1,
        'bad value': 1,
        'line too long': 1,
      },
    });
    const summary = JSON.parse(readFileSync(result.summaryPath, 'utf8'));
    assert.equal(summary.fingerprint, result.fingerprint);
    assert.equal(summary.files.length, 6);

    // The rows that survived are served as the API contract says.
    const camo = await backend.catalog.getProduct(1);
    assert.equal(camo?.default_price, '140');
    assert.deepEqual(camo?.features, [
      { feature: 'Fabric', value: 'Canvas' },
      { feature: 'Buttons', value: 'Brass' },
    ]);
    const glasses = await backend.catalog.getProduct(2);
    assert.deepEqual(glasses?.features[1], { feature: 'UV Protection', value: null });
    const tee = await backend.catalog.getProduct(4);
    assert.equal(tee?.name, 'Quoted "Tee"');
    assert.equal(tee?.slogan, 'A slogan\non two lines');
    assert.equal((await backend.catalog.getProduct(6))?.name, "Slacker's Slacks"); // the line after the stray quote
    assert.equal(await backend.catalog.getProduct(5), undefined);
    const styles = await backend.catalog.getStyles(1);
    assert.deepEqual(styles?.results[0], {
      style_id: 1,
      name: 'Forest Green & Black',
      original_price: '140',
      sale_price: null,
      'default?': true,
      photos: [
        {
          thumbnail_url: 'https://images.unsplash.com/photo-1501088430049-71c79fa3283e?w=300&q=80',
          url: 'https://images.unsplash.com/photo-1501088430049-71c79fa3283e?w=668&q=80',
        },
        {
          thumbnail_url: 'https://images.unsplash.com/photo-1534011546717-407bced4d25c?w=300&q=80',
          url: 'https://images.unsplash.com/photo-1534011546717-407bced4d25c?w=668&q=80',
        },
      ],
      skus: { '1': { quantity: 8, size: 'XS' }, '2': { quantity: 16, size: 'S' }, '3': { quantity: 17, size: 'M' } },
    });
    assert.equal(styles?.results[1]?.sale_price, '100');
    assert.deepEqual((await backend.catalog.getStyles(2))?.results[0]?.skus, { '5': { quantity: 9, size: '7.5' } });
    assert.deepEqual(await backend.catalog.getRelated(1), [2, 3, 7]);
    assert.deepEqual(await backend.catalog.getRelated(2), [1]);
  });

  test('a generated catalog exported as Atelier CSV imports back to the same fingerprint', async () => {
    const generated = catalogDataset({ scale: 'tiny', seed: 6 });
    const dir = join(work, 'round-trip');
    await exportCatalogCsv(generated, dir);
    const backend = createMemoryBackend();
    const result = await importCatalog(dir, backend, { rejectsPath: join(dir, 'rejects.csv') });
    assert.equal(
      result.files.reduce((n, f) => n + f.rejected, 0),
      0,
    );
    const expected = await fingerprintData(catalog, catalog.dataset({ scale: 'tiny', seed: 6 }));
    assert.equal(result.fingerprint, expected.fingerprint);
    assert.deepEqual(result.load.rows, generated.counts());
  });

  test('header spellings: case, underscores and camelCase name the same column', () => {
    for (const header of ['styleId', 'style_id', 'StyleID', ' "style_id" '])
      assert.equal(canonicalColumn(header), 'style_id');
    assert.equal(canonicalColumn('\uFEFFid'), 'id');
    assert.equal(canonicalColumn('Default_Style'), 'default_style');
    assert.equal(canonicalColumn('thumbnailUrl'), 'thumbnail_url');
  });

  test('a missing column stops the import with a message naming it', async () => {
    const dir = join(work, 'bad-header');
    mkdirSync(dir, { recursive: true });
    for (const file of ['features', 'styles', 'photos', 'skus', 'related']) {
      writeFileSync(join(dir, `${file}.csv`), readFileSync(join(FIXTURES, `${file}.csv`)));
    }
    writeFileSync(join(dir, 'product.csv'), 'id,name,slogan,category,default_price\n1,a,b,c,1\n');
    await assert.rejects(
      importCatalog(dir, createMemoryBackend(), { rejectsPath: join(dir, 'rejects.csv') }),
      /product\.csv: missing column\(s\) description/,
    );
  });

  test('field splitting: escaped quotes, empty fields, stray quotes stay literal', () => {
    assert.deepEqual(splitFields('1,"a ""b"" c",,x"y,'), ['1', 'a "b" c', '', 'x"y', '']);
    assert.deepEqual(splitFields('"a"b",c'), ['a"b', 'c']);
  });
});
