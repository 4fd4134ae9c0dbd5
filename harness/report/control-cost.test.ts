import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { controlCost, controlCostDifference, correlation, predictedMove } from './control-cost.ts';
import { analyseRepeatability, speedParagraph } from './repeatability.ts';
import { syntheticRun } from './synthetic-run.fixture.ts';
import type { ReportRun } from './model.ts';

/** A three-trial synthetic run whose control row's API spent `ms` of CPU per request in every step (per trial when a list). */
export function runCosting(id: string, ms: number | number[]): ReportRun {
  const run = syntheticRun({ runId: id, trials: 3 });
  for (const step of run.steps) {
    if (step.backend !== 'memory') continue;
    const cost = Array.isArray(ms) ? ms[(step.trial ?? 1) - 1]! : ms;
    const api = step.resources.find((r) => r.role === 'server')!;
    api.cpuPercentAvg = (cost * step.achievedRps) / 10;
  }
  return run;
}

describe("the control row's CPU per request", () => {
  test('median over the valid steps of the control row only, and per trial', () => {
    const run = runCosting('c1', [0.17, 0.16, 0.15]);
    const cost = controlCost(run)!;
    assert.deepEqual(
      cost.trials.map((t) => t.msPerRequest),
      [0.17, 0.16, 0.15],
    );
    assert.equal(cost.msPerRequest, 0.16);
    const valid = run.steps.filter((s) => s.backend === 'memory' && s.valid && s.achievedRps > 0).length;
    assert.equal(cost.steps, valid);
    // The twin, the databases and invalid steps are not the control row.
    assert.ok(
      run.steps.some((s) => s.backend === 'memory' && !s.valid),
      'the fixture has an invalid control step',
    );
    assert.ok(run.steps.some((s) => s.backend === 'memory (A/A twin)'));
  });

  test('no control row, no figure', () => {
    const run = runCosting('c2', 0.2);
    run.steps = run.steps.filter((s) => s.backend !== 'memory');
    assert.equal(controlCost(run), null);
  });

  test('the move it predicts is the log of the ratio in grid steps, positive for a faster machine', () => {
    const a = controlCost(runCosting('a', 0.171))!;
    const b = controlCost(runCosting('b', 0.138))!;
    assert.equal(predictedMove(a, b, 0.19).toFixed(2), '1.23');
    assert.equal(predictedMove(b, a, 0.19).toFixed(2), '-1.23');
    assert.equal(predictedMove(a, a, 0.19), 0);
  });

  test("Pearson's r: 1 on a line, -1 against it, null with fewer than three pairs or no spread", () => {
    assert.equal(correlation([1, 2, 3], [2, 4, 6]), 1);
    assert.equal(correlation([1, 2, 3], [3, 2, 1]), -1);
    assert.equal(correlation([1, 2], [1, 2]), null);
    assert.equal(correlation([1, 1, 1], [1, 2, 3]), null);
  });

  test('two runs: a warning when the speed alone moves a figure half a grid step or more', () => {
    const slow = runCosting('slow', 0.171);
    assert.equal(controlCostDifference(slow, runCosting('same', 0.165), 0.19), undefined);
    assert.match(
      controlCostDifference(slow, runCosting('fast', 0.138), 0.19)!,
      /control row's API used 0.171 ms of CPU per request before and 0.138 ms after \(-19%\), which alone moves a figure by about 1.2 grid steps up/,
    );
  });
});

describe('repeatability against the machine speed', () => {
  test('each run: the control cost, the move it predicts and the database rows move; r from four runs', () => {
    const runs = [0.171, 0.152, 0.138, 0.155].map((ms, i) => ({
      run: runCosting(`s${i + 1}`, ms),
      runDir: `/tmp/s${i + 1}`,
    }));
    const a = analyseRepeatability(runs, { permutations: 200 });
    assert.deepEqual(
      a.runs.map((r) => r.controlMs),
      [0.171, 0.152, 0.138, 0.155],
    );
    assert.deepEqual(
      a.runs.map((r) => r.predictedMove),
      [0, 0.68, 1.24, 0.57], // the grid of 2^(1/4): 18.9% a step
    );
    // The synthetic runs' database trials are alike: no move, so no correlation.
    assert.deepEqual(
      a.runs.map((r) => r.databaseMove),
      [0, 0, 0, 0],
    );
    assert.equal(a.speedCorrelation, null);
    assert.match(speedParagraph(a)!, /used 0.171, 0.152, 0.138, 0.155 ms of CPU per answered request/);
    assert.match(speedParagraph(a)!, /run 3: predicted \+1.24, database rows ±0.00/);
  });

  test('database rows that rise with the machine speed correlate with the move it predicts', () => {
    const g = (k: number): number => Math.round(1000 * 2 ** (k / 4));
    const runs = [
      [0.171, 10],
      [0.152, 11],
      [0.138, 12],
      [0.155, 11],
    ].map(([ms, k], i) => {
      const run = runCosting(`m${i + 1}`, ms!);
      for (const t of run.trials!.filter((t) => t.backend === 'postgres' && t.workload === 'catalog')) {
        t.pass = g(k!);
        t.fail = g(k! + 1);
      }
      return { run, runDir: `/tmp/m${i + 1}` };
    });
    const a = analyseRepeatability(runs, { permutations: 200 });
    assert.ok(a.runs[2]!.databaseMove! > a.runs[1]!.databaseMove! && a.runs[1]!.databaseMove! > 0);
    assert.ok(a.speedCorrelation! > 0.9, `r = ${a.speedCorrelation}`);
    assert.match(speedParagraph(a)!, /follow the predicted ones with r = 0\.9\d/);
  });

  test('runs that moved with the machine: fewer pairs outside once the predicted moves are taken out', () => {
    // Every row of run j sits k grid steps up (2^(1/4) a step) on a machine whose control row predicts about as much.
    const runs = [
      [0.171, 0],
      [0.152, 1],
      [0.138, 2],
      [0.155, 1],
    ].map(([ms, k], i) => {
      const run = runCosting(`w${i + 1}`, ms!);
      const up = (rate: number | null): number | null => (rate === null ? null : Math.round(rate * 2 ** (k! / 4)));
      for (const t of run.trials!) {
        t.pass = up(t.pass);
        t.fail = up(t.fail);
      }
      return { run, runDir: `/tmp/w${i + 1}` };
    });
    const a = analyseRepeatability(runs, { permutations: 200 });
    const shifted = a.speedAdjusted!;
    assert.ok(shifted.measured > 0, 'two grid steps apart, some medians leave the other runs intervals');
    // Predicted +0.68, +1.24, +0.57: moved back by 1, 1, 1 grid steps, run 3 one step from the others instead of two.
    assert.ok(shifted.adjusted < shifted.measured, `${shifted.adjusted} vs ${shifted.measured}`);
    assert.match(
      speedParagraph(a)!,
      /shifted against its predicted move, in whole grid steps \(run 2 −1, run 3 −1, run 4 −1\)/,
    );
    assert.match(
      speedParagraph(a)!,
      new RegExp(
        `leave ${shifted.adjusted} of ${shifted.pairs} pairs outside, against ${shifted.measured} as measured`,
      ),
    );
  });

  test('two runs: no correlation, said so; runs without a control row: nothing', () => {
    const two = analyseRepeatability(
      [
        { run: runCosting('t1', 0.17), runDir: '/tmp/t1' },
        { run: runCosting('t2', 0.15), runDir: '/tmp/t2' },
      ],
      { permutations: 100 },
    );
    assert.match(speedParagraph(two)!, /too few runs for a correlation/);
    const bare = [runCosting('b1', 0.17), runCosting('b2', 0.15)].map((run, i) => {
      run.steps = run.steps.filter((s) => s.backend !== 'memory');
      return { run, runDir: `/tmp/b${i}` };
    });
    const unread = analyseRepeatability(bare, { permutations: 100 });
    assert.equal(speedParagraph(unread), null);
    assert.equal(unread.speedAdjusted, null);
  });
});
