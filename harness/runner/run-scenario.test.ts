import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { phaseSpanS } from '../load/index.ts';
import { newRunResult, type RunResult, type StepResult } from '../results/index.ts';
import { parseScenario, scenarioRecord, type ScenarioInput } from '../scenario/index.ts';
import { runScenario } from './run-scenario.ts';
import type { LoadTarget, OpenTarget } from './target.ts';

/** A measured step as far as the span reads it: requests completed, major collections of the API. */
function step(completed: number, majorGcCount?: number): StepResult {
  return {
    requests: { completed },
    ...(majorGcCount !== undefined && {
      pauses: { api: { gcCount: majorGcCount, gcTotalMs: 0, gcMaxMs: 0, majorGcCount } },
    }),
  } as unknown as StepResult;
}

describe('phase span', () => {
  test('a first trial draws from one step, capped by the maximum', () => {
    assert.equal(phaseSpanS([], 1000, 7, 14), 7);
    assert.equal(phaseSpanS([], 1000, 7, 3), 3);
  });

  test('later trials draw from one major collection period at the shift rate, capped by the maximum', () => {
    // 60,000 requests, 2 major collections: 30,000 requests apart, 10 s at 3,000 RPS, 30 s at 1,000 RPS.
    const earlier = [step(20_000, 1), step(20_000, 0), step(20_000, 1)];
    assert.equal(phaseSpanS(earlier, 3000, 7, 14), 10);
    assert.equal(phaseSpanS(earlier, 1000, 7, 14), 14);
  });

  test('earlier steps without a major collection (or without pauses reported) give the maximum', () => {
    assert.equal(phaseSpanS([step(40_000, 0), step(40_000, 0)], 3000, 7, 14), 14);
    assert.equal(phaseSpanS([step(40_000)], 3000, 7, 14), 14);
  });

  test('no shift at all when the maximum is 0', () => {
    assert.equal(phaseSpanS([], 1000, 7, 0), 0);
    assert.equal(phaseSpanS([step(1000, 1)], 1000, 7, 0), 0);
  });
});

/** A loopback server in this process that answers every request and counts them. */
async function countingServer(): Promise<{ url: string; count: () => number; server: Server }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    n++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, count: () => n, server };
}

/** One ladder step of 100 RPS per trial, two trials, against the counting server; the run's result. */
async function ladderRun(
  input: ScenarioInput,
  betweenTrials?: (trial: number, result: RunResult) => Promise<void>,
  opened: Partial<OpenTarget> = {},
): Promise<{ result: RunResult; requests: number }> {
  const { url, count, server } = await countingServer();
  try {
    const scenario = parseScenario({
      workloads: ['usages'],
      method: 'ladder',
      stepValues: [100],
      stepDurationS: 0.5,
      warmupS: 0.2,
      stopAfterFailedSteps: 0,
      trials: 2,
      interferenceLimitPercent: 400, // about what is sent, not about a quiet machine
      ...input,
    });
    const result = newRunResult({ scenario: scenarioRecord(scenario) });
    const target: LoadTarget = {
      label: 'counted',
      open: async () => ({ url, close: async () => undefined, ...opened }),
    };
    await runScenario({
      scenario,
      targets: [target],
      result,
      runDir: '/nonexistent',
      save: async () => undefined,
      ...(betweenTrials && { betweenTrials: (trial: number) => betweenTrials(trial, result) }),
    });
    return { result, requests: count() };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('phase shift before a trial', { timeout: 60_000 }, () => {
  test('runs unmeasured load for the drawn time, records it per trial, and the recorded seed replays it', async () => {
    const none = await ladderRun({ phaseShiftMaxS: 0 });
    assert.equal(none.result.scenario.phaseSeed, undefined);
    assert.ok(none.result.trials!.every((t) => t.phaseShift === undefined));

    const shifted = await ladderRun({ phaseShiftMaxS: 2, phaseSeed: 7 });
    assert.equal(shifted.result.scenario.phaseSeed, 7);
    const shifts = shifted.result.trials!.map((t) => t.phaseShift!);
    assert.equal(shifts.length, 2);
    // Half the first step's rate; trial 1 from one step (0.7 s), trial 2 (no major collection reported) from the maximum.
    assert.deepEqual(
      shifts.map((s) => [s.rps, s.spanS]),
      [
        [50, 0.7],
        [50, 2],
      ],
    );
    for (const s of shifts) assert.ok(s.seconds >= 0 && s.seconds <= s.spanS, JSON.stringify(s));
    // Only the shifts add requests: the measured steps are the same in both runs.
    const added = shifted.requests - none.requests;
    const expected = shifts.reduce((n, s) => n + s.rps * s.seconds, 0);
    assert.ok(Math.abs(added - expected) <= 4, `added ${added} requests, the shifts call for ${expected}`);

    const replayed = await ladderRun({ phaseShiftMaxS: 2, phaseSeed: 7 });
    assert.deepEqual(
      replayed.result.trials!.map((t) => t.phaseShift),
      shifts,
    );

    const drawn = await ladderRun({ phaseShiftMaxS: 2 });
    assert.equal(typeof drawn.result.scenario.phaseSeed, 'number', 'a run without a seed draws one and records it');
  });
});

describe('between trials', { timeout: 60_000 }, () => {
  test('the hook runs before every trial after the first, once the trial before it has been measured', async () => {
    const calls: { trial: number; steps: number; trials: number }[] = [];
    await ladderRun({ phaseShiftMaxS: 0, trials: 3 }, async (trial, result) => {
      calls.push({ trial, steps: result.steps.length, trials: result.trials?.length ?? 0 });
    });
    // One step per trial: before trial 2, trial 1's step and record are in; before trial 3, trial 2's too.
    assert.deepEqual(calls, [
      { trial: 2, steps: 1, trials: 1 },
      { trial: 3, steps: 2, trials: 2 },
    ]);
  });
});

describe('page cache before a trial', { timeout: 60_000 }, () => {
  test('warm: the target reads its files before every trial of every workload; recorded per trial', async () => {
    let calls = 0;
    const warmed = { files: 3, mib: 1.5, fromStorageMiB: 0.5, seconds: 0.01 };
    const run = await ladderRun({ phaseShiftMaxS: 0, trials: 2 }, undefined, {
      warmPageCache: async () => {
        calls++;
        return warmed;
      },
    });
    assert.equal(calls, 2);
    assert.deepEqual(
      run.result.trials!.map((t) => t.pageCache),
      [warmed, warmed],
    );
    assert.equal(run.result.scenario.pageCache, 'warm');
  });

  test('as-is: the files are left as they are and nothing is recorded', async () => {
    let called = 0;
    const run = await ladderRun({ phaseShiftMaxS: 0, pageCache: 'as-is' }, undefined, {
      warmPageCache: async () => {
        called++;
        return { files: 0, mib: 0, seconds: 0 };
      },
    });
    assert.equal(called, 0);
    assert.ok(run.result.trials!.every((t) => t.pageCache === undefined));
    assert.equal(run.result.scenario.pageCache, 'as-is');
  });
});
