import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrialRecord } from '../results/index.ts';
import {
  compareFigures,
  headlineFigure,
  medianDifference,
  noiseFloorOf,
  rerunRange,
  spreadOf,
  withinFloor,
} from './index.ts';
import { roundTo } from './round.ts';

function trials(backend: string, brackets: Array<[number | null, number | null]>): TrialRecord[] {
  return brackets.map(([pass, fail], i) => ({ backend, workload: 'w', trial: i + 1, pass, fail, steps: 5 }));
}

test('a headline figure is the median of the trials, with an interval from the lowest pass to the highest fail', () => {
  const figure = headlineFigure(
    trials('a', [
      [2000, 2378],
      [1682, 2000],
      [2378, 2828],
    ]),
    'a',
    'w',
  )!;
  assert.equal(figure.median, 2000);
  assert.equal(figure.low, 1682);
  assert.equal(figure.high, 2828);
  assert.equal(figure.openEnded, false);
  assert.equal(figure.coverage, 0.75);
  const open = headlineFigure(
    trials('b', [
      [4000, null],
      [3364, 4000],
      [null, 250],
    ]),
    'b',
    'w',
  )!;
  assert.equal(open.median, 3364);
  assert.equal(open.low, 0, 'a trial where nothing passed counts as 0');
  assert.equal(open.high, 4000);
  assert.equal(open.openEnded, true);
  assert.equal(headlineFigure([], 'c', 'w'), null);
});

test('the tie rule: the same system twice is a tie; a clear gap beyond the noise floor is not', () => {
  const a = headlineFigure(
    trials('a', [
      [2000, 2378],
      [2000, 2378],
      [1682, 2000],
    ]),
    'a',
    'w',
  )!;
  const twin = headlineFigure(
    trials('twin', [
      [2378, 2828],
      [2000, 2378],
      [2000, 2378],
    ]),
    'twin',
    'w',
  )!;
  assert.equal(compareFigures(a, twin, 0.35).verdict, 'tie');
  assert.match(compareFigures(a, twin, 0.35).reason, /overlap/);

  const slow = headlineFigure(
    trials('slow', [
      [1189, 1414],
      [1189, 1414],
      [1000, 1189],
    ]),
    'slow',
    'w',
  )!;
  const verdict = compareFigures(a, slow, 0.35);
  assert.equal(verdict.verdict, 'a', verdict.reason);
  assert.equal(compareFigures(slow, a, 0.35).verdict, 'b', 'the order of the arguments does not matter');

  // Intervals apart, but the medians closer than the noise floor: still a tie.
  const close = headlineFigure(
    trials('close', [
      [1414, 1682],
      [1414, 1682],
      [1414, 1682],
    ]),
    'close',
    'w',
  )!;
  const rule = compareFigures(a, close, 0.5);
  assert.equal(rule.verdict, 'tie', rule.reason);
  assert.match(rule.reason, /within the noise floor/);
  assert.equal(compareFigures(a, close, 0.2).verdict, 'a');
});

test('a backend where no rate passed loses to one where some did, when the intervals separate', () => {
  const none = headlineFigure(
    trials('none', [
      [null, 50],
      [null, 50],
      [null, 50],
    ]),
    'none',
    'w',
  )!;
  const some = headlineFigure(
    trials('some', [
      [250, 297],
      [297, 354],
      [250, 297],
    ]),
    'some',
    'w',
  )!;
  assert.equal(none.median, null);
  assert.equal(compareFigures(some, none, 0.3).verdict, 'a');
});

test('the noise floor is how far the A/A medians lie apart, at least one grid step', () => {
  // Round 6, run 1: single trials 2,000-3,363 (68% apart), medians equal.
  const a = headlineFigure(
    trials('a', [
      [2828, 3363],
      [2000, 2378],
      [2378, 2828],
    ]),
    'a',
    'w',
  )!;
  const twin = headlineFigure(
    trials('twin', [
      [2378, 2828],
      [3363, 4000],
      [2378, 2828],
    ]),
    'twin',
    'w',
  )!;
  assert.equal(spreadOf([...a.values, ...twin.values].map((v) => v ?? 0)), 0.682);
  assert.equal(medianDifference(a, twin), 0);
  assert.equal(noiseFloorOf(a, twin, 0.1892), 0.19, 'never below one step of the grid');
  const apart = headlineFigure(
    trials('apart', [
      [2000, 2378],
      [2000, 2378],
      [2828, 3363],
    ]),
    'apart',
    'w',
  )!;
  assert.equal(medianDifference(a, apart), 0.189);
  assert.equal(noiseFloorOf(a, apart, 0.1892), 0.19);
  const far = headlineFigure(trials('far', [[1682, 2000]]), 'far', 'w')!;
  assert.equal(noiseFloorOf(a, far, 0.1892), 0.414, 'medians two steps apart: the floor is two steps');
  const none = headlineFigure(trials('none', [[null, 50]]), 'none', 'w')!;
  assert.equal(noiseFloorOf(a, none, 0.1892), 1);
});

test('one grid step is within a one-step floor even where the grid rates were rounded; two steps are not', () => {
  // 420 is 420.4 rounded: 500 / 420 = 1.1905 is still one step of a 18.92% grid.
  assert.equal(withinFloor(500, 420, 0.19), true);
  assert.equal(withinFloor(2378, 2000, 0.19), true);
  assert.equal(withinFloor(595, 420, 0.19), false);
  assert.equal(withinFloor(2828, 2000, 0.19), false);
  const one = (backend: string, pass: number, fail: number) =>
    headlineFigure(
      trials(backend, [
        [pass, fail],
        [pass, fail],
        [pass, fail],
      ]),
      backend,
      'w',
    )!;
  // Intervals that just separate, medians one step apart: a tie at a one-step floor; two steps: not.
  assert.equal(compareFigures(one('hi', 500, 595), one('lo', 420, 500), 0.19).verdict, 'tie');
  assert.equal(compareFigures(one('hi', 595, 707), one('lo', 420, 500), 0.19).verdict, 'a');
});

test('roundTo rounds to the stated decimals', () => {
  assert.equal(roundTo(0.16549, 3), 0.165);
  assert.equal(roundTo(12.35, 1), 12.4);
  assert.equal(roundTo(2.005001, 2), 2.01);
  assert.equal(roundTo(1414.4, 0), 1414);
});

test("a figure's rerun range: its interval, widened to one noise floor either side of the median in whole grid steps", () => {
  const grid = { anchor: 1000, ratio: 2 ** 0.25 };
  // Round 14 run 3, postgres usages: three trials at 2,000, each failing 2,378.
  const agreed = headlineFigure(
    trials('p', [
      [2000, 2378],
      [2000, 2378],
      [2000, 2378],
    ]),
    'p',
    'w',
  )!;
  assert.deepEqual(rerunRange(agreed, 0.19, grid), { low: 1682, high: 2378 }, 'one step below the median');
  assert.deepEqual(rerunRange(agreed, 0.414, grid), { low: 1414, high: 2828 }, 'a two-step floor reaches two steps');
  assert.deepEqual(rerunRange(agreed, 0.05, grid), { low: 1682, high: 2378 }, 'never less than one grid step');
  assert.deepEqual(rerunRange(agreed, 0.25, grid), { low: 1414, high: 2828 }, 'a floor between steps rounds up');
  // A spread of trials wider than the floor keeps its interval.
  const spread = headlineFigure(
    trials('s', [
      [1414, 1682],
      [2000, 2378],
      [2828, 3363],
    ]),
    's',
    'w',
  )!;
  assert.deepEqual(rerunRange(spread, 0.19, grid), { low: 1414, high: 3363 });
  const none = headlineFigure(
    trials('n', [
      [null, 50],
      [null, 50],
      [null, 50],
    ]),
    'n',
    'w',
  )!;
  assert.deepEqual(rerunRange(none, 0.19, grid), { low: 0, high: 50 });
});
