import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { missingForLocal, REPO_ROOT, type ServerEndpoint } from '../provision/index.ts';
import { isAlive } from '../provision/local/launch.ts';

const exec = promisify(execFile);
const kinds = ['postgres', 'redis'] as const;

function skipReason(): string | undefined {
  const missing = kinds.map(missingForLocal).filter((m): m is string => m !== null);
  if (missing.length === 0) return undefined;
  if (process.env.CI === 'true') throw new Error(`CI: native servers missing: ${missing.join('; ')}`);
  return `SKIPPED: ${missing.join('; ')}`;
}

test(
  'servers up starts detached servers, status queries them, down leaves no process or dir',
  { skip: skipReason(), timeout: 90_000 },
  async () => {
    // A private state dir: the shared servers of .storebench/servers.json are not touched.
    const state = mkdtempSync(join(tmpdir(), 'storebench-cli-test-'));
    const env = { ...process.env, STOREBENCH_STATE_DIR: state };
    const cli = (...args: string[]): Promise<{ stdout: string }> =>
      exec(process.execPath, ['bin/storebench.mjs', 'servers', ...args, '--backend', kinds.join(',')], {
        cwd: REPO_ROOT,
        env,
        encoding: 'utf8',
      });
    let endpoints: ServerEndpoint[] = [];
    try {
      const upOut = (await cli('up', '--provision', 'local')).stdout;
      assert.match(upOut, /postgres\s+up in/);
      assert.match(upOut, /redis\s+up in/);
      endpoints = Object.values(
        JSON.parse(readFileSync(join(state, 'servers.json'), 'utf8')) as Record<string, ServerEndpoint>,
      );
      assert.equal(endpoints.length, 2);
      // `up` has exited; its servers must still run.
      for (const e of endpoints) assert.ok(e.pid && isAlive(e.pid), `${e.kind} outlives \`servers up\``);

      const statusOut = (await cli('status')).stdout;
      assert.match(statusOut, /postgres\s+OK\s+PostgreSQL \d+/);
      assert.match(statusOut, /redis\s+OK\s+Redis \d/);
      assert.match((await cli('up')).stdout, /already running/);

      const downOut = (await cli('down')).stdout;
      assert.match(downOut, /postgres\s+stopped/);
      for (const e of endpoints) {
        assert.equal(isAlive(e.pid!), false, `${e.kind} pid ${e.pid} gone`);
        assert.equal(existsSync(e.dataDir!), false, `${e.kind} dir removed`);
      }
      assert.equal(existsSync(join(state, 'servers.json')), false, 'state file removed');
      await assert.rejects(cli('status'), (error: { code?: number; stdout?: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stdout ?? '', /not running/);
        return true;
      });
    } finally {
      for (const e of endpoints) if (e.pid && isAlive(e.pid)) process.kill(-e.pid, 'SIGKILL');
      for (const e of endpoints) if (e.dataDir) rmSync(e.dataDir, { recursive: true, force: true });
      rmSync(state, { recursive: true, force: true });
    }
  },
);
