import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { missIsCertain, overP99Bound } from './driver.ts';
import { measureStep, type StepContext } from './ladder.ts';
import { seededRandom } from '../../core/workloads/index.ts';
import { getRoot, startTestServer } from './test-server.ts';

const bounds = { p99Ms: 50, maxErrorRate: 0.01 };

describe('a miss is certain', () => {
  test('only once more than 1% of the whole window is already slower than the bound', () => {
    // 6,000 requests in the window: 60 slow ones could still be the 1% a p99 allows; 61 cannot.
    assert.equal(missIsCertain({ overP99: 60, errors: 0 }, 6000, bounds), null);
    assert.match(missIsCertain({ overP99: 61, errors: 0 }, 6000, bounds)!, /61 requests slower than 50 ms/);
  });

  test('only once the errors exceed the budget of the whole window', () => {
    assert.equal(missIsCertain({ overP99: 0, errors: 60 }, 6000, bounds), null);
    assert.match(missIsCertain({ overP99: 0, errors: 61 }, 6000, bounds)!, /61 errors/);
    assert.equal(missIsCertain({ overP99: 0, errors: 1 }, 6000, { p99Ms: 50, maxErrorRate: 0.5 }), null);
  });

  test('counts only latencies beyond the bound with a margin for the histogram', () => {
    assert.ok(overP99Bound(50) > 50 && overP99Bound(50) <= 50.5);
  });
});

describe('a search step that ends on a certain miss', () => {
  // A server of known capacity: 10 requests at once, 10 ms each, so 1,000 RPS.
  const ctx = (url: string, pid: number): StepContext => ({
    backend: 'test',
    workload: 'test',
    baseUrl: url,
    mix: getRoot,
    kind: 'rate',
    durationS: 4,
    warmupS: 0.5,
    serverPids: [pid],
    slo: { p99Ms: 50, maxErrorRate: 0.01, minAchievedRatio: 0.9 },
    interferenceLimitPercent: 10_000,
    endMissedStepsAfterS: 0.5,
  });

  test('far above capacity it ends within a second or two and is recorded as a shortened miss', async () => {
    const server = await startTestServer({ delayMs: 10, concurrency: 10 });
    try {
      const started = performance.now();
      const step = await measureStep(ctx(server.url, server.pid), 3000, 0, seededRandom(1));
      const wallS = (performance.now() - started) / 1000;
      assert.equal(step.slo.met, false);
      assert.ok(step.endedEarly, 'the step should have ended early');
      assert.equal(step.endedEarly.plannedS, 4);
      assert.ok(step.endedEarly.afterS >= 0.5 && step.endedEarly.afterS < 2, JSON.stringify(step.endedEarly));
      assert.ok(Math.abs(step.durationS - step.endedEarly.afterS) < 0.1);
      // The recorded window alone misses too: its p99 is over the bound, as the full one would have been.
      assert.ok(step.latencyMs.p99 > 50, `p99 ${step.latencyMs.p99}`);
      // Requests dropped unsent at the end are not errors of the server.
      assert.equal(step.errors.notSent, 0);
      assert.ok(step.requests.scheduled < 3000 * 4);
      assert.ok(wallS < 4, `took ${wallS.toFixed(1)} s of a 4.5 s step`);
    } finally {
      await server.close();
    }
  });

  test('below capacity it runs its whole window', async () => {
    const server = await startTestServer({ delayMs: 10, concurrency: 10 });
    try {
      const step = await measureStep({ ...ctx(server.url, server.pid), durationS: 2 }, 200, 0, seededRandom(1));
      assert.equal(step.endedEarly, undefined);
      assert.equal(step.durationS, 2);
      assert.ok(step.slo.met, step.slo.reasons.join('; '));
    } finally {
      await server.close();
    }
  });
});
