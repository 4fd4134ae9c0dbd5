import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import type { Backend } from '../../core/backend.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import type { OverviewRecord } from '../../core/workloads/overview/index.ts';
import { createMemoryBackend } from '../memory/index.ts';
import { createPostgresBackend } from '../postgres/index.ts';
import { withCache } from './index.ts';

const ROUNDS = 1_000;
const READERS = 8;
/** Reads that must start after each acknowledged write before the next write begins. */
const READS_PER_ROUND = READERS;
const GAME_ID = 31_337;

const redis = testServer('redis');
const postgres = testServer('postgres');

/** The record at write number `version`: the version is in its name, so any read says which write it saw. */
const recordAt = (version: number): OverviewRecord => ({
  game_id: GAME_ID,
  game_name: `v${version}`,
  description: 'staleness probe',
  release_date: '2020-01-01',
  developer: 'dev',
  publisher: 'pub',
  tags: [],
});

interface Outcome {
  reads: number;
  /** Reads that returned a record older than the last write acknowledged before the read began. */
  stale: number;
  /** PUT rounds only: reads that found no record at all (it always exists there). */
  missing: number;
}

/**
 * Write-then-read rounds: one writer makes write number 1, 2, 3… (a PUT of a new version, or a DELETE and
 * a re-create), and after each acknowledgement waits until READS_PER_ROUND reads have started; READERS
 * readers read the record in a loop meanwhile. A read that returns a version older than the last write
 * acknowledged before it started is stale (a deleted record counts as the version of its delete).
 */
async function writeThenReadRounds(backend: Backend, kind: 'PUT' | 'DELETE'): Promise<Outcome> {
  const overview = backend.overview;
  await overview.remove(GAME_ID);
  await overview.create(recordAt(0));
  let acked = 0;
  let readsSinceAck = 0;
  let done = false;
  const outcome: Outcome = { reads: 0, stale: 0, missing: 0 };

  const reader = async (): Promise<void> => {
    while (!done) {
      const floor = acked;
      readsSinceAck++;
      const read = await overview.get(GAME_ID);
      outcome.reads++;
      if (read === undefined) {
        if (kind === 'PUT') outcome.missing++;
        continue;
      }
      if (Number(read.game_name.slice(1)) < floor) outcome.stale++;
    }
  };
  const readers = Array.from({ length: READERS }, reader);

  let version = 0;
  for (let round = 0; round < ROUNDS; round++) {
    if (kind === 'PUT') {
      version++;
      const { game_id: _, ...update } = recordAt(version);
      assert.equal(await overview.replace(GAME_ID, update), true);
    } else {
      // The delete is a write of its own: a read after it must not return the record it removed.
      version++;
      assert.equal(await overview.remove(GAME_ID), true);
      acked = version;
      await readsAfterAck();
      version++;
      await overview.create(recordAt(version));
    }
    acked = version;
    await readsAfterAck();
  }
  done = true;
  await Promise.all(readers);
  return outcome;

  async function readsAfterAck(): Promise<void> {
    readsSinceAck = 0;
    while (readsSinceAck < READS_PER_ROUND) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The cache around `make()`'s backend, on a fresh key prefix, with a TTL long enough that staleness would persist. */
async function cachedBackend(
  make: () => Backend,
  label: string,
): Promise<{ backend: Backend; close(): Promise<void> }> {
  const client = new Redis(redis.url!, { enableOfflineQueue: false });
  await once(client, 'ready');
  const backend = withCache(make(), client, { keyPrefix: `sbtest:${process.pid}:stale:${label}:`, ttlSeconds: 60 });
  await backend.migrate();
  return {
    backend,
    async close() {
      await backend.overview.remove(GAME_ID);
      await backend.close();
      client.disconnect();
    },
  };
}

/**
 * The memory backend answers within the same tick, which leaves a racing write almost no room; a database's
 * round trip is what opens the window. So its overview reads take `ms` after reading, like a reply in transit.
 */
function memoryWithReadLatency(ms: number): Backend {
  const memory = createMemoryBackend();
  const get = memory.overview.get.bind(memory.overview);
  memory.overview.get = async (gameId) => {
    const read = await get(gameId);
    await new Promise((resolve) => setTimeout(resolve, ms));
    return read;
  };
  return memory;
}

const inner: [string, () => Backend, string | undefined][] = [
  ['memory (1 ms reads)', () => memoryWithReadLatency(1), redis.skip],
  ['postgres', () => createPostgresBackend({ url: postgres.url! }), redis.skip ?? postgres.skip],
];

for (const [name, make, skip] of inner) {
  describe(`redis cache around ${name}: no stale read after an acknowledged write`, { skip }, () => {
    for (const kind of ['PUT', 'DELETE'] as const) {
      test(`${ROUNDS} ${kind}-then-GET rounds with ${READERS} concurrent readers: 0 stale reads`, async () => {
        const { backend, close } = await cachedBackend(make, `${name}:${kind}`);
        try {
          const outcome = await writeThenReadRounds(backend, kind);
          assert.ok(outcome.reads >= ROUNDS * READS_PER_ROUND, `only ${outcome.reads} reads`);
          assert.deepEqual(
            { stale: outcome.stale, missing: outcome.missing },
            { stale: 0, missing: 0 },
            `${outcome.stale} stale of ${outcome.reads} reads`,
          );
        } finally {
          await close();
        }
      });
    }
  });
}
