import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { seededRandom } from '../../core/workloads/index.ts';
import type { StepResult } from '../results/index.ts';
import { measureStep, type StepContext } from './ladder.ts';
import { processTree } from './sampler.ts';
import { findMaxRate, gridRate, simulateSearch, type RateGrid } from './search.ts';
import { getRoot, startTestServer } from './test-server.ts';

/** A synthetic step: met or missed, valid or not. */
function step(target: number, met: boolean, valid = true): StepResult {
  return {
    target,
    valid,
    invalidReasons: valid ? [] : ['interfered'],
    slo: { met, reasons: [] },
  } as unknown as StepResult;
}

describe('max-rate search', () => {
  const grid: RateGrid = { anchor: 1000, ratio: 2 ** 0.25, min: 50, max: 64_000 };

  test('brackets by doublings, bisects to neighbouring grid points, re-tests both sides of the boundary', async () => {
    const capacity = 3000;
    const tried: number[] = [];
    const result = await findMaxRate({
      grid,
      start: 1000,
      warm: false,
      measure: async (rate) => (tried.push(rate), step(rate, rate <= capacity)),
    });
    assert.equal(result.pass, gridRate(grid, 6)); // 2828
    assert.equal(result.fail, gridRate(grid, 7)); // 3364
    assert.deepEqual(tried, [1000, 2000, 4000, 2828, 3364, 3364, 2828]);
    assert.equal(result.unfinished, false);
  });

  test('a simulated search takes the same decisions as a measured one, given the same outcomes', async () => {
    // Outcomes by call order, with a stall at the second test of 2828 (a split vote, broken by a third).
    const outcomes = (): ((rate: number) => boolean) => {
      const seen = new Map<number, number>();
      return (rate) => {
        const n = (seen.get(rate) ?? 0) + 1;
        seen.set(rate, n);
        return rate <= 3000 && !(rate === 2828 && n === 2);
      };
    };
    const measured: string[] = [];
    const metA = outcomes();
    const real = await findMaxRate({
      grid,
      start: 1000,
      warm: false,
      measure: async (rate, phase) => (measured.push(`${rate}:${phase}`), step(rate, metA(rate))),
    });
    const simulated: string[] = [];
    const metB = outcomes();
    const drawn = simulateSearch({
      grid,
      start: 1000,
      warm: false,
      measure: (rate, phase) => (simulated.push(`${rate}:${phase}`), step(rate, metB(rate))),
    });
    assert.deepEqual(simulated, measured);
    assert.deepEqual([drawn.pass, drawn.fail, drawn.unfinished], [real.pass, real.fail, real.unfinished]);
    assert.ok(measured.includes('2828:retest'), measured.join(' '));
  });

  test('a warm start moves one grid point at a time; a split vote is broken by a third test', async () => {
    const phases: string[] = [];
    let tries2000 = 0;
    const result = await findMaxRate({
      grid,
      start: 2000,
      warm: true,
      confirm: false,
      measure: async (rate, phase) => {
        phases.push(`${rate}:${phase}`);
        // 2000 passes, then misses its first re-test (one stall), then passes the third: majority met.
        if (rate === 2000) return step(rate, ++tries2000 !== 2);
        return step(rate, rate < 2000);
      },
    });
    // 2000 passes; 2378 misses twice (its re-test agrees): the bracket is 2000 / 2378.
    assert.deepEqual(phases, ['2000:bracket', '2378:bracket', '2378:retest']);
    assert.deepEqual([result.pass, result.fail], [2000, 2378]);

    tries2000 = 0;
    phases.length = 0;
    const voted = await findMaxRate({
      grid,
      start: 2000,
      warm: true,
      measure: async (rate, phase) => {
        phases.push(`${rate}:${phase}`);
        // 2000 misses once (a stall), then meets the SLO on both re-tests: the vote is 2 to 1 for met.
        if (rate === 2000) return step(rate, ++tries2000 !== 1);
        return step(rate, rate < 2000);
      },
    });
    assert.deepEqual(phases, [
      '2000:bracket',
      '1682:bracket',
      '2000:retest',
      '2000:retest',
      '2378:bracket',
      '2378:retest',
    ]);
    assert.deepEqual([voted.pass, voted.fail], [2000, 2378], 'one stall did not lower the figure');

    phases.length = 0;
    const persistent = await findMaxRate({
      grid,
      start: 2000,
      warm: true,
      confirm: false,
      measure: async (rate, phase) => (phases.push(`${rate}:${phase}`), step(rate, rate < 2000)),
    });
    // A miss that repeats stays a miss: the figure is the point below it.
    assert.deepEqual(phases, ['2000:bracket', '1682:bracket', '2000:retest']);
    assert.deepEqual([persistent.pass, persistent.fail], [1682, 2000]);
  });

  test('a missed confirmation splits the vote; the third test decides, so the bracket can go either way', async () => {
    let confirms = 0;
    const result = await findMaxRate({
      grid,
      start: 2000,
      warm: false,
      measure: async (rate, phase) => {
        if (rate === 2000 && phase !== 'bracket') confirms++;
        // 2000 passes, misses its confirmation, misses the third test: majority missed.
        return step(rate, rate < 2000 || (rate === 2000 && confirms === 0));
      },
    });
    assert.deepEqual([result.pass, result.fail], [1682, 2000]);
  });

  test('an invalid step is repeated; one that stays invalid ends the search, unfinished, saying why', async () => {
    const phases: string[] = [];
    const result = await findMaxRate({
      grid,
      start: 1000,
      warm: true,
      confirm: false,
      measure: async (rate, phase) => (phases.push(`${rate}:${phase}`), step(rate, true, rate < 1189)),
    });
    assert.deepEqual(phases, ['1000:bracket', '1189:bracket', '1189:repeat', '1189:repeat']);
    assert.equal(result.pass, 1000);
    assert.equal(result.fail, null, 'a rate that could not be measured is not a fail');
    assert.equal(result.unfinished, true);
    assert.match(result.invalid!, /^1189 RPS: interfered/);
    // Invalid once, valid on its repeat: the repeat counts.
    let first = true;
    const recovered = await findMaxRate({
      grid,
      start: 1000,
      warm: true,
      confirm: false,
      measure: async (rate) => {
        const valid = rate !== 1189 || !first;
        if (rate === 1189) first = false;
        return step(rate, rate < 1414, valid);
      },
    });
    assert.deepEqual([recovered.pass, recovered.fail, recovered.unfinished], [1189, 1414, false]);
  });

  test(
    'on a server of known capacity (11 in flight, 20 ms each: ~540 RPS) it converges within one grid step',
    { timeout: 120_000 },
    async () => {
      const server = await startTestServer({ delayMs: 20, concurrency: 11 });
      const testGrid: RateGrid = { anchor: 500, ratio: 1.25, min: 50, max: 5000 };
      try {
        const ctx: StepContext = {
          backend: 'test',
          workload: 'test',
          baseUrl: server.url,
          mix: getRoot,
          kind: 'rate',
          durationS: 1.5,
          warmupS: 0.5,
          serverPids: [server.pid],
          slo: { p99Ms: 200, maxErrorRate: 0.01, minAchievedRatio: 0.95 },
          interferenceLimitPercent: 400, // this test is about capacity, not about a quiet machine
        };
        const random = seededRandom(1);
        let index = 0;
        const result = await findMaxRate({
          grid: testGrid,
          start: 200,
          warm: false,
          measure: (rate) => measureStep(ctx, rate, index++, random),
        });
        // True capacity is 550 RPS less the timers' overshoot (~540): the bracket holds it, one grid step wide.
        assert.equal(result.pass, 500, JSON.stringify(result.steps.map((s) => [s.target, s.slo.reasons])));
        assert.equal(result.fail, 625);
      } finally {
        await server.close();
      }
    },
  );
});

test(
  'a CPU burner started during a step is detected and the step is flagged invalid',
  { timeout: 60_000 },
  async () => {
    const server = await startTestServer();
    // Outside this process tree, like another job on the machine.
    const shell = spawn('sh', ['-c', `"${process.execPath}" -e "for (;;) {}" >/dev/null 2>&1 & echo $!`]);
    let out = '';
    shell.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await once(shell, 'exit');
    const burner = Number(out.trim());
    assert.ok(!processTree(process.pid).includes(burner));
    try {
      const step = await measureStep(
        {
          backend: 'test',
          workload: 'test',
          baseUrl: server.url,
          mix: getRoot,
          kind: 'rate',
          durationS: 1.5,
          warmupS: 0.2,
          serverPids: [server.pid],
        },
        100,
        0,
        seededRandom(1),
      );
      assert.equal(step.valid, false);
      assert.ok(
        step.invalidReasons.some((r) => r.includes('other processes took') && r.includes(`pid ${burner}`)),
        step.invalidReasons.join('; '),
      );
      assert.ok(step.machine!.otherPercentAvg > 40, JSON.stringify(step.machine));
    } finally {
      process.kill(burner, 'SIGKILL');
      await server.close();
    }
  },
);
