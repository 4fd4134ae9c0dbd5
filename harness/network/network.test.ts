import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { REPO_ROOT } from '../provision/index.ts';
import { isAlive } from '../provision/local/launch.ts';
import { createHostNetwork, netnsUnavailableReason, parseRtt, probeRtt, rttLabel } from './index.ts';

/** Namespaces and root-namespace links are needed; under CI=true their absence is a failure. */
function skipReason(): string | undefined {
  const missing = netnsUnavailableReason();
  if (!missing) return undefined;
  const reason = `SKIPPED: hosts in network namespaces cannot run here: ${missing}`;
  if (process.env.CI === 'true') throw new Error(`CI: ${reason}`);
  console.warn(`\n!!!!! ${reason} !!!!!\n`);
  return reason;
}

/** Our namespaces and root-namespace links made by process `pid`. */
function leftBy(pid: number): { namespaces: string[]; links: string[] } {
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`storebench-${pid}-`));
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(': ')[1]?.split('@')[0] ?? '')
    .filter((n) => n.startsWith(`sb${pid}n`));
  return { namespaces, links };
}

describe('--rtt values', () => {
  test('parse and label', () => {
    assert.deepEqual(parseRtt('loopback'), { kind: 'loopback' });
    assert.deepEqual(parseRtt('0.5ms'), { kind: 'netns', delay: { rttMs: 0.5, jitterMs: 0 } });
    assert.deepEqual(parseRtt('500us~100us'), { kind: 'netns', delay: { rttMs: 0.5, jitterMs: 0.1 } });
    assert.deepEqual(parseRtt('0'), { kind: 'netns', delay: { rttMs: 0, jitterMs: 0 } });
    assert.equal(rttLabel(parseRtt('0.5ms~0.1ms')), 'rtt 0.5ms~0.1ms');
    assert.equal(rttLabel(parseRtt('2ms')), 'rtt 2ms');
    assert.throws(() => parseRtt('5'), /give a unit/);
    assert.throws(() => parseRtt('fast'), /expected e\.g\. 0\.5ms/);
    assert.throws(() => parseRtt('1ms~2ms'), /jitter larger/);
  });
});

describe('hosts in network namespaces', () => {
  const skip = skipReason();

  test(
    'the added round trip is within 20% (at least 0.15 ms) of what was asked, measured by a probe between namespaces',
    { skip, timeout: 120_000 },
    async () => {
      const network = await createHostNetwork({ hosts: ['api', 'db'] });
      try {
        const [api, db] = [network.host('api'), network.host('db')];
        // Interleaved rounds: slow drift of a shared machine hits plain and delayed alike.
        const plain: number[] = [];
        const delayed: Record<string, number[]> = { '0.5': [], '2': [] };
        for (let round = 0; round < 2; round++) {
          await network.setDelay({ rttMs: 0, jitterMs: 0 });
          plain.push((await probeRtt(network, api, db, 150)).minMs);
          for (const rtt of ['0.5', '2']) {
            await network.setDelay({ rttMs: Number(rtt), jitterMs: 0 });
            delayed[rtt]!.push((await probeRtt(network, api, db, 150)).minMs);
          }
        }
        // Round trips without the relay in the path: the veth links and the probe's own wake-ups.
        const base = Math.min(...plain);
        for (const [rtt, mins] of Object.entries(delayed)) {
          const added = Math.min(...mins) - base;
          const asked = Number(rtt);
          // 20%, but never under 0.15 ms: a round trip crosses the relay twice, and each crossing adds the
          // kernel's wake-up latency (tens of µs, more on a busy machine) on top of the delay asked for.
          assert.ok(
            Math.abs(added - asked) <= Math.max(0.2 * asked, 0.15),
            `asked ${asked} ms, measured ${added.toFixed(3)} ms added (plain ${base} ms, delayed ${mins.join(', ')} ms)`,
          );
        }
        // The load generator's own link is delayed the same way.
        await network.setDelay({ rttMs: 2, jitterMs: 0 });
        const fromLoadgen = await probeRtt(network, network.loadGenerator, api, 100);
        assert.ok(
          fromLoadgen.minMs >= 2 && fromLoadgen.minMs < 2 * 1.2 + base,
          `loadgen -> api ${fromLoadgen.minMs} ms`,
        );
        assert.ok((await network.relayPackets()) > 0, 'the relay held the probes');
      } finally {
        await network.remove();
      }
      assert.deepEqual(leftBy(process.pid), { namespaces: [], links: [] });
    },
  );

  test('a partition cuts one host off until healed', { skip, timeout: 60_000 }, async () => {
    const network = await createHostNetwork({ hosts: ['a', 'b', 'c'] });
    try {
      const [a, b, c] = [network.host('a'), network.host('b'), network.host('c')];
      await network.partition('b');
      assert.equal((await probeRtt(network, a, b, 2)).count, 0, 'nothing reaches the cut host');
      assert.equal((await probeRtt(network, a, c, 5)).count, 5, 'the others still talk');
      await network.heal('b');
      assert.equal((await probeRtt(network, a, b, 5)).count, 5, 'the mended host answers');
    } finally {
      await network.remove();
    }
  });

  test(
    'SIGINT to a run with a delayed network leaves no namespace, link or relay',
    { skip, timeout: 60_000 },
    async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'harness/network/interrupted-network.fixture.ts'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        void exited.then((code) => reject(new Error(`child exited ${code} before its network was up: ${stderr}`)));
      });
      const { relayPid } = JSON.parse(line) as { relayPid: number };
      const made = leftBy(child.pid!);
      assert.equal(made.namespaces.length, 3, `router, api, db: ${made.namespaces.join(', ')}`);
      assert.equal(made.links.length, 1, 'the load generator link');
      assert.ok(isAlive(relayPid), 'the relay runs');
      child.kill('SIGINT');
      assert.equal(await exited, 130, `exit code (stderr: ${stderr})`);
      assert.deepEqual(leftBy(child.pid!), { namespaces: [], links: [] });
      assert.equal(isAlive(relayPid), false, 'the relay is gone');
    },
  );
});
