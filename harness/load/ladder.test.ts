import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LoadMix } from '../../core/workloads/load-mix.ts';
import type { ResourceUsage } from '../results/index.ts';
import type { StepMeasurement } from './driver.ts';
import { generatorBottleneck, runLadder } from './ladder.ts';
import { getRoot, startTestServer } from './test-server.ts';

describe('load runner', () => {
  test('a 0.5 s stall in a 5 s rate step at 1,000 RPS shows as latency, not as fewer requests', async () => {
    // Open model: ~10% of requests fall in the stall and wait 0..500 ms; the other 90% are fast.
    const server = await startTestServer({ stallAfterMs: 2500, stallMs: 500 });
    try {
      const { steps } = await runLadder({
        backend: 'test',
        workload: 'test',
        baseUrl: server.url,
        mix: getRoot,
        kind: 'rate',
        values: [1000],
        durationS: 5,
        warmupS: 0.5,
        connections: 600,
        serverPids: [server.pid],
      });
      const step = steps[0]!;
      const l = step.latencyMs;
      assert.equal(step.requests.scheduled, 5000);
      assert.equal(step.requests.completed, 5000, 'every scheduled request is sent and answered');
      assert.equal(step.errors.total, 0);
      assert.ok(step.achievedRps > 900 && step.achievedRps < 1100, `achieved ${step.achievedRps} RPS`);
      assert.ok(l.p50 < 25, `p50 ${l.p50} ms: 90% of requests never met the stall`);
      assert.ok(l.max >= 450 && l.max < 800, `max ${l.max} ms: the first request in the stall waits ~500 ms`);
      assert.ok(l.p99 >= 350 && l.p99 < 700, `p99 ${l.p99} ms: about 0.9 x the stall`);
      // 10% of requests are in the stall: p95 lands mid-stall (~250 ms), p85 outside it.
      const p95 = l.distribution.find(([p]) => p === 95)![1];
      assert.ok(p95 >= 100 && p95 < 450, `p95 ${p95} ms`);
      const p75 = l.distribution.find(([p]) => p === 75)![1];
      assert.ok(p75 < 50, `p75 ${p75} ms`);
      assert.equal(step.slo.met, false, 'a 0.5 s stall breaks a 50 ms p99 SLO');
    } finally {
      await server.close();
    }
  });

  test('a server answering 500 to every 10th request is reported with 10% errors', async () => {
    const server = await startTestServer({ errorEvery: 10 });
    try {
      const { steps, summary } = await runLadder({
        backend: 'test',
        workload: 'test',
        baseUrl: server.url,
        mix: getRoot,
        kind: 'rate',
        values: [500],
        durationS: 2,
        warmupS: 0.2,
      });
      const step = steps[0]!;
      assert.equal(step.requests.completed, 1000);
      const fiveHundreds = step.errors.byStatus['500'] ?? 0;
      // Warm-up requests shift which ones are the 10th, so allow +-1.
      assert.ok(Math.abs(fiveHundreds - 100) <= 1, `500s: ${fiveHundreds}`);
      assert.equal(step.errors.total, fiveHundreds);
      assert.ok(Math.abs(step.errors.rate - 0.1) < 0.002, `error rate ${step.errors.rate}`);
      assert.equal(step.requests.ok, 1000 - fiveHundreds);
      assert.equal(step.slo.met, false);
      assert.ok(step.slo.reasons.some((r) => r.startsWith('errors 10.')));
      assert.equal(summary.maxSustainableRps, null);
    } finally {
      await server.close();
    }
  });

  test('body mismatches, timeouts and refused connections are counted by class', async () => {
    const slow = await startTestServer({ delayMs: 400 });
    try {
      const mismatch: LoadMix = {
        ...getRoot,
        templates: [
          { name: 'GET /', weight: 1, build: () => ({ method: 'GET', path: '/', expect: (_s, b) => b === 'nope' }) },
        ],
      };
      const { steps } = await runLadder({
        backend: 'test',
        workload: 'test',
        baseUrl: slow.url,
        mix: mismatch,
        kind: 'concurrency',
        values: [4],
        durationS: 1,
        warmupS: 0,
        requestTimeoutMs: 200,
      });
      const step = steps[0]!;
      assert.ok(step.errors.timeouts >= 4, `timeouts ${step.errors.timeouts}`);
      assert.equal(step.requests.ok, 0);
    } finally {
      await slow.close();
    }
    const fast = await startTestServer();
    try {
      const { steps } = await runLadder({
        backend: 'test',
        workload: 'test',
        baseUrl: fast.url,
        mix: {
          ...getRoot,
          templates: [{ ...getRoot.templates[0]!, build: () => ({ method: 'GET', path: '/', expect: () => false }) }],
        },
        kind: 'rate',
        values: [200],
        durationS: 0.5,
        warmupS: 0,
      });
      assert.equal(steps[0]!.errors.bodyMismatch, 100);
      assert.equal(steps[0]!.errors.rate, 1);
    } finally {
      await fast.close();
    }
    // Nothing listens on port 1 of loopback: every request is a socket error.
    const { steps } = await runLadder({
      backend: 'test',
      workload: 'test',
      baseUrl: 'http://127.0.0.1:1',
      mix: getRoot,
      kind: 'rate',
      values: [100],
      durationS: 0.5,
      warmupS: 0,
    });
    assert.equal(steps[0]!.errors.socket, 50);
    assert.equal(steps[0]!.requests.ok, 0);
  });

  test('a load generator that cannot deliver the offered rate to an idle server is flagged', async () => {
    // Two connections and 20 ms answers cap what can be sent at ~100 RPS; 2,000 RPS are offered.
    const server = await startTestServer({ delayMs: 20 });
    try {
      const { steps, summary } = await runLadder({
        backend: 'test',
        workload: 'test',
        baseUrl: server.url,
        mix: getRoot,
        kind: 'rate',
        values: [2000],
        durationS: 1.5,
        warmupS: 0,
        connections: 2,
        // Requests queued past 1 s count as timeouts, which keeps the drain short.
        requestTimeoutMs: 1000,
        serverPids: [server.pid],
      });
      const step = steps[0]!;
      assert.ok(step.achievedRps < 200, `achieved ${step.achievedRps}`);
      assert.equal(step.valid, false);
      assert.ok(
        step.invalidReasons.some((r) => r.includes('while the server was not busy')),
        step.invalidReasons.join('; '),
      );
      assert.equal(summary.maxSustainableRps, null);
    } finally {
      await server.close();
    }
  });

  test('an honest step at a modest rate is valid and meets the SLO', async () => {
    const server = await startTestServer();
    try {
      const { steps, summary } = await runLadder({
        backend: 'test',
        workload: 'test',
        baseUrl: server.url,
        mix: getRoot,
        kind: 'rate',
        values: [200, 400],
        durationS: 1,
        warmupS: 0.2,
        serverPids: [server.pid],
        slo: { p99Ms: 200, maxErrorRate: 0.01, minAchievedRatio: 0.9 },
        // Whether the machine is quiet is another test's concern (search.test.ts): here the step itself is judged.
        interferenceLimitPercent: 10_000,
      });
      assert.equal(steps.length, 2);
      for (const step of steps) {
        assert.ok(step.valid, step.invalidReasons.join('; '));
        assert.ok(step.slo.met, step.slo.reasons.join('; '));
        const server = step.resources.find((r) => r.role === 'server')!;
        assert.ok(server.samples >= 2 && server.rssBytesMax > 1_000_000, JSON.stringify(server));
      }
      assert.equal(summary.atTarget, 400);
      assert.equal(summary.ceilingNotReached, true);
    } finally {
      await server.close();
    }
  });
});

describe('a generator-bound step', () => {
  const measurement = {
    plan: { kind: 'rate', target: 4000, connections: 400, warmupMs: 0, durationMs: 3000, requestTimeoutMs: 1000 },
    eventLoopDelayP99Ms: 12,
  } as unknown as StepMeasurement;
  const loadgen = (whole: number, main?: number): ResourceUsage => ({
    role: 'loadgen',
    pids: [1],
    cpuPercentAvg: whole,
    cpuPercentMax: whole,
    cpuWaitPercentAvg: 10,
    ...(main !== undefined && { mainThread: { cpuPercentAvg: main, cpuWaitPercentAvg: 10 } }),
    rssBytesAvg: 0,
    rssBytesMax: 0,
    samples: 6,
  });

  test('is decided by the event-loop thread, not by the GC threads beside it', () => {
    // 95% over every thread, 55% + 10% on the event loop: it had time to spare.
    assert.deepEqual(generatorBottleneck(measurement, [loadgen(95, 55)], 4000, 4000), []);
    const [reason] = generatorBottleneck(measurement, [loadgen(110, 85)], 4000, 3000);
    assert.match(reason ?? '', /event-loop thread CPU 85% of a core \+ 10% waiting/);
  });

  test('falls back to the whole process where the main thread could not be read', () => {
    assert.equal(generatorBottleneck(measurement, [loadgen(85)], 4000, 4000).length, 1);
    assert.equal(generatorBottleneck(measurement, [loadgen(70)], 4000, 4000).length, 0);
  });
});
