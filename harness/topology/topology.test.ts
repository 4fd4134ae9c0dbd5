import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAlive } from '../provision/local/launch.ts';
import { memoryLayoutProblem, nginxBinary, nginxConfig, parseTopology, startTopology, topologyLabel } from './index.ts';

describe('topology', () => {
  test('layouts parse from the command line and label themselves for results', () => {
    assert.deepEqual(parseTopology('1'), { instances: 1, workers: 1, balancer: 'least_conn', cache: false });
    assert.deepEqual(parseTopology('4:round_robin:redis'), {
      instances: 4,
      workers: 1,
      balancer: 'round_robin',
      cache: true,
    });
    assert.equal(topologyLabel(parseTopology('4:least_conn:w2')), 'x4 w2 least_conn');
    assert.equal(topologyLabel(parseTopology('1:redis')), 'x1 +redis');
    assert.throws(() => parseTopology('0'), /instances must be an integer 1..64/);
    assert.throws(() => parseTopology('2:random'), /unknown part "random"/);
    assert.ok(memoryLayoutProblem(parseTopology('2')));
    assert.equal(memoryLayoutProblem(parseTopology('1')), null);
  });

  test('the nginx config names the policy (round robin is nginx default) and keeps upstream connections alive', () => {
    const base = { dir: '/tmp/x', port: 8080, upstreams: ['http://127.0.0.1:5001', 'http://127.0.0.1:5002'] };
    const least = nginxConfig({ ...base, policy: 'least_conn', runAsRoot: false });
    assert.match(least, /least_conn;/);
    assert.match(least, /server 127\.0\.0\.1:5001 max_fails=0;\n\s+server 127\.0\.0\.1:5002 max_fails=0;/);
    assert.match(least, /keepalive 256;/);
    assert.match(least, /proxy_set_header Connection "";/);
    assert.match(least, /listen 127\.0\.0\.1:8080;/);
    const roundRobin = nginxConfig({ ...base, policy: 'round_robin', runAsRoot: true });
    assert.doesNotMatch(roundRobin, /least_conn/);
    assert.match(roundRobin, /^user root;/m);
  });

  const skip = nginxBinary() ? undefined : 'SKIPPED: nginx is not installed (bash scripts/servers/install installs it)';
  if (skip && process.env.CI === 'true') throw new Error(`CI: ${skip}`);
  if (skip) console.warn(`\n!!!!! ${skip} !!!!!\n`);

  for (const policy of ['least_conn', 'round_robin'] as const) {
    test(
      `two API processes behind nginx (${policy}) both serve, and stop leaves nothing running`,
      { skip },
      async () => {
        const running = await startTopology(
          { instances: 2, workers: 1, balancer: policy, cache: false },
          { backend: 'memory', seedWorkloads: { workloads: ['catalog'], scale: 'tiny', datasetSeed: 1 } },
        );
        const pids = running.pids();
        try {
          assert.equal(running.apis.length, 2);
          assert.ok(running.balancer);
          assert.notEqual(running.url, running.apis[0]!.url);
          for (let i = 0; i < 20; i++) {
            const response = await fetch(`${running.url}/products/${1 + i}/styles`);
            assert.equal(response.status, 200);
            assert.equal(((await response.json()) as { product_id: string }).product_id, String(1 + i));
          }
          // Each instance answered some of them: nginx spread the requests.
          for (const api of running.apis) {
            const metrics = await (await fetch(`${api.url}/metrics`)).text();
            const served = [
              ...metrics.matchAll(/http_requests_total\{[^}]*route="\/products\/:product_id\/styles"[^}]*\} (\d+)/g),
            ]
              .map((m) => Number(m[1]))
              .reduce((a, b) => a + b, 0);
            assert.ok(served > 0, `instance ${api.url} served styles requests`);
          }
        } finally {
          await running.stop();
        }
        await new Promise((r) => setTimeout(r, 200));
        for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} stopped`);
      },
    );
  }
});
