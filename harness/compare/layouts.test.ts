import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseRtt } from '../network/index.ts';
import { parseClusterLayout } from '../provision/clusters/index.ts';
import { clusterSkipReason, namespacesOf } from '../provision/clusters/leftovers.fixture.ts';
import type { RunResult } from '../results/index.ts';
import { planDatabaseLayouts } from './database-layouts.ts';
import { compareInputFromFlags, comparePlan, inputFromRecord, runCompare } from './index.ts';
import { targetLabel } from './layout-dimensions.ts';

describe('compare layout dimensions: --rtt, --cluster, --fault', () => {
  test('flags become dimensions, recorded so that --from repeats them', () => {
    const plan = comparePlan(
      compareInputFromFlags({
        backends: 'postgres,cassandra,mongo',
        rtt: 'loopback,0.5ms',
        cluster: 'cassandra:3,postgres:standby:sync',
        fault: 'kill:node2@10,kill:primary@10',
        'fault-load': '0.4',
      }),
    );
    assert.deepEqual(plan.dimensions.rtt, [parseRtt('loopback'), parseRtt('0.5ms')]);
    assert.equal(plan.dimensions.fault?.workload, 'usages');
    assert.equal(plan.dimensions.fault?.load, 0.4);
    assert.deepEqual(plan.settings.rtt, ['loopback', '0.5ms~0ms']);
    assert.deepEqual(plan.settings.clusters, ['cassandra:3:rf=3:cl=local_quorum', 'postgres:standby:sync:failover=5s']);
    assert.deepEqual(plan.settings.faults, ['kill:node2@10', 'kill:primary@10']);
    const again = comparePlan(
      inputFromRecord({ ...{ name: 'x', mixes: [] }, ...recordOf(plan), compare: plan.settings }),
    );
    assert.deepEqual(again.dimensions, plan.dimensions);
    assert.deepEqual(comparePlan({}).settings.rtt, undefined, 'a plain run records nothing new');
  });

  test('bad values name the flag', () => {
    assert.throws(() => comparePlan({ dimensions: { rtt: ['fast'] } }), /--rtt "fast"/);
    assert.throws(() => comparePlan({ dimensions: { hosts: 'loopback', rtt: ['1ms'] } }), /--hosts loopback/);
    assert.throws(() => comparePlan({ dimensions: { clusters: ['mongo:3'] } }), /no replica sets/);
    assert.throws(() => comparePlan({ dimensions: { faults: ['kill:node2@40'] } }), /after the step's end/);
    assert.throws(() => comparePlan({ dimensions: { faults: ['kill:x@1'], faultLoad: 3 } }), /--fault-load/);
  });

  test('each backend gets the layouts that fit it, on each kind of host; labels name what differs', () => {
    const plan = comparePlan({
      backends: ['memory', 'postgres', 'cassandra', 'mongo'],
      dimensions: { rtt: ['loopback', '0.5ms'], clusters: ['cassandra:3', 'single'] },
    });
    const { layouts, notes } = planDatabaseLayouts(plan.backends, plan.dimensions);
    assert.deepEqual(
      layouts.map((l) => `${l.backend} ${l.cluster.kind} ${l.hosts}`),
      [
        'memory single loopback',
        'memory single netns',
        'postgres single loopback',
        'postgres single netns',
        'cassandra cassandra-ring loopback',
        'cassandra cassandra-ring netns',
        'cassandra single loopback',
        'cassandra single netns',
        'mongo single loopback',
        'mongo single netns',
      ],
    );
    assert.equal(new Set(layouts.map((l) => l.hostPrefix)).size, layouts.length, 'host prefixes unique per database');
    assert.match(notes.join(' '), /stand-in \(mongo-java-server\) has no replica sets/);
    const label = (backend: string, cluster: string, count: number, rtt: string, rtts: number) =>
      targetLabel({
        backend,
        cluster: parseClusterLayout(cluster),
        clustersOfBackend: count,
        rtt: parseRtt(rtt),
        rtts,
        topology: 'x1',
        topologies: 1,
      });
    assert.equal(label('postgres', 'single', 1, 'loopback', 1), 'postgres');
    assert.equal(label('postgres', 'single', 1, 'loopback', 2), 'postgres loopback');
    assert.equal(label('cassandra', 'cassandra:3', 2, '0.5ms', 2), 'cassandra ring3 rtt 0.5ms');
    assert.equal(label('cassandra', 'single', 2, '0.5ms', 1), 'cassandra single rtt 0.5ms');
  });
});

/** The scenario record fields inputFromRecord reads. */
function recordOf(plan: ReturnType<typeof comparePlan>) {
  const s = plan.scenario;
  return {
    workloads: plan.workloads,
    backends: plan.backends,
    stepKind: s.stepKind,
    stepValues: s.stepValues,
    stepDurationS: s.stepDurationS,
    warmupS: s.warmupS,
    requestTimeoutMs: s.requestTimeoutMs,
    idDistribution: s.idDistribution,
    slo: s.slo,
    stopAfterFailedSteps: s.stopAfterFailedSteps,
    profile: s.profile,
  };
}

describe('compare with a primary+standby on loopback and on hosts 0.5 ms apart, the primary killed (real servers)', () => {
  const skip = clusterSkipReason('postgres', true);
  let resultsDir = '';
  after(async () => {
    if (resultsDir) await rm(resultsDir, { recursive: true, force: true });
  });

  test(
    'one line per layout, measured round trips, a failure run per database, a resilience section; nothing left',
    { skip, timeout: 300_000 },
    async () => {
      resultsDir = await mkdtemp(join(tmpdir(), 'storebench-layouts-'));
      const plan = comparePlan({
        backends: ['postgres'],
        workloads: ['usages'],
        scale: 'tiny',
        provision: 'local',
        resultsDir,
        calibrate: 'none',
        // Two trials: each starts new API processes, and only the last trial's API is kept for the failure run.
        scenario: { method: 'ladder', trials: 2, stepValues: [30], stepDurationS: 1, warmupS: 0.3, targetWarmupS: 0.5 },
        dimensions: {
          rtt: ['loopback', '0.5ms'],
          clusters: ['postgres:standby:sync:failover=2s'],
          faults: ['kill:primary@2'],
          faultRps: 40,
          faultDurationS: 7,
        },
      });
      const outcome = await runCompare(plan, () => undefined);
      const run = JSON.parse(await readFile(join(outcome.runDir, 'run.json'), 'utf8')) as RunResult;
      const labels = ['postgres standby-sync loopback', 'postgres standby-sync rtt 0.5ms'];
      assert.deepEqual([...new Set(run.steps.map((s) => s.backend))].sort(), labels);
      assert.deepEqual([...new Set(run.steps.map((s) => s.trial))].sort(), [1, 2]);
      assert.deepEqual(run.layouts?.map((l) => l.label).sort(), labels);
      const delayed = run.layouts!.find((l) => l.rtt === 'rtt 0.5ms')!;
      assert.equal(delayed.members.length, 2);
      const toApi = delayed.measuredRtt?.find((m) => m.from === 'loadgen' && m.to === 'api');
      assert.ok(toApi && toApi.minMs >= 0.5, `load generator -> API round trip ${JSON.stringify(toApi)}`);
      assert.ok(run.network?.subnet, 'the network is recorded');
      assert.equal(run.faultRuns?.length, 2, `a failure run per database: ${run.notes.join(' | ')}`);
      for (const f of run.faultRuns!) {
        assert.equal(f.fault, 'kill:primary@2');
        assert.ok((f.errors['503'] ?? 0) > 0, `${f.backend}: 503s while no primary answers`);
        assert.ok(
          f.events.some((e) => /promoted/.test(e.what)),
          `${f.backend}: the standby was promoted`,
        );
        assert.equal(f.readBack.lost, 0, `${f.backend}: nothing acknowledged was lost`);
      }
      const md = await readFile(outcome.report!.markdownPath, 'utf8');
      assert.match(md, /## Layouts: clusters and the network between hosts/);
      assert.match(md, /## Resilience: a failure during a steady step/);
      assert.ok(
        outcome.report!.charts.filter((c) => c.metric === 'resilience').every((c) => existsSync(c.absolutePath)),
      );
      assert.deepEqual(namespacesOf(process.pid), [], 'the network is gone');
    },
  );
});
