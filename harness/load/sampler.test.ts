import assert from 'node:assert/strict';
import { test } from 'node:test';
import { processTree, readProcStat, ResourceSampler } from './sampler.ts';
import { startTestServer } from './test-server.ts';

test('the sampler reads CPU and RSS of a process tree from /proc', { skip: process.platform !== 'linux' }, async () => {
  const server = await startTestServer();
  try {
    assert.ok(processTree(process.pid).includes(server.pid), 'a child is in its parent tree');
    assert.ok(readProcStat(process.pid)!.rssBytes > 10_000_000);
    assert.equal(readProcStat(2 ** 30), null, 'a pid that does not exist reads as null');
    const sampler = new ResourceSampler([{ role: 'loadgen', pids: [process.pid] }], 100);
    sampler.start();
    // Burn CPU in slices so the figure has something to show and the sampling timer still runs.
    const until = Date.now() + 500;
    while (Date.now() < until) {
      const slice = Date.now() + 20;
      while (Date.now() < slice);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const [usage] = sampler.stop();
    assert.ok(usage!.samples >= 3, `samples ${usage!.samples}`);
    assert.ok(usage!.cpuPercentAvg > 15 && usage!.cpuPercentMax <= 210, JSON.stringify(usage));
    assert.equal(usage!.activePids, 1);
  } finally {
    await server.close();
  }
});
