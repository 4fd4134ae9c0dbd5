import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run as compareCli } from './compare.ts';
import { UsageError } from './flags.ts';

test('compare --runs 2 runs the whole comparison twice and writes the repeatability report of the two', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'storebench-compare-runs-'));
  try {
    const status = await compareCli(
      [
        ['--backends', 'memory', '--workloads', 'overview', '--scale', 'tiny', '--method', 'ladder', '--trials', '2'],
        ['--steps', '40,80', '--duration', '1', '--warmup', '0', '--target-warmup', '0', '--phase-shift', '0'],
        ['--results', dir, '--run-id', 't', '--runs', '2'],
      ].flat(),
    );
    assert.equal(status, 0);
    assert.ok(existsSync(join(dir, 't-1', 'run.json')));
    assert.ok(existsSync(join(dir, 't-2', 'run.json')));
    const md = await readFile(join(dir, 'repeat-t-1-to-t-2', 'repeatability.md'), 'utf8');
    assert.match(md, /^# storebench repeatability: 2 runs/);
    assert.match(md, /\| overview \| memory \(A\/A twin\) \|/);
    await assert.rejects(compareCli(['--runs', '0', '--results', dir]), UsageError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
