import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { testServer } from '../../core/conformance/test-servers.ts';
import { createMemoryBackend } from '../memory/index.ts';
import { withCache } from './index.ts';

const { url: redisUrl, skip } = testServer('redis');

test('cache hits, misses and errors are counted in the registry', { skip }, async () => {
  // Wait for the connection: without an offline queue, commands sent earlier fail (and count as errors).
  const client = new Redis(redisUrl!, { enableOfflineQueue: false });
  await once(client, 'ready');
  const backend = withCache(createMemoryBackend(), client, { keyPrefix: `sbtest:${process.pid}:metrics:` });
  const registry = new Registry();
  backend.instrument!(registry);
  await backend.migrate();
  await backend.reset();
  const record = {
    game_id: 7,
    game_name: 'g',
    description: 'd',
    release_date: '2020-01-01',
    developer: 'x',
    publisher: 'y',
    tags: [],
  };
  await backend.overview.create(record);
  assert.deepEqual(await backend.overview.get(7), record);
  await new Promise((r) => setTimeout(r, 50)); // the fill is fire-and-forget
  assert.deepEqual(await backend.overview.get(7), record);
  await backend.overview.replace(7, { ...record, game_name: 'h' });
  assert.equal((await backend.overview.get(7))?.game_name, 'h', 'no stale read after a write');
  const metrics = await registry.getMetricsAsJSON();
  const values = metrics.find((m) => m.name === 'storebench_cache_requests_total')!.values;
  const of = (result: string) => values.find((v) => v.labels.result === result)?.value ?? 0;
  assert.equal(of('hit'), 1);
  assert.equal(of('miss'), 2);
  await backend.close();
  client.disconnect();
});
