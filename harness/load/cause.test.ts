import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import type { ResourceUsage, StepResult } from '../results/types.ts';
import { explainMiss } from './cause.ts';
import { DiskSyncProbe, summarise } from './disk-probe.ts';

const slo = { p99Ms: 50, maxErrorRate: 0.01, minAchievedRatio: 0.95 };

function usage(role: ResourceUsage['role'], cpu: number, wait: number): ResourceUsage {
  return {
    role,
    pids: [1],
    cpuPercentAvg: cpu,
    cpuPercentMax: cpu,
    cpuWaitPercentAvg: wait,
    rssBytesAvg: 0,
    rssBytesMax: 0,
    samples: 6,
  };
}

/** A valid step that missed p99, with the given resources and machine figures. */
function missed(extra: Partial<StepResult>): StepResult {
  return {
    valid: true,
    invalidReasons: [],
    slo: { met: false, reasons: ['p99 80 ms > 50 ms'] },
    errors: { rate: 0, byStatus: {}, timeouts: 0 },
    offeredRps: 1000,
    achievedRps: 1000,
    latencyMs: { p50: 2, p99: 80 },
    resources: [usage('server', 40, 10), usage('database', 15, 10)],
    ...extra,
  } as unknown as StepResult;
}

test('a step that met the SLO has no cause; an invalid one names its reason', () => {
  assert.equal(explainMiss({ ...missed({}), slo: { met: true, reasons: [] } }, slo), undefined);
  const invalid = missed({ valid: false, invalidReasons: ['other processes took 40% of a core'] });
  assert.match(explainMiss(invalid, slo)!, /^not a measurement of the server: other processes took 40%/);
});

test('a stalled disk is named for a target with a database, after GC pauses and before CPU waits', () => {
  const machine = { cores: 2, busyPercentAvg: 60, stealPercentAvg: 0, otherPercentAvg: 0, topOthers: [], samples: 6 };
  const stalled = { ...machine, diskSync: { count: 30, p50Ms: 0.09, maxMs: 71.4 } };
  assert.equal(
    explainMiss(missed({ machine: stalled }), slo),
    'the disk stalled: a 4 KiB write + fdatasync took up to 71 ms (median 0.09 ms)',
  );
  // A quick disk is no cause: the figures fall through to the next rule.
  const quick = { ...machine, diskSync: { count: 30, p50Ms: 0.09, maxMs: 2 } };
  assert.match(explainMiss(missed({ machine: quick }), slo)!, /^no pause or saturation seen/);
  // Without a database (the memory backend) the disk is not on the request path.
  const noDatabase = missed({ machine: stalled, resources: [usage('server', 40, 10)] });
  assert.match(explainMiss(noDatabase, slo)!, /^no pause or saturation seen/);
  // A GC pause long enough to decide p99 comes first.
  const paused = missed({ machine: stalled, pauses: { api: { gcCount: 3, gcTotalMs: 90, gcMaxMs: 61 } } });
  assert.match(explainMiss(paused, slo)!, /^a 61 ms garbage-collection pause in the API process/);
});

test('a major collection of the API inside a step that stayed fast at p50 is named before the CPU waits', () => {
  const waiting = [usage('server', 45, 40), usage('database', 35, 120)];
  const major = { gcCount: 14, gcTotalMs: 140, gcMaxMs: 17, majorGcCount: 1 };
  assert.match(
    explainMiss(missed({ resources: waiting, pauses: { api: major } }), slo)!,
    /^a major garbage collection of the API process fell inside the step \(1; .*p50 stayed 2 ms\)/,
  );
  // Without a major collection the same step is the database waiting for the CPU.
  assert.match(
    explainMiss(missed({ resources: waiting, pauses: { api: { ...major, majorGcCount: 0 } } }), slo)!,
    /^the database was waiting for a CPU/,
  );
  // A saturated step (p50 far up) is saturation, whatever collected inside it.
  const saturated = missed({ resources: waiting, pauses: { api: major }, latencyMs: { p50: 40, p99: 300 } } as never);
  assert.match(explainMiss(saturated, slo)!, /^the database was waiting for a CPU/);
});

test('the disk probe times small durable writes in a thread of its own; a busy event loop does not inflate it', async () => {
  const probe = new DiskSyncProbe({ intervalMs: 20 });
  probe.start();
  await new Promise((resolve) => setTimeout(resolve, 100));
  probe.window();
  // Block this thread's event loop for 120 ms at a time: a probe timed on it would report >= 100 ms.
  const until = Date.now() + 400;
  while (Date.now() < until) {
    const block = Date.now() + 120;
    while (Date.now() < block);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const summary = probe.stop();
  assert.ok(summary, 'some syncs were timed');
  assert.ok(summary.count >= 5, `count ${summary.count}`);
  assert.ok(summary.p50Ms >= 0 && summary.maxMs >= summary.p50Ms, JSON.stringify(summary));
  assert.ok(summary.p50Ms < 50, `median ${summary.p50Ms} ms: the event loop's blocks leaked into the figure`);
  // Never started: nothing timed.
  assert.equal(new DiskSyncProbe().stop(), null);
  assert.deepEqual(summarise([3, 1, 2, 10]), { count: 4, p50Ms: 2, maxMs: 10 });
  assert.equal(summarise([]), null);
  // The thread removes its file once stopped.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const left = (await readdir(tmpdir())).filter((f) => f.startsWith(`storebench-disk-probe-${process.pid}-`));
  assert.deepEqual(left, []);
});

test('reads from storage are named after a stalled disk and before CPU waits; small reads are no cause', () => {
  const machine = { cores: 2, busyPercentAvg: 60, stealPercentAvg: 0, otherPercentAvg: 0, topOthers: [], samples: 6 };
  const read = { ...machine, storageRead: { mib: 12.4, majorFaults: 30 } };
  assert.equal(
    explainMiss(missed({ machine: read }), slo),
    'reads from storage: 12.4 MiB read and 30 major page faults during the step (files not in the page cache)',
  );
  // Major faults alone (a paused process's code paged back in) count too.
  const faults = { ...machine, storageRead: { mib: 0.4, majorFaults: 250 } };
  assert.match(explainMiss(missed({ machine: faults }), slo)!, /^reads from storage: 0.4 MiB read and 250 major/);
  const little = { ...machine, storageRead: { mib: 0.3, majorFaults: 5 } };
  assert.match(explainMiss(missed({ machine: little }), slo)!, /^no pause or saturation seen/);
  // A stalled disk comes first.
  const both = { ...read, diskSync: { count: 30, p50Ms: 0.09, maxMs: 71.4 } };
  assert.match(explainMiss(missed({ machine: both }), slo)!, /^the disk stalled/);
});
