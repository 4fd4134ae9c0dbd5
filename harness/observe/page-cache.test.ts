import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { mappedFiles, warmPageCache } from './page-cache.ts';

const linux = process.platform === 'linux';

test('every file under the data directories is read, nested ones too; sizes and time recorded', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'storebench-page-cache-'));
  try {
    await mkdir(join(dir, 'base', '16384'), { recursive: true });
    await writeFile(join(dir, 'base', '16384', 'rel'), Buffer.alloc(3 << 20, 1));
    await writeFile(join(dir, 'PG_VERSION'), '16\n');
    await writeFile(join(dir, 'empty'), '');
    const warmed = await warmPageCache([dir, join(dir, 'gone')], []);
    assert.equal(warmed.files, 3);
    assert.equal(warmed.mib, 3);
    assert.ok(warmed.seconds >= 0);
    if (linux) assert.equal(typeof warmed.fromStorageMiB, 'number', 'storage reads come from /proc/vmstat');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the files a process maps: its executable, no device or anonymous mappings', { skip: !linux }, () => {
  const files = mappedFiles([process.pid]);
  assert.ok(files.includes(process.execPath), `${process.execPath} in ${files.join(', ')}`);
  assert.ok(files.every((f) => f.startsWith('/') && !/^\/(dev|proc|sys)\//.test(f) && !f.endsWith('(deleted)')));
  assert.deepEqual(mappedFiles([2 ** 22 + 17]), [], 'a pid that is gone maps nothing');
});

test('warming with a process reads what it maps as well as the data directory', { skip: !linux }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'storebench-page-cache-'));
  try {
    await writeFile(join(dir, 'data'), Buffer.alloc(1 << 20, 2));
    const alone = await warmPageCache([dir], []);
    const withProcess = await warmPageCache([dir], [process.pid]);
    assert.equal(alone.files, 1);
    assert.ok(withProcess.files > alone.files);
    assert.ok(withProcess.mib > alone.mib, 'the node executable alone is tens of MiB');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
