import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { newRunResult, STEP_COLUMNS, writeRun, type StepResult } from './index.ts';

const step: StepResult = {
  backend: 'memory',
  workload: 'catalog',
  kind: 'rate',
  index: 0,
  target: 500,
  connections: 50,
  durationS: 10,
  warmupS: 3,
  startedAt: '2026-11-23T03:00:00.000Z',
  offeredRps: 500,
  achievedRps: 499.9,
  requests: { scheduled: 5000, sent: 5000, completed: 4999, ok: 4990 },
  latencyMs: { count: 5000, min: 0.2, mean: 1.1, p50: 1, p90: 2, p99: 5, p999: 9, max: 12, distribution: [[50, 1]] },
  errors: {
    total: 10,
    rate: 0.002,
    byStatus: { '500': 8 },
    timeouts: 1,
    socket: 0,
    bodyMismatch: 1,
    notSent: 0,
  },
  resources: [
    { role: 'server', pids: [1], cpuPercentAvg: 40, cpuPercentMax: 55, rssBytesAvg: 1, rssBytesMax: 104857600, samples: 20 },
  ],
  valid: true,
  invalidReasons: [],
  slo: { met: false, reasons: ['p99 60 ms > 50 ms, really'] },
  bytesRead: 1000,
};

test('writeRun writes run.json and a steps.csv with one quoted row per step', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sb-results-'));
  const run = newRunResult({
    scenario: {
      name: 't',
      workloads: ['catalog'],
      backends: ['memory'],
      stepKind: 'rate',
      stepValues: [500],
      stepDurationS: 10,
      warmupS: 3,
      requestTimeoutMs: 10000,
      idDistribution: 'last10',
      slo: { p99Ms: 50, maxErrorRate: 0.01, minAchievedRatio: 0.95 },
      stopAfterFailedSteps: 2,
      profile: 'none',
      mixes: [],
    },
    serverVersions: { storebench: '0.1.0' },
  });
  run.steps.push(step);
  const out = await writeRun(dir, run);
  const json = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(json.schemaVersion, 1);
  assert.equal(json.steps[0].achievedRps, 499.9);
  assert.ok(json.environment.cores >= 1 && json.environment.node.startsWith('v'));
  const lines = (await readFile(join(out, 'steps.csv'), 'utf8')).trim().split('\n');
  assert.equal(lines.length, 2);
  assert.equal(lines[0], STEP_COLUMNS.join(','));
  assert.match(lines[1]!, /^memory,catalog,rate,0,500,50,/);
  assert.match(lines[1]!, /"p99 60 ms > 50 ms, really"$/);
  assert.match(lines[1]!, /,500:8,/);
  assert.match(lines[1]!, /,40,100\.0,/);
});
