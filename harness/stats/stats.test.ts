import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrialRecord } from '../results/index.ts';
import { compareFigures, headlineFigure } from './index.ts';

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
