import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import type { MachineSpeedReading } from '../results/index.ts';
import { describeSpeedReading, probeMachineSpeed, timeFixedWork } from './speed-probe.ts';

/** The first CPU this process may run on (`taskset -pc`: "pid 123's current affinity list: 0,1"), or null without taskset. */
const firstCpu = ((): string | null => {
  try {
    const list = execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' })
      .split(':')
      .pop()!
      .trim();
    return list.split(/[,-]/)[0]!;
  } catch {
    return null;
  }
})();

test('the fixed work is the same work every time: one checksum, and timings in order', async () => {
  const a = await timeFixedWork(undefined, 3);
  const b = await timeFixedWork(undefined, 3);
  // Deterministic work: a different checksum would mean a different amount of it.
  assert.equal(a.checksum, b.checksum);
  assert.equal(a.checksum, FIXED_WORK_CHECKSUM);
  for (const t of [a, b]) {
    assert.equal(t.cpus, 'any');
    assert.equal(t.reps, 3);
    assert.ok(t.minMs > 0 && t.minMs <= t.medianMs && t.medianMs <= t.maxMs, JSON.stringify(t));
  }
});

test(
  'on a CPU set of its own, the work runs there and is recorded with that set',
  { skip: firstCpu === null && 'no taskset' },
  async () => {
    const timed = await timeFixedWork(firstCpu!, 3);
    assert.equal(timed.cpus, firstCpu);
    assert.equal(timed.checksum, FIXED_WORK_CHECKSUM);
    // A CPU the machine lacks is an error that says why in one line, not a reading.
    await assert.rejects(timeFixedWork('4096', 1), (error: Error) => {
      assert.match(error.message, /^the speed probe \(taskset -c 4096 node\) failed \(exit 1\): taskset: /);
      assert.doesNotMatch(error.message, /\n|function unit/);
      return true;
    });
  },
);

test('a reading times every CPU set in turn and a second of fsyncs, and says so in words', async () => {
  const reading = await probeMachineSpeed('start', [{ role: 'shared', cpus: undefined }]);
  assert.equal(reading.when, 'start');
  assert.equal(reading.cpus.length, 1);
  assert.equal(reading.cpus[0]!.role, 'shared');
  assert.equal(reading.cpus[0]!.reps, 7);
  assert.ok(reading.fsync, 'no fsync timed');
  // One sync every 20 ms for a second: about 50, fewer when the disk or the machine is slow.
  assert.ok(reading.fsync.count >= 1 && reading.fsync.count <= 52, `fsyncs: ${reading.fsync.count}`);
  assert.match(
    describeSpeedReading(reading),
    /^fixed work [\d.]+ ms unpinned \(shared; [\d.]+-[\d.]+\); fsync p50 [\d.]+ ms/,
  );
});

test('describeSpeedReading names each CPU set, its role and its range', () => {
  const reading: MachineSpeedReading = {
    when: 'end',
    at: '2026-11-24T21:00:00.000Z',
    cpus: [
      { role: 'system under test', cpus: '0', medianMs: 101.5, minMs: 99.2, maxMs: 110.4, reps: 7 },
      { role: 'load generator', cpus: '1', medianMs: 100.1, minMs: 98.7, maxMs: 104, reps: 7 },
    ],
  };
  assert.equal(
    describeSpeedReading(reading),
    'fixed work 101.5 ms on CPU 0 (system under test; 99.2-110.4), 100.1 ms on CPU 1 (load generator; 98.7-104)',
  );
});

/** The fixed work's checksum (the same on every machine: only its time may differ). */
const FIXED_WORK_CHECKSUM = -745823167;
