import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Backend, LoadProgress } from '../../core/backend.ts';
import { BackendUnavailableError, ConflictError, ValidationError } from '../../core/errors.ts';
import { ATELIER_PRODUCT_DEFAULTS, type CatalogSource, type ProductRow } from '../../core/workloads/catalog/index.ts';
import type { UsageInput } from '../../core/workloads/usages/index.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import { syntheticCatalog, syntheticCatalogCounts } from './bench/synthetic-catalog.ts';
import { copyText, copyTextArray } from './copy-encoding.ts';
import { createPostgresBackend } from './index.ts';
import { toStoreError } from './postgres-errors.ts';
import { SCHEMA_OBJECTS, TABLES } from './schema.ts';

describe('COPY text encoding', () => {
  test('escapes backslash, tab, newline and carriage return, nothing else', () => {
    assert.equal(copyText('plain "text", {with} NULL'), 'plain "text", {with} NULL');
    assert.equal(copyText('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
    assert.equal(copyText('\\N'), '\\\\N');
  });

  test('text[] literals quote every element and escape quotes and backslashes twice over', () => {
    assert.equal(copyTextArray([]), '{}');
    assert.equal(copyTextArray(['NULL', 'a,b']), '{"NULL","a,b"}');
    // element `"q"\` -> array literal `"\"q\"\\"` -> COPY text doubles each backslash
    assert.equal(copyTextArray(['"q"\\']), '{"\\\\"q\\\\"\\\\\\\\"}');
  });
});

describe('driver errors as typed errors', () => {
  test("a value PostgreSQL refuses is a 400 whose message says nothing of PostgreSQL's text, kept as its cause", () => {
    const refused = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    const error = toStoreError(refused, 'create overview 7');
    assert.ok(error instanceof ValidationError);
    assert.equal(error.message, 'create overview 7: a value cannot be stored');
    assert.equal(error.cause, refused);
  });

  test('a refused connection is a BackendUnavailableError carrying the driver error', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const error = toStoreError(refused, 'get overview');
    assert.ok(error instanceof BackendUnavailableError);
    assert.equal(error.cause, refused);
  });
});

const { url, skip } = testServer('postgres');

/** Marks this file's pool so that the recovery test kills only its own connections on a shared server. */
const APPLICATION = `storebench-test-${process.pid}`;

describe('postgres bulk loader', { skip }, () => {
  let backend: Backend;
  let sql: pg.Client;

  /** Every key, index and constraint of our tables with its full definition. */
  async function schemaSnapshot(): Promise<string[]> {
    const tables = TABLES.map((t) => t.name);
    const { rows } = await sql.query<{ item: string }>(
      `SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(c.oid) || ' valid=' || convalidated AS item
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = ANY($1)
       UNION ALL
       SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE tablename = ANY($1)
       ORDER BY 1`,
      [tables],
    );
    return rows.map((r) => r.item);
  }

  async function count(table: string): Promise<number> {
    const { rows } = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0]!.n);
  }

  before(async () => {
    backend = createPostgresBackend({ url: url!, poolSize: 4, applicationName: APPLICATION });
    sql = new pg.Client({ connectionString: url! });
    await sql.connect();
    await backend.migrate();
    await backend.reset();
  });
  after(async () => {
    await backend?.reset().catch(() => {});
    await backend?.close();
    await sql?.end();
  });

  test('migrate creates every key, FK index and foreign key, and is idempotent', async () => {
    const first = await schemaSnapshot();
    for (const object of SCHEMA_OBJECTS) {
      assert.ok(
        first.some((item) => item.includes(` ${object.name} `)),
        `${object.name} exists`,
      );
    }
    await backend.migrate();
    assert.deepEqual(await schemaSnapshot(), first);
  });

  test('catalog: every table loaded, schema identical to the migrated one, nested styles JSON', async () => {
    const migrated = await schemaSnapshot();
    const progress: LoadProgress[] = [];
    const report = await backend.load.catalog(syntheticCatalog(500), { onProgress: (p) => progress.push(p) });
    const expected = syntheticCatalogCounts(500);
    assert.deepEqual(report.rows, Object.fromEntries(Object.keys(report.rows).map((t) => [t, expected[t]])));
    assert.deepEqual(Object.keys(report.rows).sort(), Object.keys(expected).sort());
    for (const [table, rows] of Object.entries(expected)) assert.equal(await count(table), rows, table);
    assert.deepEqual(
      progress
        .filter((p) => p.done)
        .map((p) => `${p.table}:${p.rows}`)
        .sort(),
      Object.entries(expected)
        .map(([t, n]) => `${t}:${n}`)
        .sort(),
    );
    assert.deepEqual(await schemaSnapshot(), migrated, 'keys, indexes and FKs rebuilt exactly, and validated');
    const { rows: analyzed } = await sql.query(
      `SELECT relname FROM pg_stat_user_tables WHERE relname = ANY($1) AND last_analyze IS NULL AND last_autoanalyze IS NULL`,
      [Object.keys(expected)],
    );
    assert.deepEqual(analyzed, [], 'every table analyzed');

    const styles = await backend.catalog.getStyles(500);
    assert.ok(styles);
    assert.equal(styles.product_id, '500');
    assert.deepEqual(
      styles.results.map((s) => s.style_id),
      [999, 1000],
    );
    const [first, second] = styles.results;
    assert.deepEqual(Object.keys(first!).sort(), [
      'default?',
      'name',
      'original_price',
      'photos',
      'sale_price',
      'skus',
      'style_id',
    ]);
    assert.equal(first!['default?'], true);
    assert.equal(second!['default?'], false);
    assert.equal(first!.sale_price, null);
    assert.equal(second!.sale_price, String(50 + (1000 % 90)));
    assert.equal(typeof first!.original_price, 'string');
    assert.equal(first!.photos.length, 2); // style 999: 999 % 5 == 4 -> 2 photos
    assert.match(first!.photos[0]!.url, /w=668/);
    const skuIds = Object.keys(first!.skus).map(Number);
    assert.equal(skuIds.length, 5);
    assert.deepEqual(
      skuIds,
      [...skuIds].sort((a, b) => a - b),
    );
    assert.deepEqual(first!.skus[String(skuIds[0])], { quantity: (skuIds[0]! * 7) % 60, size: 'XS' });
    assert.equal((await backend.catalog.getRelated(500))?.length, 5);
    assert.equal((await backend.catalog.getProduct(500))?.features.length, 3);
  });

  test('usages: progress every 100k rows, ids restart from 1', async () => {
    const progress: LoadProgress[] = [];
    async function* usages(): AsyncGenerator<UsageInput> {
      for (let i = 0; i < 120_000; i++) yield { patientId: String(i), timestamp: 't', medication: 'm' };
    }
    const report = await backend.load.usages(usages(), { onProgress: (p) => progress.push(p) });
    assert.deepEqual(report.rows, { usages: 120_000 });
    assert.deepEqual(progress, [
      { table: 'usages', rows: 100_000, done: false },
      { table: 'usages', rows: 120_000, done: true },
    ]);
    assert.deepEqual(await backend.usages.get('1'), { id: '1', patientId: '0', timestamp: 't', medication: 'm' });
    assert.equal(await backend.usages.record({ patientId: 'p', timestamp: 't', medication: 'm' }), '120001');
  });

  test('usage ids that could never exist read as undefined', async () => {
    for (const id of ['abc', '0', '-1', '1.5', '01', '9223372036854775808', '99999999999999999999', '']) {
      assert.equal(await backend.usages.get(id), undefined, id);
    }
  });

  test('a failed load (duplicate keys) rejects, leaves the tables empty and the schema as migrated', async () => {
    await backend.reset();
    const migrated = await schemaSnapshot();
    const product: ProductRow = {
      id: 1,
      name: 'n',
      slogan: 's',
      description: 'd',
      category: 'c',
      default_price: '1',
      ...ATELIER_PRODUCT_DEFAULTS,
    };
    const empty = async function* () {};
    const duplicated: CatalogSource = {
      products: async function* () {
        yield product;
        yield product;
      },
      features: empty,
      styles: empty,
      photos: empty,
      skus: empty,
      related: empty,
    };
    await assert.rejects(backend.load.catalog(duplicated), ConflictError);
    assert.equal(await count('products'), 0);
    assert.deepEqual(await schemaSnapshot(), migrated);
  });

  test('an aborted load rejects and leaves the schema as migrated', async () => {
    const migrated = await schemaSnapshot();
    const controller = new AbortController();
    async function* endless(): AsyncGenerator<UsageInput> {
      for (let i = 0; ; i++) {
        if (i === 50_000) controller.abort();
        yield { patientId: String(i), timestamp: 't', medication: 'm' };
      }
    }
    await assert.rejects(backend.load.usages(endless(), { signal: controller.signal }), { name: 'AbortError' });
    assert.equal(await count('usages'), 0);
    assert.deepEqual(await schemaSnapshot(), migrated);
  });

  test('the pool recovers by itself after its connections are killed', async () => {
    await backend.ping();
    await backend.overview.get(1); // a few pooled connections exist now
    await sql.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
      [APPLICATION],
    );
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(
        await backend.ping().then(
          () => 'ok',
          (error: unknown) => (error instanceof BackendUnavailableError ? '503' : `unexpected ${String(error)}`),
        ),
      );
    }
    assert.ok(
      outcomes.every((o) => o === 'ok' || o === '503'),
      outcomes.join(),
    );
    assert.equal(outcomes.at(-1), 'ok', outcomes.join());
  });
});

// A closed port (no server at all) is the conformance suite's no-server behaviour.
describe('postgres with a server that never answers', () => {
  test('a server that accepts but never answers: the connection timeout turns it into a 503', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as AddressInfo;
    const backend = createPostgresBackend({
      url: `postgres://storebench@127.0.0.1:${port}/storebench`,
      connectionTimeoutMs: 500,
    });
    const started = Date.now();
    try {
      await assert.rejects(backend.catalog.getStyles(1), BackendUnavailableError);
      await assert.rejects(backend.ping(), BackendUnavailableError);
    } finally {
      await backend.close();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
    assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
  });
});
