import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Backend, LoadProgress } from '../../core/backend.ts';
import { BackendUnavailableError } from '../../core/errors.ts';
import type {
  CatalogSource,
  FeatureRow,
  PhotoRow,
  ProductRow,
  RelatedRow,
  SkuRow,
  StyleRow,
} from '../../core/workloads/catalog/index.ts';
import { catalogDataset } from '../../core/workloads/catalog/dataset.ts';
import type { OverviewRecord } from '../../core/workloads/overview/index.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import { createMemoryBackend } from '../memory/index.ts';
import { parseCassandraUrl } from './cassandra-connection.ts';
import { createCassandraBackend } from './index.ts';

const { url, skip } = testServer('cassandra');
const KEYSPACE = 'storebench_loader_test';

/**
 * A catalog with Atelier's shape at toy scale, every table shuffled (loaders must
 * not depend on order, products must still list in id order) with ids that are not
 * dense (products 10, 20, 30...), so positions cannot be derived from ids.
 */
function shuffledCatalog(productCount: number): CatalogSource {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const shuffle = <T>(rows: T[]) => {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
  };
  const products: ProductRow[] = [];
  const features: FeatureRow[] = [];
  const styles: StyleRow[] = [];
  const photos: PhotoRow[] = [];
  const skus: SkuRow[] = [];
  const related: RelatedRow[] = [];
  for (let n = 1; n <= productCount; n++) {
    const p = n * 10;
    products.push({
      id: p,
      name: `P${p}`,
      slogan: `S${p}`,
      description: `D${p}`,
      category: 'C',
      default_price: `${p}`,
    });
    for (let f = 0; f < n % 4; f++)
      features.push({ id: features.length + 1, product_id: p, feature: `F${f}`, value: f === 1 ? null : `V${f}` });
    for (let r = 0; r < n % 6; r++)
      related.push({
        id: related.length + 1,
        current_product_id: p,
        related_product_id: ((n + r * 7) % productCount) * 10 + 10,
      });
    for (let s = 0; s < n % 3; s++) {
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
  for (const rows of [products, features, styles, photos, skus, related] as unknown[][]) shuffle(rows);
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
      tags: id % 2 ? [`t${id % 3}`, 'x'] : [],
    };
  }
}

async function sameCatalog(actual: Backend, expected: Backend, ids: number[], pages: [number, number][]) {
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

describe('cassandra bulk loader', { skip }, () => {
  let cassandra: Backend;

  before(async () => {
    // A small in-flight limit, so the limiter's back-pressure is exercised even at toy scale.
    cassandra = createCassandraBackend({ url: url!, keyspace: KEYSPACE, concurrency: 4 });
    await cassandra.migrate();
    await cassandra.reset();
  });
  after(async () => {
    await cassandra?.close();
  });

  test('a shuffled catalog with sparse ids reads exactly like the memory reference', async () => {
    const progress: LoadProgress[] = [];
    const report = await cassandra.load.catalog(shuffledCatalog(60), { onProgress: (p) => progress.push(p) });
    const reference = createMemoryBackend();
    const expected = await reference.load.catalog(shuffledCatalog(60));
    assert.deepEqual(report.rows, expected.rows);
    for (const table of Object.keys(expected.rows)) {
      const last = progress.filter((p) => p.table === table).at(-1);
      assert.deepEqual(last, { table, rows: expected.rows[table], done: true }, `final progress of ${table}`);
    }
    const ids = Array.from({ length: 62 }, (_, i) => i * 10 + 5 * (i % 2)); // every product, and ids between them
    await sameCatalog(cassandra, reference, ids, [
      [1, 5],
      [3, 7],
      [9, 7],
      [10, 7],
      [1, 1000],
      [2, 59],
      [61, 1],
    ]);
  });

  test('the generated catalog (ordered, many children per partition, batched) reads like the reference', async () => {
    await cassandra.reset();
    const dataset = catalogDataset({ scale: 300, seed: 7 });
    const progress: LoadProgress[] = [];
    const report = await cassandra.load.catalog(dataset, { onProgress: (p) => progress.push(p) });
    const reference = createMemoryBackend();
    assert.deepEqual(report.rows, (await reference.load.catalog(dataset)).rows);
    assert.ok(report.rows.skus! > 2000, 'enough skus to cross batches');
    assert.ok(progress.some((p) => !p.done) || report.rows.skus! < 10_000, 'progress during the load');
    const ids = [1, 2, 3, 150, 271, 299, 300, 301];
    await sameCatalog(cassandra, reference, ids, [
      [1, 5],
      [2, 1000],
      [1, 1000],
      [60, 5],
      [61, 5],
    ]);
  });

  test('a photo naming a style that was not loaded fails the load instead of vanishing', async () => {
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
    await assert.rejects(cassandra.load.catalog(source), /photo 1 names style 999/);
  });

  test('overview: rows land with their tags, progress is reported, an aborted load stops', async () => {
    const progress: LoadProgress[] = [];
    const report = await cassandra.load.overview(overviewRows(25), { onProgress: (p) => progress.push(p) });
    assert.deepEqual(report.rows, { overview: 25 });
    assert.deepEqual(progress.at(-1), { table: 'overview', rows: 25, done: true });
    assert.deepEqual(await cassandra.overview.get(25), {
      game_id: 25,
      game_name: 'G25',
      description: 'd',
      release_date: '2020-01-01',
      developer: 'dev',
      publisher: 'pub',
      tags: ['t1', 'x'],
    });
    assert.deepEqual((await cassandra.overview.get(24))?.tags, []);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(cassandra.load.overview(overviewRows(100, 1000), { signal: controller.signal }));
    assert.equal(await cassandra.overview.get(1099), undefined);
  });

  test('usages: timeuuid ids; ids that are not timeuuids read as undefined without a query error', async () => {
    const report = await cassandra.load.usages(
      (async function* () {
        for (let i = 0; i < 10; i++) yield { patientId: `${i}`, timestamp: 't', medication: 'm' };
      })(),
    );
    assert.deepEqual(report.rows, { usages: 10 });
    const id = await cassandra.usages.record({ patientId: '1', timestamp: 't', medication: 'm' });
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(await cassandra.usages.get(id), { id, patientId: '1', timestamp: 't', medication: 'm' });
    const unknownTimeuuid = `${id.slice(0, 24)}000000000000`;
    for (const bad of ['abc', '1', '123e4567-e89b-42d3-a456-426614174000', `${id}0`, unknownTimeuuid]) {
      assert.equal(await cassandra.usages.get(bad), undefined, bad);
    }
  });

  test('overview store: replace and remove of a missing id are false and write nothing', async () => {
    const update = {
      game_name: 'x',
      description: '',
      release_date: '0999-12-31',
      developer: '',
      publisher: '',
      tags: [],
    };
    assert.equal(await cassandra.overview.replace(777_777, update), false);
    assert.equal(await cassandra.overview.get(777_777), undefined);
    assert.equal(await cassandra.overview.remove(777_777), false);
    await cassandra.overview.create({ game_id: 777_777, ...update });
    assert.deepEqual(await cassandra.overview.get(777_777), { game_id: 777_777, ...update });
  });

  test('serverVersion names the server that answers', async () => {
    assert.match(await cassandra.serverVersion(), /^Apache Cassandra \d+\.\d+/);
  });
});

describe('cassandra backend with no server', () => {
  test('every call fails fast with BackendUnavailableError', { timeout: 20_000 }, async () => {
    const down = createCassandraBackend({ url: 'cassandra://127.0.0.1:1/datacenter1', connectTimeoutMs: 500 });
    try {
      const started = Date.now();
      await assert.rejects(down.ping(), BackendUnavailableError);
      await assert.rejects(down.overview.get(1), BackendUnavailableError);
      await assert.rejects(
        down.usages.record({ patientId: '1', timestamp: 't', medication: 'm' }),
        BackendUnavailableError,
      );
      await assert.rejects(down.load.overview(overviewRows(3)), BackendUnavailableError);
      await assert.rejects(down.migrate(), BackendUnavailableError);
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

/**
 * A node cut mid-session (relay switched off and on) is opt-in: the calls fail fast
 * and recover, but after such a cut cassandra-driver 4.10 leaves a pool reconnection
 * timer running past Client.shutdown(), so the test process would never exit.
 */
const midSessionOutage = process.env.STOREBENCH_CASSANDRA_OUTAGE_TEST === '1';

describe('cassandra backend across server outages', { skip }, () => {
  const game = {
    game_id: 4242,
    game_name: 'g',
    description: '',
    release_date: '2020-01-01',
    developer: '',
    publisher: '',
    tags: [],
  };

  test('started while the node is down: 503s, then recovers once it answers', { timeout: 30_000 }, async () => {
    const target = parseCassandraUrl(url!);
    const relay = new Relay({ host: target.hosts[0]!, port: target.port }, await freePort());
    const backend = createCassandraBackend({
      url: `cassandra://127.0.0.1:${relay.port}/${target.datacenter}`,
      keyspace: KEYSPACE,
      connectTimeoutMs: 500,
    });
    try {
      await assert.rejects(backend.ping(), BackendUnavailableError);
      await assert.rejects(backend.overview.get(1), BackendUnavailableError);
      await relay.up();
      await eventually(() => backend.ping(), 10_000);
      await backend.migrate();
      await backend.overview.remove(game.game_id);
      await backend.overview.create(game);
      assert.equal((await backend.overview.get(game.game_id))?.game_name, 'g');
    } finally {
      await backend.close();
      await relay.down();
    }
  });

  test(
    'cut while connected: 503 within the call deadline, then recovers',
    {
      timeout: 60_000,
      skip: midSessionOutage ? undefined : 'set STOREBENCH_CASSANDRA_OUTAGE_TEST=1 (driver leaks a timer)',
    },
    async () => {
      const target = parseCassandraUrl(url!);
      const relay = new Relay({ host: target.hosts[0]!, port: target.port }, await freePort());
      const backend = createCassandraBackend({
        url: `cassandra://127.0.0.1:${relay.port}/${target.datacenter}`,
        keyspace: KEYSPACE,
        connectTimeoutMs: 500,
      });
      try {
        await relay.up();
        await backend.migrate();
        await backend.overview.remove(game.game_id);
        await backend.overview.create(game);
        await relay.down();
        const cut = Date.now();
        await assert.rejects(backend.overview.get(game.game_id), BackendUnavailableError);
        assert.ok(Date.now() - cut < 6000, `503 after ${Date.now() - cut} ms`);
        await relay.up();
        await eventually(async () => assert.equal((await backend.overview.get(game.game_id))?.game_name, 'g'), 15_000);
      } finally {
        await backend.close();
        await relay.down();
      }
    },
  );
});
