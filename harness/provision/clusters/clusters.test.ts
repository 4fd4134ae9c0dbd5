import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createHostNetwork } from '../../network/index.ts';
import { REPO_ROOT } from '../index.ts';
import { isAlive } from '../local/launch.ts';
import { clusterLabel, parseClusterLayout, startCluster } from './index.ts';
import { assertMembersGone, clusterSkipReason, memberDirs, namespacesOf, processesIn } from './leftovers.fixture.ts';

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return check();
}

describe('cluster layouts', () => {
  test('--cluster items parse, label and refuse what cannot run', () => {
    assert.deepEqual(parseClusterLayout('cassandra:3'), {
      kind: 'cassandra-ring',
      nodes: 3,
      replicationFactor: 3,
      consistency: 'LOCAL_QUORUM',
    });
    assert.equal(clusterLabel(parseClusterLayout('cassandra:3')), 'ring3');
    assert.equal(clusterLabel(parseClusterLayout('cassandra:3:rf=2:cl=one')), 'ring3 rf2 one');
    assert.equal(clusterLabel(parseClusterLayout('postgres:standby')), 'standby-async');
    assert.equal(clusterLabel(parseClusterLayout('postgres:standby:sync:reads=standby')), 'standby-sync reads-standby');
    assert.equal(parseClusterLayout('postgres:standby:sync:failover=2s').kind, 'postgres-standby');
    assert.throws(() => parseClusterLayout('mongo:rs'), /no replica sets/);
    assert.throws(() => parseClusterLayout('postgres:standby:reads=standby'), /needs sync/);
    assert.throws(() => parseClusterLayout('cassandra:3:rf=4'), /unknown part/);
  });
});

describe('postgres primary with a streaming standby', () => {
  const skip = clusterSkipReason('postgres', true);

  test(
    'on hosts of a network: starts, replicates synchronously, follows the URL, stops with nothing left',
    { skip, timeout: 120_000 },
    async () => {
      const before = new Set(memberDirs());
      const network = await createHostNetwork();
      try {
        const cluster = await startCluster('postgres', parseClusterLayout('postgres:standby:sync'), { network });
        const dirs = memberDirs().filter((d) => !before.has(d));
        try {
          assert.equal(cluster.members.length, 2);
          assert.match(
            cluster.url,
            /^postgres:\/\/storebench:storebench@10\.213\.\d+\.\d+:5432,10\.213\.\d+\.\d+:5432\/storebench\?target_session_attrs=read-write$/,
          );
          // A write committed on the primary is on the standby at once (synchronous, applied before the next read).
          const primary = new pg.Client({ connectionString: cluster.member('primary').url });
          await primary.connect();
          await primary.query('CREATE TABLE t (id int PRIMARY KEY)');
          await primary.query('INSERT INTO t VALUES (1)');
          await primary.end();
          await cluster.settle();
          const standby = new pg.Client({ connectionString: cluster.member('standby').url });
          await standby.connect();
          assert.deepEqual((await standby.query('SELECT id FROM t')).rows, [{ id: 1 }]);
          assert.equal((await standby.query('SELECT pg_is_in_recovery() AS r')).rows[0]?.r, true);
          await standby.end();
        } finally {
          await cluster.stop();
        }
        assertMembersGone(dirs);
      } finally {
        await network.remove();
      }
      assert.deepEqual(namespacesOf(process.pid), []);
    },
  );

  test(
    'SIGINT while it runs on a network stops both servers and removes dirs and namespaces',
    { skip, timeout: 90_000 },
    async () => {
      await interrupt('postgres:standby:sync', 'ready');
    },
  );
});

describe('cassandra ring', () => {
  const skip = clusterSkipReason('cassandra', true);

  test(
    'SIGINT while the ring starts (node1 up, node2 starting) leaves no JVM, dir or namespace',
    { skip, timeout: 180_000 },
    async () => {
      await interrupt('cassandra:3', 'started');
    },
  );
});

/** Starts the fixture, interrupts it at the first `at` line, and checks nothing it started is left. */
async function interrupt(layout: string, at: 'ready' | 'started'): Promise<void> {
  const before = new Set(memberDirs());
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'harness/provision/clusters/interrupted-cluster.fixture.ts', layout, 'netns'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(`{"${at}"`)) resolve();
    });
    void exited.then((code) => reject(new Error(`child exited ${code} first: ${stderr}`)));
  });
  const dirs = memberDirs().filter((d) => !before.has(d));
  const pids = processesIn(dirs);
  assert.ok(pids.length >= 1, `servers running before SIGINT (dirs ${dirs.join(', ')})`);
  assert.ok(namespacesOf(child.pid!).length >= 3, 'router and member namespaces exist');
  child.kill('SIGINT');
  assert.equal(await exited, 130, `exit code (stderr: ${stderr.slice(-2000)})`);
  assert.ok(await until(() => pids.every((p) => !isAlive(p)), 10_000), `servers ${pids.join(', ')} gone`);
  assertMembersGone(dirs);
  assert.deepEqual(namespacesOf(child.pid!), [], 'namespaces removed');
}
