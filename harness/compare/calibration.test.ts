import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult, TrialRecord } from '../results/index.ts';
import { calibrationRecord, costLabel, twinLabel } from './calibration.ts';

function trials(backend: string, brackets: Array<[number, number]>): TrialRecord[] {
  return brackets.map(([pass, fail], i) => ({ backend, workload: 'usages', trial: i + 1, pass, fail, steps: 6 }));
}

function run(records: TrialRecord[]): RunResult {
  return { scenario: { resolution: 0.1892 }, trials: records } as unknown as RunResult;
}

test('the A/A record keeps the single trials and their spread, and takes the medians as its noise floor', () => {
  // The values of round 6, run 1: single trials 68% apart, medians equal.
  const record = calibrationRecord(
    run([
      ...trials('memory', [
        [2828, 3363],
        [2000, 2378],
        [2378, 2828],
      ]),
      ...trials(twinLabel('memory'), [
        [2378, 2828],
        [3363, 4000],
        [2378, 2828],
      ]),
    ]),
    'memory',
    'usages',
  )!;
  assert.deepEqual(record.values, [2828, 2000, 2378, 2378, 3363, 2378]);
  assert.equal(record.spread, 0.682);
  assert.equal(record.medianDifference, 0);
  assert.equal(record.resolution, 0.1892);
  assert.equal(record.noiseFloor, 0.19, 'one step of the grid, not the 68% of single trials');
  assert.equal(record.verdict, 'tie');
  assert.equal(record.sensitivity, undefined);
});

test('the control row with a third less capacity is found slower at that floor; with a sixth less it is not', () => {
  const base = [
    ...trials('memory', [
      [2378, 2828],
      [2378, 2828],
      [2000, 2378],
    ]),
    ...trials(twinLabel('memory'), [
      [2000, 2378],
      [2378, 2828],
      [2378, 2828],
    ]),
  ];
  const costly = calibrationRecord(
    run([
      ...base,
      ...trials(costLabel('memory'), [
        [1414, 1682],
        [1682, 2000],
        [1414, 1682],
      ]),
    ]),
    'memory',
    'usages',
  )!;
  assert.equal(costly.noiseFloor, 0.19);
  assert.equal(costly.sensitivity?.verdict, 'faster', costly.sensitivity?.reason);
  assert.equal(costly.sensitivity?.ratio, 1.68);
  // One grid step below (2,000 against 2,378): the intervals overlap and the medians lie within the floor.
  const slight = calibrationRecord(
    run([
      ...base,
      ...trials(costLabel('memory'), [
        [2000, 2378],
        [2000, 2378],
        [1682, 2000],
      ]),
    ]),
    'memory',
    'usages',
  )!;
  assert.equal(slight.sensitivity?.verdict, 'tie', slight.sensitivity?.reason);
});

test('an A/A pair more than one grid step apart, intervals apart, is called different and raises the floor', () => {
  // Trial figures like those of `storebench calibrate` at 03:13 on 2026-11-24, whose twin API process was slower.
  const record = calibrationRecord(
    run([
      ...trials('memory', [
        [4000, 4757],
        [3363, 4000],
        [4000, 4757],
      ]),
      ...trials(twinLabel('memory'), [
        [2378, 2828],
        [2378, 2828],
        [2378, 2828],
      ]),
    ]),
    'memory',
    'usages',
  )!;
  assert.equal(record.medianDifference, 0.682);
  assert.equal(record.noiseFloor, 0.682);
  assert.equal(record.verdict, 'different', 'decided at the grid step, not at the floor the pair sets itself');
});
