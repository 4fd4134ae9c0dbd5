import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { processTree, readProcStat, ResourceSampler } from './sampler.ts';
import { startTestServer } from './test-server.ts';

const linux = process.platform !== 'linux' ? 'SKIPPED: /proc is Linux only' : undefined;

/** Keeps this process busy in slices, so timers (the sampler's) still run. */
async function burnHere(ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const slice = Date.now() + 20;
    while (Date.now() < slice);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * A process spinning one core until killed, outside this process's tree (started in the background
 * by a shell that exits, so it is re-parented): what another job on the machine looks like.
 */
async function cpuBurner() {
  const shell = spawn('sh', ['-c', `"${process.execPath}" -e "for (;;) {}" >/dev/null 2>&1 & echo $!`]);
  let out = '';
  shell.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await once(shell, 'exit');
  const pid = Number(out.trim());
  assert.ok(pid > 0 && !processTree(process.pid).includes(pid), 'the burner is not in this process tree');
  return {
    pid,
    stop: async () => {
      process.kill(pid, 'SIGKILL');
      while (readProcStat(pid) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'))) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

test('the sampler reads CPU and RSS of a process tree from /proc', { skip: linux }, async () => {
  const server = await startTestServer();
  try {
    assert.ok(processTree(process.pid).includes(server.pid), 'a child is in its parent tree');
    assert.ok(readProcStat(process.pid)!.rssBytes > 10_000_000);
    assert.equal(readProcStat(2 ** 30), null, 'a pid that does not exist reads as null');
    const sampler = new ResourceSampler([{ role: 'loadgen', pids: [process.pid] }], { intervalMs: 100 });
    sampler.start();
    await burnHere(500);
    const { roles } = sampler.stop();
    const usage = roles[0]!;
    assert.ok(usage.samples >= 3, `samples ${usage.samples}`);
    assert.ok(usage.cpuPercentAvg > 15, JSON.stringify(usage));
    assert.equal(usage.activePids, 1);
  } finally {
    await server.close();
  }
});

test('a gap too short to measure gives no CPU figure, and no figure exceeds the machine', { skip: linux }, async () => {
  // Start and stop at once: the old sampler divided 10 ms ticks by a ~1 ms gap and reported 1000%.
  for (let i = 0; i < 20; i++) {
    // A minimum gap no start-then-stop can reach, however slow /proc is to read on a busy machine.
    const sampler = new ResourceSampler([{ role: 'loadgen', pids: [process.pid] }], {
      intervalMs: 100,
      minGapMs: 60_000,
    });
    sampler.start();
    const { roles, machine } = sampler.stop();
    assert.equal(machine.samples, 0, 'no interval was shorter than the minimum gap');
    assert.equal(roles[0]!.cpuPercentMax, 0);
  }
  const sampler = new ResourceSampler([{ role: 'loadgen', pids: [process.pid] }], { intervalMs: 60, minGapMs: 50 });
  sampler.start();
  await burnHere(400);
  const { roles, machine } = sampler.stop();
  assert.ok(roles[0]!.cpuPercentMax <= machine.cores * 100, JSON.stringify(roles[0]));
  assert.ok(machine.busyPercentAvg <= machine.cores * 100, JSON.stringify(machine));
});

test('a process outside the run that burns CPU is counted as interference and named', { skip: linux }, async () => {
  const burner = await cpuBurner();
  try {
    const sampler = new ResourceSampler([{ role: 'loadgen', pids: [process.pid] }], { intervalMs: 100 });
    sampler.start();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const { machine } = sampler.stop();
    assert.ok(machine.otherPercentAvg > 40, `other ${machine.otherPercentAvg}%: ${machine.topOthers.join(', ')}`);
    assert.ok(
      machine.topOthers.some((o) => o.includes(`pid ${burner.pid}`)),
      machine.topOthers.join(', '),
    );
    // The same process declared part of the run is not interference.
    const owned = new ResourceSampler([{ role: 'loadgen', pids: [process.pid] }], {
      intervalMs: 100,
      runPids: () => [burner.pid],
    });
    owned.start();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const mine = owned.stop().machine;
    assert.ok(!mine.topOthers.some((o) => o.includes(`pid ${burner.pid}`)), mine.topOthers.join(', '));
  } finally {
    await burner.stop();
  }
});

test(
  'an ownOnly role leaves out its children: the load generator is not charged for the servers it started',
  { skip: linux },
  async () => {
    // A child of this process spinning a core: what an API process or a database server started by compare is.
    const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.ok(processTree(process.pid).includes(child.pid!), 'the burner is in this process tree');
      const sampler = new ResourceSampler(
        [
          { role: 'loadgen', pids: [process.pid], ownOnly: true },
          { role: 'server', pids: [child.pid!] },
        ],
        { intervalMs: 100 },
      );
      sampler.start();
      await new Promise((resolve) => setTimeout(resolve, 700)); // this process idles
      const { roles } = sampler.stop();
      const [loadgen, server] = roles;
      assert.ok(server!.cpuPercentAvg > 50, `the child is busy: ${JSON.stringify(server)}`);
      assert.ok(
        loadgen!.cpuPercentAvg < 30,
        `the idle generator is not charged for its child: ${JSON.stringify(loadgen)}`,
      );
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  },
);

test('a process whose work runs off its main thread (a JVM) is counted whole', { skip: linux }, async () => {
  // The main thread sleeps while a worker thread spins: /proc/<pid>/schedstat alone would read ~0%.
  const child = spawn(
    process.execPath,
    ['-e', "new (require('node:worker_threads').Worker)('for (;;) {}', { eval: true }); setInterval(() => {}, 1000);"],
    { stdio: 'ignore' },
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sampler = new ResourceSampler([{ role: 'database', pids: [child.pid!], mainThread: true }], {
      intervalMs: 100,
    });
    sampler.start();
    await new Promise((resolve) => setTimeout(resolve, 700));
    const [database] = sampler.stop().roles;
    assert.ok(database!.cpuPercentAvg > 50, `the worker thread's CPU is counted: ${JSON.stringify(database)}`);
    // ...and the main thread alone, asked for, reads what it did: nearly nothing.
    assert.ok(database!.mainThread, 'the main thread is sampled on its own');
    assert.ok(database!.mainThread.cpuPercentAvg < 30, `the idle main thread: ${JSON.stringify(database)}`);
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
});
