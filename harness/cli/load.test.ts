import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTestServer } from '../load/test-server.ts';
import type { RunResult } from '../results/index.ts';
import { run, shellWords } from './load.ts';
import { main } from './main.ts';

test('storebench load runs a ladder and writes run.json and steps.csv', async () => {
  const server = await startTestServer({ body: '[{"id":1}]' });
  const results = await mkdtemp(join(tmpdir(), 'sb-load-cli-'));
  try {
    const code = await run([
      '--url',
      server.url,
      '--server-pid',
      String(server.pid),
      '--backend',
      'stub',
      '--workload',
      'usages',
      '--kind',
      'concurrency',
      '--steps',
      '2,4',
      '--duration',
      '0.5',
      '--warmup',
      '0',
      '--results',
      results,
      '--run-id',
      'cli-test',
      '--dataset-fingerprint',
      'abc123',
      '--server-version',
      'stub=1.0',
    ]);
    assert.equal(code, 0);
    const runJson = JSON.parse(await readFile(join(results, 'cli-test', 'run.json'), 'utf8')) as RunResult;
    assert.equal(runJson.steps.length, 2);
    assert.deepEqual(
      runJson.steps.map((s) => s.target),
      [2, 4],
    );
    // The stub answers 200 with no id, so every usages POST is a body mismatch.
    assert.equal(runJson.steps[0]!.errors.bodyMismatch, runJson.steps[0]!.requests.completed);
    assert.equal(runJson.datasets[0]!.fingerprint, 'abc123');
    assert.equal(runJson.environment.serverVersions.stub, '1.0');
    assert.equal(runJson.summary[0]!.maxSustainableRps, null);
    const csv = await readFile(join(results, 'cli-test', 'steps.csv'), 'utf8');
    assert.equal(csv.trim().split('\n').length, 3);
  } finally {
    await server.close();
  }
  assert.equal(await main(['load', '--url', 'http://127.0.0.1:1', '--kind', 'open']), 2, 'a bad scenario exits 2');
});

test('shellWords splits a server command with quotes', () => {
  assert.deepEqual(shellWords(`node bin/storebench.mjs serve --url "postgres://a b" 'x y'`), [
    'node',
    'bin/storebench.mjs',
    'serve',
    '--url',
    'postgres://a b',
    'x y',
  ]);
});
