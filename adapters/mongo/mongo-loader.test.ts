import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Backend, LoadProgress } from '../../core/backend.ts';
import { BackendUnavailableError, ConflictError } from '../../core/errors.ts';
import type {
  CatalogSource,
  PhotoRow,
  ProductRow,
  RelatedRow,
  SkuRow,
  StyleRow,
} from '../../core/workloads/catalog/index.ts';
import type { FeatureRow } from '../../core/workloads/catalog/index.ts';
import type { OverviewRecord } from '../../core/workloads/overview/index.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import { createMemoryBackend } from '../memory/index.ts';
import { createMongoBackend } from './index.ts';

const { url, skip } = testServer('mongo');

/**
 * A catalog with Atelier's shape at toy scale, every table shuffled (loaders must
 * not depend on order) and children spread over many tiny batches, so each parent
 * receives several `$push`es from concurrent batches.
 */
function shuffledCatalog(productCount: number): CatalogSource {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const shuffle = <T>(rows: T[]) => {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    return rows;
  };
  const products: ProductRow[] = [];
  const features: FeatureRow[] = [];
  const styles: StyleRow[] = [];
  const photos: PhotoRow[] = [];
  const skus: SkuRow[] = [];
  const related: RelatedRow[] = [];
  for (let p = 1; p <= productCount; p++) {
    products.push({
      id: p,
      name: `P${p}`,
      slogan: `S${p}`,
      description: `D${p}`,
      category: 'C',
      default_price: `${p}`,
    });
    for (let f = 0; f < p % 4; f++)
      features.push({ id: features.length + 1, product_id: p, feature: `F${f}`, value: f === 1 ? null : `V${f}` });
    for (let r = 0; r < p % 6; r++)
      related.push({
        id: related.length + 1,
        current_product_id: p,
        related_product_id: ((p + r * 7) % productCount) + 1,
      });
    for (let s = 0; s < p % 3; s++) {
      const style = styles.length + 1;
      styles.push({
        id: style,
        product_id: p,
        name: `St${style}`,
        sale_price: s === 0 ? null : '5',
        original_price: '10',
        default_style: s === 0,
      });
      for (let k = 0; k < (style % 7) + 1; k++)
        photos.push({ id: photos.length + 1, style_id: style, url: `u${k}`, thumbnail_url: `t${k}` });
      for (let k = 0; k < (style % 5) * 3; k++)
        skus.push({ id: skus.length + 1, style_id: style, size: `Z${k}`, quantity: k });
    }
  }
  const tables = { products, features, styles, photos, skus, related };
  for (const rows of Object.values(tables)) shuffle(rows as unknown[]);
  const stream = <T>(rows: T[]) =>
    async function* () {
      yield* rows;
    };
  return {
    products: stream(products),
    features: stream(features),
    styles: stream(styles),
    photos: stream(photos),
    skus: stream(skus),
    related: stream(related),
  };
}

async function* overviewRows(count: number, firstId = 1): AsyncIterable<OverviewRecord> {
  for (let id = firstId; id < firstId + count; id++) {
    yield {
      game_id: id,
      game_name: `G${id}`,
      description: 'd',
      release_date: '2020-01-01',
      developer: 'dev',
      publisher: 'pub',
      tags: [`t${id % 3}`],
    };
  }
}

describe('mongo bulk loader', { skip }, () => {
  let mongo: Backend;
  const reference = createMemoryBackend();
  const PRODUCTS = 60;

  before(async () => {
    mongo = createMongoBackend({
      url: url!,
      database: 'storebench_loader_test',
      bulk: { batchSize: 7, batchesInFlight: 3 },
    });
    await mongo.migrate();
    await mongo.reset();
  });
  after(async () => {
    await mongo?.close();
  });

  test('a shuffled catalog loads into embedded documents that read exactly like the memory reference', async () => {
    const progress: LoadProgress[] = [];
    const report = await mongo.load.catalog(shuffledCatalog(PRODUCTS), { onProgress: (p) => progress.push(p) });
    const expected = await reference.load.catalog(shuffledCatalog(PRODUCTS));
    assert.deepEqual(report.rows, expected.rows);
    for (const table of Object.keys(expected.rows)) {
      const last = progress.filter((p) => p.table === table).at(-1);
      assert.deepEqual(last, { table, rows: expected.rows[table], done: true }, `final progress of ${table}`);
    }
    for (let id = 1; id <= PRODUCTS + 1; id++) {
      assert.deepEqual(await mongo.catalog.getProduct(id), await reference.catalog.getProduct(id), `product ${id}`);
      assert.deepEqual(await mongo.catalog.getStyles(id), await reference.catalog.getStyles(id), `styles ${id}`);
      assert.deepEqual(await mongo.catalog.getRelated(id), await reference.catalog.getRelated(id), `related ${id}`);
    }
    // Products arrived shuffled, so positions were renumbered after the load.
    for (const [page, count] of [
      [1, 5],
      [3, 7],
      [9, 7],
      [10, 7],
      [1, 1000],
      [2, 59],
    ] as const) {
      assert.deepEqual(
        await mongo.catalog.listProducts(page, count),
        await reference.catalog.listProducts(page, count),
        `page ${page}x${count}`,
      );
    }
  });

  test('a photo naming a style that was not loaded fails the load instead of vanishing', async () => {
    const orphans = createMongoBackend({ url: url!, database: 'storebench_loader_orphans' });
    try {
      await orphans.migrate();
      await orphans.reset();
      const rows = <T>(list: T[]) =>
        async function* () {
          yield* list;
        };
      const source: CatalogSource = {
        products: rows([{ id: 1, name: 'p', slogan: 's', description: 'd', category: 'c', default_price: '1' }]),
        features: rows([]),
        styles: rows([{ id: 1, product_id: 1, name: 's', sale_price: null, original_price: '1', default_style: true }]),
        photos: rows([{ id: 1, style_id: 999, url: 'u', thumbnail_url: 't' }]),
        skus: rows([]),
        related: rows([]),
      };
      await assert.rejects(orphans.load.catalog(source), /photo 1 names style 999/);
    } finally {
      await orphans.close();
    }
  });

  test('overview: batches are acknowledged, progress is reported, a duplicate id is a ConflictError', async () => {
    const progress: LoadProgress[] = [];
    const report = await mongo.load.overview(overviewRows(25), { onProgress: (p) => progress.push(p) });
    assert.deepEqual(report.rows, { overview: 25 });
    assert.deepEqual(progress.at(-1), { table: 'overview', rows: 25, done: true });
    assert.equal((await mongo.overview.get(25))?.game_name, 'G25');
    await assert.rejects(mongo.load.overview(overviewRows(3, 24)), ConflictError);
  });

  test('an aborted load stops early', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(mongo.load.overview(overviewRows(100, 1000), { signal: controller.signal }));
    assert.equal(await mongo.overview.get(1099), undefined);
  });

  test('usages: loaded rows get ObjectId ids; ids the adapter never issues read as undefined', async () => {
    const report = await mongo.load.usages(
      (async function* () {
        for (let i = 0; i < 10; i++) yield { patientId: `${i}`, timestamp: 't', medication: 'm' };
      })(),
    );
    assert.deepEqual(report.rows, { usages: 10 });
    const id = await mongo.usages.record({ patientId: '1', timestamp: 't', medication: 'm' });
    assert.match(id, /^[0-9a-f]{24}$/);
    assert.deepEqual(await mongo.usages.get(id), { id, patientId: '1', timestamp: 't', medication: 'm' });
    for (const bad of ['abc', '1', id.toUpperCase(), `${id}0`, '{"$gt":""}', 'ffffffffffffffffffffffff']) {
      assert.equal(await mongo.usages.get(bad), undefined, bad);
    }
  });

  test('overview store: replace and remove of a missing id are false and write nothing', async () => {
    const { game_id: _, ...update } = {
      game_id: 0,
      game_name: 'x',
      description: '',
      release_date: '2020-01-01',
      developer: '',
      publisher: '',
      tags: [],
    };
    assert.equal(await mongo.overview.replace(777_777, update), false);
    assert.equal(await mongo.overview.get(777_777), undefined);
    assert.equal(await mongo.overview.remove(777_777), false);
  });

  test('serverVersion names the server that answers', async () => {
    assert.match(await mongo.serverVersion(), /^(MongoDB \d|FerretDB \d|mongo-java-server )/);
  });
});

describe('mongo backend with no server', () => {
  test('every call fails fast with BackendUnavailableError', { timeout: 20_000 }, async () => {
    const down = createMongoBackend({ url: 'mongodb://127.0.0.1:1/x', serverSelectionTimeoutMS: 500 });
    try {
      const started = Date.now();
      await assert.rejects(down.ping(), BackendUnavailableError);
      await assert.rejects(down.overview.get(1), BackendUnavailableError);
      await assert.rejects(
        down.usages.record({ patientId: '1', timestamp: 't', medication: 'm' }),
        BackendUnavailableError,
      );
      await assert.rejects(down.load.overview(overviewRows(3)), BackendUnavailableError);
      assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    } finally {
      await down.close();
    }
  });
});

/** A TCP relay to the real server that can be switched off and on: the database "goes down" and "comes back". */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
  ) {}
  async up(): Promise<void> {
    this.server = createServer((inbound) => {
      const outbound = connect(this.target.port, this.target.host);
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => this.sockets.delete(socket));
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
  }
  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function eventually(call: () => Promise<unknown>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await call();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe('mongo backend across server outages', { skip }, () => {
  test(
    'started while the server is down: 503s, then recovers; and again after a later outage',
    { timeout: 40_000 },
    async () => {
      const target = new URL(url!);
      const relay = new Relay({ host: target.hostname, port: Number(target.port || 27017) }, await freePort());
      const backend = createMongoBackend({
        url: `mongodb://127.0.0.1:${relay.port}/?directConnection=true`,
        database: 'storebench_outage_test',
        serverSelectionTimeoutMS: 500,
      });
      try {
        await assert.rejects(backend.ping(), BackendUnavailableError);
        await assert.rejects(backend.overview.get(1), BackendUnavailableError);
        await relay.up();
        await eventually(() => backend.ping(), 10_000);
        await backend.migrate();
        await backend.overview.remove(1);
        await backend.overview.create({
          game_id: 1,
          game_name: 'g',
          description: '',
          release_date: '2020-01-01',
          developer: '',
          publisher: '',
          tags: [],
        });

        await relay.down();
        await assert.rejects(backend.overview.get(1), BackendUnavailableError);
        await relay.up();
        await eventually(async () => assert.equal((await backend.overview.get(1))?.game_name, 'g'), 10_000);
      } finally {
        await backend.close();
        await relay.down();
      }
    },
  );
});
