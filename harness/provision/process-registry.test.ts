import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { REPO_ROOT } from './install-paths.ts';
import { isAlive } from './local/launch.ts';
import { stopStatus } from './process-registry.ts';

test('a signal stops the run where it would start the next thing, and a paused server it owns still goes at once', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'harness/provision/stopped-run.fixture.ts'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const { pid } = JSON.parse((await lines.next()).value as string) as { pid: number };
  assert.ok(isAlive(pid), 'the paused stand-in runs before the signal');
  const sent = Date.now();
  child.kill('SIGTERM');
  const { stopped } = JSON.parse((await lines.next()).value as string) as { stopped: string };
  assert.equal(stopped, 'SIGTERM', 'the loop ended with RunStopped naming the signal');
  assert.equal(await exited, 143, `exit status (stderr: ${stderr})`);
  const took = Date.now() - sent;
  // Paused, the stand-in would not hear SIGTERM until the 20 s grace ran out and SIGKILL came.
  assert.ok(took < 10_000, `exited ${took} ms after the signal, not after the stand-in's grace`);
  assert.equal(isAlive(pid), false, 'the stand-in is gone');
  assert.match(stderr, /SIGTERM: stopping 1 server/);
});

test('a server registered while the run stops is stopped too, and the exit waits for its stop', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'harness/provision/stopped-run.fixture.ts', 'late'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  const pidLine = new Promise<string>((resolve) => reader.once('line', resolve));
  reader.on('line', (line) => lines.push(line));
  JSON.parse(await pidLine);
  child.kill('SIGTERM');
  assert.equal(await exited, 143, `exit status (stderr: ${stderr})`);
  const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const latePid = records.find((r) => 'latePid' in r)?.latePid as number | undefined;
  assert.ok(latePid !== undefined, `the late server was started (stdout: ${lines.join(' | ')})`);
  // Its stop waits 1 s and then sends SIGTERM; without the wait the exit hook would have SIGKILLed it first.
  assert.deepEqual(
    records.find((r) => 'lateStopped' in r),
    { lateStopped: 'SIGTERM' },
    `the late server's own stop ended it (stdout: ${lines.join(' | ')})`,
  );
  assert.equal(isAlive(latePid), false, 'the late server is gone');
});

test('exit statuses are 128 + the signal number', () => {
  assert.equal(stopStatus('SIGINT'), 130);
  assert.equal(stopStatus('SIGTERM'), 143);
  assert.equal(stopStatus('SIGHUP'), 129);
});
