import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { serveCommand } from '../topology/index.ts';
import { apiNodeFlagsFor, placementRecord, planPlacement, startingOnSystemUnderTest, type Placement } from './index.ts';

/** The CPU list of this process's main thread, as taskset prints it ("pid 1's current affinity list: 0,1"); null without taskset. */
function mainThreadCpus(): string | null {
  try {
    return execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' })
      .split(':')
      .pop()!
      .trim();
  } catch {
    return null;
  }
}

/** Every CPU in a taskset list such as `0-2,5`. */
function expand(list: string): string[] {
  return list.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number);
    return Array.from({ length: (to ?? from!) - from! + 1 }, (_, i) => String(from! + i));
  });
}

describe('placement', () => {
  test('an API that shares its one CPU with the database collects garbage on its own thread', () => {
    assert.deepEqual(apiNodeFlagsFor('pinned', '0'), ['--single-threaded-gc']);
    assert.deepEqual(apiNodeFlagsFor('pinned', '0-2'), [], 'spare cores: V8 as operators run it');
    assert.deepEqual(apiNodeFlagsFor('shared', '0'), []);
  });

  test('the flags reach the API command line and the record, and a shared placement adds none', () => {
    const command = serveCommand({ backend: 'memory', nodeFlags: ['--single-threaded-gc'] }, 0);
    assert.deepEqual(command.slice(0, 2), ['node', '--single-threaded-gc']);
    assert.ok(command.indexOf('--single-threaded-gc') < command.indexOf('serve'), 'a V8 flag goes before the script');
    const shared = planPlacement('shared');
    assert.deepEqual(shared.apiNodeFlags, []);
    assert.equal(placementRecord(shared).apiNodeFlags, undefined);
    const here = planPlacement('pinned');
    assert.deepEqual(here.apiNodeFlags, apiNodeFlagsFor(here.mode, here.systemUnderTest));
    assert.deepEqual(placementRecord(here).apiNodeFlags, here.apiNodeFlags.length > 0 ? here.apiNodeFlags : undefined);
  });

  const allowed = mainThreadCpus();
  const two = allowed === null ? [] : expand(allowed);
  test(
    "a server is started on the system under test's CPUs, and the load generator keeps its own",
    { skip: two.length < 2 && 'needs taskset and two CPUs' },
    async () => {
      const placement: Placement = {
        mode: 'pinned',
        systemUnderTest: two[0]!,
        loadGenerator: two[1]!,
        apiNodeFlags: [],
      };
      try {
        // A child started inside inherits the system under test's CPUs (a JVM sizes its threads for them).
        const child = await startingOnSystemUnderTest(placement, async () =>
          execFileSync('grep', ['Cpus_allowed_list', '/proc/self/status'], { encoding: 'utf8' }),
        );
        assert.equal(child.split(':').pop()!.trim(), two[0]);
        assert.equal(mainThreadCpus(), two[1], "this process is back on the load generator's CPUs");
        // Also when starting fails.
        await assert.rejects(
          startingOnSystemUnderTest(placement, () => Promise.reject(new Error('no server'))),
          /no server/,
        );
        assert.equal(mainThreadCpus(), two[1]);
      } finally {
        execFileSync('taskset', ['-p', '-c', allowed!, String(process.pid)], { stdio: 'ignore' });
      }
    },
  );
});
