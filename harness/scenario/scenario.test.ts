import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadScenarioFile, mixFor, parseScenario, scenarioOverrides, scenarioRecord, ScenarioError } from './index.ts';

test('an empty scenario gets every default', () => {
  const s = parseScenario({});
  assert.equal(s.stepKind, 'rate');
  assert.deepEqual(s.stepValues, [250, 500, 1000, 2000, 4000, 8000]);
  assert.deepEqual(s.slo, { p99Ms: 50, maxErrorRate: 0.01, minAchievedRatio: 0.95 });
  assert.equal(parseScenario({ stepKind: 'concurrency' }).stepValues[0], 16);
});

test('every trial gets new API processes and a new database process unless told otherwise', () => {
  const s = parseScenario({});
  assert.equal(s.apiPerTrial, 'fresh');
  assert.equal(s.databasePerTrial, 'restart');
  assert.equal(scenarioRecord(s).databasePerTrial, 'restart');
  const kept = parseScenario(scenarioOverrides({ 'database-per-trial': 'keep', 'api-per-trial': 'reuse' }));
  assert.equal(kept.databasePerTrial, 'keep');
  assert.equal(kept.apiPerTrial, 'reuse');
  assert.throws(() => parseScenario(scenarioOverrides({ 'database-per-trial': 'sometimes' })), /databasePerTrial/);
});

test('invalid scenarios are rejected with the path of each problem', () => {
  assert.throws(
    () => parseScenario({ stepKind: 'open', slo: { p99Ms: -1 }, extra: 1 }),
    (e: unknown) =>
      e instanceof ScenarioError &&
      /stepKind/.test(e.message) &&
      /slo\.p99Ms/.test(e.message) &&
      /extra/.test(e.message),
  );
});

test('the example files load, and CLI overrides win over the file', async () => {
  const s = await loadScenarioFile('harness/scenario/examples/catalog-rate.yaml', { stepValues: [100] });
  assert.equal(s.name, 'catalog-rate');
  assert.deepEqual(s.stepValues, [100]);
  const record = scenarioRecord(s);
  assert.deepEqual(Object.keys(record.mixes[0]!.weights).length, 4);
  const c = await loadScenarioFile('harness/scenario/examples/overview-concurrency.yaml');
  assert.equal(c.stepKind, 'concurrency');
  const dir = await mkdtemp(join(tmpdir(), 'sb-scenario-'));
  await writeFile(join(dir, 'bad.yaml'), 'stepValues: [1, "x"]\n');
  await assert.rejects(loadScenarioFile(join(dir, 'bad.yaml')), /stepValues/);
});

test('mixes aim at the id range of the scale', () => {
  const mix = mixFor('catalog', parseScenario({ scale: 'small', idDistribution: 'last10' }));
  let r = 0;
  const random = () => ((r = (r + 0.37) % 1), r);
  for (let i = 0; i < 50; i++) {
    const request = mix.templates[0]!.build(random)!;
    const id = Number(/\/products\/(\d+)/.exec(request.path)![1]);
    assert.ok(id > 9000 && id <= 10_000, `id ${id} outside the last 10% of 10,000 products`);
  }
});

test('every trial starts with the page cache warm unless told otherwise; the flag is validated', () => {
  const s = parseScenario({});
  assert.equal(s.pageCache, 'warm');
  assert.equal(scenarioRecord(s).pageCache, 'warm');
  assert.equal(parseScenario(scenarioOverrides({ 'page-cache': 'as-is' })).pageCache, 'as-is');
  assert.throws(() => parseScenario(scenarioOverrides({ 'page-cache': 'cold' })), /pageCache/);
});
