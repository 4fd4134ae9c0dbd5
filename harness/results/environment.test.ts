import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { memoryReclaim } from './environment.ts';
import { readStorageReads, storageReadsSince } from '../load/vmstat.ts';

/** A fake /sys with the given files (path relative to it, content). */
async function fakeSys(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'storebench-sys-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), `${content}\n`);
  }
  return root;
}

const kdamond = (state: string, action: string): Record<string, string> => ({
  'kernel/mm/damon/admin/kdamonds/0/state': state,
  'kernel/mm/damon/admin/kdamonds/0/contexts/0/monitoring_attrs/intervals/aggr_us': '5000000',
  'kernel/mm/damon/admin/kdamonds/0/contexts/0/schemes/0/action': action,
  'kernel/mm/damon/admin/kdamonds/0/contexts/0/schemes/0/access_pattern/age/min': '12',
});

test('a DAMON pageout scheme that is on is named with its idle time (min age x aggregation interval)', async () => {
  const roots: string[] = [];
  try {
    roots.push(await fakeSys(kdamond('on', 'pageout')));
    assert.equal(memoryReclaim(roots.at(-1)), 'DAMON (kdamond 0) pages out memory not accessed for 60 s or more');
    roots.push(await fakeSys(kdamond('off', 'pageout')));
    assert.equal(memoryReclaim(roots.at(-1)), null, 'a kdamond that is off evicts nothing');
    roots.push(await fakeSys(kdamond('on', 'stat')));
    assert.equal(memoryReclaim(roots.at(-1)), null, 'a scheme that only counts evicts nothing');
    roots.push(
      await fakeSys({ 'module/damon_reclaim/parameters/enabled': 'Y', 'module/damon_reclaim/parameters/min_age': '120000000' }),
    );
    assert.equal(memoryReclaim(roots.at(-1)), 'DAMON_RECLAIM pages out memory not accessed for 120 s or more');
    roots.push(await fakeSys({}));
    assert.equal(memoryReclaim(roots.at(-1)), null);
  } finally {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  }
});

test('storage reads from vmstat: pgpgin and pgmajfault, differences never negative', async () => {
  const root = await fakeSys({ vmstat: 'pgpgout 9\npgpgin 2048\npgmajfault 17\npgmajfault_x 3' });
  try {
    assert.deepEqual(readStorageReads(join(root, 'vmstat')), { readKiB: 2048, majorFaults: 17 });
    assert.equal(readStorageReads(join(root, 'missing')), null);
    assert.deepEqual(storageReadsSince({ readKiB: 100, majorFaults: 5 }, { readKiB: 612, majorFaults: 4 }), {
      readKiB: 512,
      majorFaults: 0,
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
