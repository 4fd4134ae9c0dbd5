import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { overviewMix } from '../../core/workloads/overview/mix.ts';
import { usagesMix } from '../../core/workloads/usages/mix.ts';
import { seededRandom } from '../../core/workloads/index.ts';
import { createBackend } from '../backends/index.ts';
import { createHostNetwork } from '../network/index.ts';
import { parseClusterLayout, startCluster, type RunningCluster } from '../provision/clusters/index.ts';
import {
  assertMembersGone,
  clusterSkipReason,
  memberDirs,
  namespacesOf,
} from '../provision/clusters/leftovers.fixture.ts';
import type { FaultRunRecord } from '../results/index.ts';
import { startApiProcess, type ApiProcess } from '../topology/index.ts';
import {
  faultLabel,
  parseFault,
  runFaultStep,
  TimelineRecorder,
  timeToRecovery,
  WriteLedger,
  withLedger,
} from './index.ts';

const SLO = { p99Ms: 50, maxErrorRate: 0.01, minAchievedRatio: 0.95 };

describe('fault specs, ledger and timeline', () => {
  test('--fault items parse and print back', () => {
    assert.deepEqual(parseFault('kill:node2@10'), { action: 'kill', member: 'node2', atS: 10 });
    assert.deepEqual(parseFault('partition:primary@5+20'), {
      action: 'partition',
      member: 'primary',
      atS: 5,
      forS: 20,
    });
    assert.equal(faultLabel(parseFault('partition:primary@5s+20s')), 'partition:primary@5+20');
    assert.throws(() => parseFault('crash:node2@1'), /expected kill:<member>@<seconds>/);
    assert.throws(() => parseFault('kill:node2'), /expected/);
  });

  test('the ledger keeps acknowledged creates only, and drops what a DELETE may have removed', () => {
    const ledger = new WriteLedger();
    const random = seededRandom(3);
    const usages = withLedger(usagesMix(), ledger);
    const post = usages.templates[0]!.build(random)!;
    post.expect!(201, '{"id":"42","patientId":"1"}');
    post.expect!(503, '{"error":"unavailable"}');
    const overview = withLedger(overviewMix({ maxGameId: 100 }), ledger);
    const create = overview.templates.find((t) => t.name === 'POST /api/overview')!;
    const first = create.build(random)!;
    const firstId = (JSON.parse(first.body!) as { game_id: number }).game_id;
    first.expect!(201, '');
    const second = create.build(random)!;
    second.expect!(201, '');
    // The mix deletes what it created, oldest first: the first create leaves the check.
    overview.templates.find((t) => t.name === 'DELETE /api/overview/:id')!.build(random);
    assert.equal(ledger.size, 3);
    assert.deepEqual(
      ledger.writes().map((e) => e.path),
      ['/api/usages/42', `/api/overview/${(JSON.parse(second.body!) as { game_id: number }).game_id}`],
    );
    assert.equal(ledger.forgottenCount(), 1);
    assert.ok(!ledger.writes().some((e) => e.path === `/api/overview/${firstId}`));
  });

  test('the timeline buckets by the second a request was due; recovery is when errors stop for good', () => {
    const timeline = new TimelineRecorder(1_000);
    const outcome = (atMs: number, status: number | 'timeout', latencyMs = 5) =>
      timeline.record({ template: 't', intendedMs: 1_000 + atMs, latencyMs, status, measured: true });
    outcome(100, 201);
    outcome(1_200, 503, 2);
    outcome(1_300, 'timeout', 10_000);
    outcome(1_400, 201, 900); // answered late, counted in the second it was due
    outcome(2_100, 201);
    const seconds = timeline.seconds();
    assert.deepEqual(
      seconds.map((s) => [s.second, s.requests, s.ok, s.errors]),
      [
        [0, 1, 1, {}],
        [1, 3, 1, { '503': 1, timeout: 1 }],
        [2, 1, 1, {}],
      ],
    );
    assert.equal(timeline.firstErrorAfterMs(1_000), 1_200);
    assert.equal(timeline.firstErrorAfterMs(1_350), undefined);
    assert.equal(timeToRecovery(seconds, 1, SLO), 1);
    assert.equal(timeToRecovery(seconds.slice(0, 2), 1, SLO), null, 'still failing when the step ended');
    assert.equal(timeToRecovery([seconds[0]!, seconds[2]!], 0, SLO), 0, 'never affected');
  });
});

/** Starts the API on the cluster, runs the fault step, stops the API. */
async function faultUnderLoad(
  cluster: RunningCluster,
  kind: 'postgres' | 'cassandra',
  fault: string,
  rate: number,
  apiHost?: { namespace: string; address: string },
): Promise<FaultRunRecord> {
  const backend = await createBackend(kind, cluster.url);
  try {
    await backend.migrate();
    await backend.reset();
  } finally {
    await backend.close();
  }
  const api: ApiProcess = await startApiProcess({ backend: kind, url: cluster.url, ...(apiHost && { host: apiHost }) });
  try {
    return await runFaultStep({
      url: api.url,
      mix: usagesMix(),
      rateRps: rate,
      maxRps: rate,
      warmupS: 2,
      durationS: 15,
      fault: parseFault(fault),
      cluster,
      slo: SLO,
      label: `${kind} ${cluster.label}`,
      workload: 'usages',
    });
  } finally {
    await api.stop();
  }
}

describe('postgres primary killed under load', () => {
  const skip = clusterSkipReason('postgres', false);

  test(
    '503s at once (not hangs), the standby promoted, 0 acknowledged writes lost with synchronous commit',
    { skip, timeout: 120_000 },
    async () => {
      const cluster = await startCluster('postgres', parseClusterLayout('postgres:standby:sync:failover=3s'));
      let record: FaultRunRecord;
      try {
        record = await faultUnderLoad(cluster, 'postgres', 'kill:primary@4', 50);
      } finally {
        await cluster.stop();
      }
      const outage = record.timeline.filter((s) => s.second >= 5 && s.second < 7);
      assert.ok((record.errors['503'] ?? 0) > 0, `503s while no primary answers: ${JSON.stringify(record.errors)}`);
      assert.equal(
        record.errors.timeout ?? 0,
        0,
        `no request hung until its timeout: ${JSON.stringify(record.errors)}`,
      );
      for (const s of outage) {
        assert.ok(s.errors['503'] === s.requests, `second ${s.second}: every request a 503 (${JSON.stringify(s)})`);
        assert.ok(s.p50Ms < 500, `second ${s.second}: the 503s came at once (p50 ${s.p50Ms} ms)`);
      }
      assert.ok(
        record.events.some((e) => /promoted/.test(e.what)),
        JSON.stringify(record.events),
      );
      assert.ok(
        record.timeToFirstErrorS !== null && record.timeToFirstErrorS < 1,
        `first error ${record.timeToFirstErrorS} s`,
      );
      assert.ok(
        record.timeToRecoveryS !== null && record.timeToRecoveryS >= 3,
        `recovered ${record.timeToRecoveryS} s after`,
      );
      assert.ok(record.readBack.acknowledged > 300, `${record.readBack.acknowledged} writes acknowledged`);
      assert.equal(record.readBack.unreadable, 0);
      assert.equal(record.readBack.lost, 0, `lost: ${record.readBack.lostSample.join(', ')}`);
    },
  );
});

describe('cassandra ring of 3 (LONG: about 2-3 minutes, most of it the three JVMs starting)', () => {
  const skip = clusterSkipReason('cassandra', true);

  test(
    'on hosts of a network: starts, answers at QUORUM, loses no acknowledged write when a node is killed under load, stops with nothing left',
    { skip, timeout: 420_000 },
    async () => {
      const before = new Set(memberDirs());
      const network = await createHostNetwork({ hosts: ['api'] });
      try {
        const cluster = await startCluster('cassandra', parseClusterLayout('cassandra:3'), { network });
        const dirs = memberDirs().filter((d) => !before.has(d));
        let record: FaultRunRecord;
        try {
          assert.equal(cluster.members.length, 3);
          assert.match(cluster.url, /consistency=LOCAL_QUORUM&replication_factor=3$/);
          const api = network.host('api');
          record = await faultUnderLoad(cluster, 'cassandra', 'kill:node2@4', 40, {
            namespace: api.namespace!,
            address: api.address,
          });
          assert.equal(cluster.member('node2').pid(), undefined, 'node2 stays down');
        } finally {
          await cluster.stop();
        }
        assert.ok(record.readBack.acknowledged > 200, `${record.readBack.acknowledged} writes acknowledged`);
        assert.equal(record.readBack.unreadable, 0);
        assert.equal(record.readBack.lost, 0, `lost: ${record.readBack.lostSample.join(', ')}`);
        const after = record.timeline.filter((s) => s.second >= 6);
        assert.ok(
          after.every((s) => s.ok > 0),
          `two replicas of three keep serving QUORUM: ${JSON.stringify(after.map((s) => [s.second, s.ok, s.errors]))}`,
        );
        assertMembersGone(dirs);
      } finally {
        await network.remove();
      }
      assert.deepEqual(namespacesOf(process.pid), []);
    },
  );
});
