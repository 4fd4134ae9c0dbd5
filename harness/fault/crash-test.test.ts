import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { missingForLocal, REPO_ROOT } from '../provision/index.ts';
import type { CrashTestBackend, CrashTestResult } from './index.ts';

/** Short, so the suite stays fast: 50 writes/s, the kill after 3 s, 6 s of writes (more while a restart takes longer). */
const FLAGS = ['--rate', '50', '--seconds', '6', '--kill-after', '3', '--down', '1', '--java-heap', '512M', '--json'];

/** The native server must be installed; under CI=true a missing one fails, else it is skipped loudly. */
function skipReason(backend: CrashTestBackend): string | undefined {
  const missing = missingForLocal(backend);
  if (!missing) return undefined;
  const reason = `SKIPPED: cannot start ${backend} natively: ${missing}`;
  if (process.env.CI === 'true') throw new Error(`CI: ${reason}`);
  console.warn(`\n!!!!! ${reason} !!!!!\n`);
  return reason;
}

/** `storebench crash-test` as users run it, in its own process: it starts, kills and restarts a real server. */
async function crashTest(backend: CrashTestBackend): Promise<{ status: number | null; result: CrashTestResult }> {
  const child = spawn(process.execPath, ['bin/storebench.mjs', 'crash-test', '--backend', backend, ...FLAGS], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  let result: CrashTestResult;
  try {
    result = JSON.parse(stdout) as CrashTestResult;
  } catch {
    throw new Error(`crash-test --backend ${backend} exited ${status} without a result:\n${stderr}\n${stdout}`);
  }
  const { acknowledged, lost, timings } = result;
  console.log(
    `  ${backend} on ${result.server}: acknowledged ${acknowledged.total}, lost ${lost.total}, ` +
      `kill to first 503 ${timings.killToFirst503Ms?.toFixed(0)} ms, restart to first 2xx ${timings.restartToFirst2xxMs?.toFixed(0)} ms` +
      (result.standIn ? ' (MongoDB-wire stand-in)' : ''),
  );
  return { status, result };
}

describe('crash test: kill -9 of the database under steady writes', () => {
  for (const backend of ['postgres', 'cassandra'] as const) {
    test(
      `${backend}: every acknowledged write survives, the outage costs prompt 503s only`,
      {
        skip: skipReason(backend),
        timeout: 300_000,
      },
      async () => {
        const { status, result } = await crashTest(backend);
        assert.ok(result.acknowledged.usages > 0 && result.acknowledged.overview > 0, 'both workloads acknowledged');
        assert.ok(result.phases.outage.byStatus['503']! > 0, 'the outage was seen as 503s');
        assert.deepEqual(result.problems, [], JSON.stringify(result.lostSamples));
        assert.equal(result.lost.total, 0);
        assert.equal(status, 0);
      },
    );
  }

  test(
    'mongo (the MongoDB-wire stand-in): its figure is reported as the stand-in’s',
    {
      skip: skipReason('mongo'),
      timeout: 300_000,
    },
    async () => {
      const { status, result } = await crashTest('mongo');
      assert.equal(result.standIn, true, `${result.server} is reported as a stand-in`);
      assert.match(result.server, /^mongo-java-server .*journaled writes fsynced/);
      assert.ok(result.acknowledged.total > 0);
      // storebench's main class commits and fsyncs every journaled write before answering it.
      assert.deepEqual(result.problems, [], JSON.stringify(result.lostSamples));
      assert.equal(status, 0);
    },
  );
});
