import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { parseCassandraUrl } from '../../adapters/cassandra/index.ts';
import {
  assertResettable,
  dockerEngineAnswers,
  ExternalProvisioner,
  LocalProvisioner,
  missingForLocal,
  ownedCount,
  provisionerFor,
  REPO_ROOT,
  SERVER_KIND_NAMES,
  type ServerKind,
} from './index.ts';
import { startSingleServer } from './clusters/index.ts';
import { startLocalRedis } from './kinds/redis.ts';
import { isAlive } from './local/launch.ts';

/** Installed binaries are required under CI=true; locally a missing one skips loudly. */
function skipReason(kinds: readonly ServerKind[]): string | undefined {
  const missing = kinds.map(missingForLocal).filter((m): m is string => m !== null);
  if (missing.length === 0) return undefined;
  const reason = `SKIPPED: native servers missing: ${missing.join('; ')}`;
  if (process.env.CI === 'true') throw new Error(`CI: ${reason}`);
  console.warn(`\n!!!!! ${reason} !!!!!\n`);
  return reason;
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return !isAlive(pid);
}

/** A write and a read-back on each kind: the server really serves data, not just a handshake. */
async function roundTrip(kind: ServerKind, url: string): Promise<void> {
  switch (kind) {
    case 'postgres': {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
        await client.query(`INSERT INTO t VALUES (1, 'a')`);
        assert.equal((await client.query('SELECT v FROM t WHERE id = 1')).rows[0]?.v, 'a');
      } finally {
        await client.end();
      }
      return;
    }
    case 'redis': {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        await client.set('k', 'v');
        assert.equal(await client.get('k'), 'v');
      } finally {
        client.disconnect();
      }
      return;
    }
    case 'mongo': {
      const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
      try {
        const col = client.db('t').collection<{ _id: number; v: string }>('c');
        await col.insertOne({ _id: 1, v: 'a' });
        assert.equal((await col.findOne({ _id: 1 }))?.v, 'a');
      } finally {
        await client.close();
      }
      return;
    }
    case 'cassandra': {
      const { hosts, port, datacenter } = parseCassandraUrl(url);
      const client = new cassandra.Client({
        contactPoints: hosts,
        localDataCenter: datacenter,
        protocolOptions: { port },
      });
      try {
        await client.execute(
          `CREATE KEYSPACE t WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
        );
        await client.execute('CREATE TABLE t.c (id int PRIMARY KEY, v text)');
        await client.execute(`INSERT INTO t.c (id, v) VALUES (1, 'a')`);
        assert.equal((await client.execute('SELECT v FROM t.c WHERE id = 1')).first()?.get('v'), 'a');
      } finally {
        await client.shutdown();
      }
      return;
    }
  }
}

describe('local provisioner', () => {
  const skip = skipReason(SERVER_KIND_NAMES);

  test(
    'starts all four servers on their own ports, they serve data, stop leaves nothing',
    { skip, timeout: 180_000 },
    async () => {
      const provisioner = new LocalProvisioner();
      const servers = await Promise.all(SERVER_KIND_NAMES.map((k) => provisioner.start(k, { javaHeap: '512M' })));
      try {
        for (const server of servers) {
          const { endpoint } = server;
          console.log(`  ${endpoint.kind}: ${endpoint.version} in ${server.startupMs} ms at ${endpoint.url}`);
          assert.equal(endpoint.provisioner, 'local');
          assert.match(endpoint.url, /127\.0\.0\.1:\d+/);
          assert.ok(endpoint.pid && isAlive(endpoint.pid), `${endpoint.kind} process alive`);
          assert.ok(endpoint.dataDir && existsSync(endpoint.dataDir), `${endpoint.kind} data dir exists`);
          assert.equal(server.resettable, true);
        }
        assert.match(servers[0]!.endpoint.version ?? '', /^PostgreSQL \d+/);
        assert.match(servers[1]!.endpoint.version ?? '', /^Apache Cassandra 5\.0/);
        assert.match(servers[2]!.endpoint.version ?? '', /^mongo-java-server/);
        assert.match(servers[3]!.endpoint.version ?? '', /^Redis \d/);
        assert.ok(servers[1]!.startupMs < 90_000, `cassandra started in ${servers[1]!.startupMs} ms (< 90 s)`);
        await Promise.all(servers.map((s) => roundTrip(s.endpoint.kind, s.endpoint.url)));

        // An external provisioner pointed at one of them neither stops it nor lets it be reset.
        const redis = servers[3]!;
        const external = await new ExternalProvisioner().start('redis', { url: redis.endpoint.url });
        assert.equal(external.endpoint.provisioner, 'external');
        assert.throws(() => assertResettable(external), /refusing to reset/);
        await external.stop();
        assert.ok(isAlive(redis.endpoint.pid!), 'external stop() left the server running');
        assert.equal(
          (await new ExternalProvisioner().start('redis', { url: redis.endpoint.url, allowReset: true })).resettable,
          true,
        );
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
      for (const { endpoint } of servers) {
        assert.equal(isAlive(endpoint.pid!), false, `${endpoint.kind} pid ${endpoint.pid} gone`);
        assert.equal(existsSync(endpoint.dataDir!), false, `${endpoint.kind} dir ${endpoint.dataDir} removed`);
      }
      assert.equal(ownedCount(), 0);
    },
  );

  test(
    'a server that cannot start fails with its log, and leaves no dir behind',
    { skip: skipReason(['redis']) },
    async () => {
      // Two redis servers cannot share a port: the second must fail fast with redis' own message.
      const first = await new LocalProvisioner().start('redis');
      try {
        await assert.rejects(startLocalRedis({}, Number(new URL(first.endpoint.url).port)), (error: Error) => {
          assert.match(error.message, /exited before answering/);
          assert.match(error.message, /Address already in use|bind/i);
          const dir = /log (\S+)\/redis\.log/.exec(error.message)?.[1];
          assert.ok(dir, 'message names the log');
          assert.equal(existsSync(dir), false, 'temp dir removed');
          return true;
        });
      } finally {
        await first.stop();
      }
    },
  );
});

describe('interrupted harness run', () => {
  const kinds: ServerKind[] = ['postgres', 'redis', 'mongo'];
  const skip = skipReason(kinds);

  test(
    'SIGINT to a run that provisioned servers leaves no process and no temp dir',
    { skip, timeout: 90_000 },
    async () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'harness/provision/interrupted-run.fixture.ts', kinds.join(',')],
        { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        void exited.then((code) => reject(new Error(`child exited ${code} before provisioning: ${stderr}`)));
      });
      const started = JSON.parse(line) as { kind: ServerKind; pid: number; dataDir: string }[];
      assert.equal(started.length, kinds.length);
      for (const s of started) {
        assert.ok(isAlive(s.pid), `${s.kind} running before SIGINT`);
        assert.ok(existsSync(s.dataDir));
      }
      child.kill('SIGINT');
      assert.equal(await exited, 130, `child exit code (stderr: ${stderr})`);
      for (const s of started) {
        assert.ok(await waitGone(s.pid, 5_000), `${s.kind} pid ${s.pid} gone after SIGINT`);
        assert.equal(existsSync(s.dataDir), false, `${s.kind} dir ${s.dataDir} removed`);
      }
    },
  );
});

describe('auto provisioner', () => {
  test('without a Docker engine it picks local when installed, else names exactly what to install', async (t) => {
    if (await dockerEngineAnswers()) {
      t.skip('a Docker engine answers here: auto picks docker');
      return;
    }
    if (!skipReason(SERVER_KIND_NAMES)) assert.equal((await provisionerFor('auto', SERVER_KIND_NAMES)).name, 'local');
    const saved = process.env.STOREBENCH_SERVERS_HOME;
    process.env.STOREBENCH_SERVERS_HOME = '/nonexistent/storebench';
    try {
      await assert.rejects(provisionerFor('auto', ['cassandra', 'mongo']), (error: Error) => {
        assert.match(error.message, /no Docker engine answers/);
        assert.match(error.message, /Cassandra 5\.0\.\d+ jars in \/nonexistent\/storebench\/cassandra-5/);
        assert.match(error.message, /mongo-java-server [\d.]+ in \/nonexistent\/storebench/);
        assert.match(error.message, /scripts\/servers\/install/);
        return true;
      });
    } finally {
      if (saved === undefined) delete process.env.STOREBENCH_SERVERS_HOME;
      else process.env.STOREBENCH_SERVERS_HOME = saved;
    }
  });
});

describe('interrupted start-up', () => {
  const skip = skipReason(['cassandra']);

  /** Every live process whose command line mentions `text`. */
  function processesMentioning(text: string): number[] {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
        } catch {
          return false;
        }
      })
      .map(Number);
  }

  test('SIGINT while Cassandra is still starting stops it and removes its dir', { skip, timeout: 90_000 }, async () => {
    const cassandraDirs = (): Set<string> =>
      new Set(readdirSync(tmpdir()).filter((d) => d.startsWith('storebench-cassandra-')));
    const before = cassandraDirs();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'harness/provision/interrupted-run.fixture.ts', 'cassandra'],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let dir: string | undefined;
    const deadline = Date.now() + 30_000;
    while (!dir && Date.now() < deadline) {
      dir = [...cassandraDirs()].find((d) => !before.has(d));
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(dir, 'the child created a cassandra temp dir');
    const path = `${tmpdir()}/${dir}`;
    // Wait until the JVM runs, well before Cassandra answers (it needs > 10 s here).
    const jvmDeadline = Date.now() + 20_000;
    while (processesMentioning(path).length === 0 && Date.now() < jvmDeadline)
      await new Promise((r) => setTimeout(r, 100));
    assert.ok(processesMentioning(path).length > 0, 'cassandra JVM started');
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    const goneDeadline = Date.now() + 10_000;
    while (processesMentioning(path).length > 0 && Date.now() < goneDeadline)
      await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(processesMentioning(path), [], 'no cassandra process left');
    assert.equal(existsSync(path), false, 'temp dir removed');
  });
});

describe('crash and restart of a local server', () => {
  const skip = skipReason(['postgres']);

  test('kill -9 keeps the data dir; restart serves the committed rows on the same URL', { skip }, async () => {
    const server = await new LocalProvisioner().start('postgres');
    const { url, dataDir } = server.endpoint;
    const firstPid = server.endpoint.pid!;
    try {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('CREATE TABLE t (id int PRIMARY KEY)');
      await client.query('INSERT INTO t SELECT generate_series(1, 100)');
      client.on('error', () => {}); // the crash cuts its connection
      await server.crash!();
      assert.equal(isAlive(firstPid), false, 'killed');
      assert.ok(existsSync(dataDir!), 'data dir kept');
      await client.end().catch(() => {});
      await assert.rejects(new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 }).connect());

      const { readyMs } = await server.restart!();
      assert.ok(readyMs > 0);
      assert.notEqual(server.endpoint.pid, firstPid);
      assert.ok(isAlive(server.endpoint.pid!));
      const again = new pg.Client({ connectionString: url });
      await again.connect();
      try {
        assert.equal((await again.query('SELECT count(*)::int AS n FROM t')).rows[0]?.n, 100);
      } finally {
        await again.end();
      }
      await assert.rejects(server.restart!(), /is running: crash\(\) or halt\(\) it before restart\(\)/);
    } finally {
      await server.stop();
    }
    assert.equal(isAlive(server.endpoint.pid!), false);
    assert.equal(existsSync(dataDir!), false, 'stop() removes the dir');
    assert.equal(ownedCount(), 0);
  });

  test(
    'restartServer() of a single server: a clean shutdown, then a new process on the same data and URL',
    { skip },
    async () => {
      // What a compare does before every trial (databasePerTrial: restart).
      const cluster = await startSingleServer('postgres', { mode: 'local' });
      const endpoint = cluster.watchedEndpoint()!;
      try {
        const [firstPid] = cluster.pids();
        const client = new pg.Client({ connectionString: cluster.url });
        await client.connect();
        await client.query('CREATE TABLE t (id int PRIMARY KEY)');
        await client.query('INSERT INTO t SELECT generate_series(1, 100)');
        await client.end();
        const logBefore = readFileSync(endpoint.logFile!, 'utf8').length;

        const { readyMs, graceful } = await cluster.restartServer!();
        assert.ok(readyMs > 0);
        assert.equal(graceful, true, 'it shut down within its grace');
        assert.equal(isAlive(firstPid!), false, 'the first process is gone');
        const [secondPid] = cluster.pids();
        assert.ok(secondPid !== undefined && secondPid !== firstPid && isAlive(secondPid), 'a new process runs');
        // PostgreSQL says at start-up how the last one ended: a clean shutdown, not a crash to recover from.
        const log = readFileSync(endpoint.logFile!, 'utf8').slice(logBefore);
        assert.match(log, /database system is shut down/);
        assert.match(log, /database system was shut down at/);
        assert.doesNotMatch(log, /database system was interrupted|not properly shut down/);
        const again = new pg.Client({ connectionString: cluster.url });
        await again.connect();
        try {
          assert.equal((await again.query('SELECT count(*)::int AS n FROM t')).rows[0]?.n, 100);
        } finally {
          await again.end();
        }
      } finally {
        await cluster.stop();
      }
      assert.equal(ownedCount(), 0);
    },
  );
});
