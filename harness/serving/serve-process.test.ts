// `storebench serve` as operators run it (issue 16 items 2, 3, 5; issue 14 items 7 and 9): configured by
// STOREBENCH_* variables only, its JSON log lines, request ids, a database that is down at start, and
// SIGTERM under keep-alive load.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { Relay } from '../../core/conformance/relay.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import { parseApiEvent } from '../protocol/api-events.ts';
import { REPO_ROOT } from '../provision/index.ts';
import { SERVE_OPTIONS } from './options.ts';

type Line = Record<string, unknown>;

interface ServeProcess {
  child: ChildProcess;
  /** Every stdout line, parsed (all of them are JSON). */
  lines: Line[];
  stderr(): string;
  url: string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

const scratch = mkdtempSync(join(tmpdir(), 'storebench-serve-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * `node bin/storebench.mjs serve ...args` with exactly `variables` in its environment (plus PATH, and a
 * state dir of its own, so no server that `storebench servers up` recorded can stand in for a variable).
 * Resolves once it announces `serving`; rejects with its output if it exits first.
 */
async function startServe(variables: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['bin/storebench.mjs', 'serve', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', STOREBENCH_STATE_DIR: join(scratch, 'state'), ...variables },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        return reject(new Error(`a stdout line that is not JSON: ${text}`));
      }
      lines.push(line);
      const event = parseApiEvent(text);
      if (event?.event === 'serving') resolve(event.url);
    });
    void exited.then((code) => reject(new Error(`serve exited (${code}):\n${JSON.stringify(lines)}\n${stderr}`)));
  });
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return { child, lines, stderr: () => stderr, url, exited, stop };
}

/** Polls `GET url` until it answers `status`; fails after `ms`. */
async function until(url: string, status: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const reply = await fetch(url).catch(() => undefined);
    if (reply?.status === status) return;
    if (Date.now() > deadline) assert.fail(`${url} did not answer ${status} within ${ms} ms (last ${reply?.status})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The database URL with its loopback port replaced by `port` (a relay's, or one where nothing listens). */
function onPort(url: string, port: number): string {
  return url.replace(/(127\.0\.0\.1|localhost):\d+/, `$1:${port}`);
}

function hostPort(url: string): { host: string; port: number } {
  const match = /(127\.0\.0\.1|localhost):(\d+)/.exec(url);
  assert.ok(match, `no loopback host:port in ${url}`);
  return { host: match[1]!, port: Number(match[2]) };
}

const DATABASES = [
  { backend: 'postgres', option: ['STOREBENCH_POSTGRES_POOL_SIZE', '4'] },
  { backend: 'cassandra', option: ['STOREBENCH_CASSANDRA_CONSISTENCY', 'ONE'] },
  { backend: 'mongo', option: ['STOREBENCH_MONGO_POOL_SIZE', '5'] },
] as const;

describe('serve configured by STOREBENCH_* variables only', () => {
  test('memory: the configuration line, then a request id round trip', async () => {
    const serve = await startServe({ STOREBENCH_BACKEND: 'memory', STOREBENCH_PORT: '0', STOREBENCH_WORKERS: '1' });
    try {
      const config = serve.lines.find((l) => l.msg === 'configuration');
      assert.ok(config, 'a configuration line');
      assert.equal(config.level, 'info');
      assert.match(String(config.time), /^\d{4}-\d{2}-\d{2}T/);
      const { backend, port } = config.config as Line;
      assert.deepEqual([backend, port], ['memory', 0]);
      assert.deepEqual((config.sources as Line).backend, 'STOREBENCH_BACKEND');
      const reply = await fetch(`${serve.url}/healthz`, { headers: { 'x-request-id': 'operator-trace-1' } });
      assert.equal(reply.headers.get('x-request-id'), 'operator-trace-1');
    } finally {
      assert.equal(await serve.stop(), 0);
    }
  });

  for (const { backend, option } of DATABASES) {
    const server = testServer(backend);
    test(
      `${backend}: configuration line (password redacted), ready, request id, a JSON line per 503 once its database is gone`,
      { skip: server.skip, timeout: 120_000 },
      async () => {
        const urlVariable = `STOREBENCH_${backend.toUpperCase()}_URL`;
        const relay = await Relay.to(hostPort(server.url!));
        await relay.up();
        const [name, value] = option;
        const serve = await startServe({
          STOREBENCH_BACKEND: backend,
          STOREBENCH_PORT: '0',
          [urlVariable]: onPort(server.url!, relay.port),
          [name]: value,
        });
        try {
          const config = serve.lines.find((l) => l.msg === 'configuration');
          assert.ok(config, 'a configuration line');
          assert.equal((config.sources as Line).url, urlVariable);
          assert.equal((config.sources as Line)[SERVE_OPTIONS.find((o) => o.env === name)!.key], name);
          const everything = JSON.stringify(serve.lines);
          const password = /:\/\/[^:/@]+:([^@/]+)@/.exec(server.url!)?.[1];
          if (password) assert.ok(!everything.includes(`:${password}@`), 'the password never reaches the log');
          await until(`${serve.url}/readyz`, 200, 60_000);
          const ready = await fetch(`${serve.url}/readyz`, { headers: { 'x-request-id': `ready-${backend}` } });
          assert.equal(ready.headers.get('x-request-id'), `ready-${backend}`);

          await relay.down();
          const id = `outage-${backend}`;
          const reply = await fetch(`${serve.url}/api/overview/1`, { headers: { 'x-request-id': id } });
          assert.equal(reply.status, 503, JSON.stringify(serve.lines.slice(-3)));
          assert.deepEqual(await reply.json(), { error: 'the database is unavailable', code: 'BACKEND_UNAVAILABLE' });
          await new Promise((resolve) => setTimeout(resolve, 100));
          const logged = serve.lines.filter((l) => l.reqId === id);
          assert.equal(logged.length, 1, `one line for the 503: ${JSON.stringify(logged)}`);
          const [line] = logged as [Line];
          assert.deepEqual(
            [line.level, line.msg, line.status, line.route],
            ['error', 'backend unavailable', 503, '/api/overview/:gameId'],
          );
          assert.equal(typeof (line.dbError as Line).class, 'string');
        } finally {
          await relay.down();
          assert.equal(await serve.stop(), 0);
        }
      },
    );
  }
});

describe('serve with its database down at start', () => {
  for (const backend of ['postgres', 'mongo'] as const) {
    const server = testServer(backend);
    test(
      `${backend}: listens at once (/healthz 200, /readyz 503), migrates once the database appears, then serves`,
      { skip: server.skip, timeout: 120_000 },
      async () => {
        const relay = await Relay.to(hostPort(server.url!)); // down until up()
        const serve = await startServe({
          STOREBENCH_BACKEND: backend,
          STOREBENCH_PORT: '0',
          [`STOREBENCH_${backend.toUpperCase()}_URL`]: onPort(server.url!, relay.port),
        });
        try {
          assert.equal((await fetch(`${serve.url}/healthz`)).status, 200);
          const unready = await fetch(`${serve.url}/readyz`);
          assert.equal(unready.status, 503);
          assert.equal(((await unready.json()) as { code: string }).code, 'BACKEND_UNAVAILABLE');
          // Each failed attempt is logged (a refused connection fails at once, mongo after its 2 s selection).
          const retries = () =>
            serve.lines.filter((l) => l.level === 'warn' && String(l.msg).includes('migrate failed'));
          for (let waited = 0; retries().length === 0 && waited < 10_000; waited += 100) {
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          assert.ok(retries().length >= 1, 'each failed migration attempt is logged');
          assert.equal(typeof (retries()[0]!.dbError as Line).class, 'string');
          assert.equal((await fetch(`${serve.url}/readyz`)).status, 503, 'still down: no crash, no exit');

          await relay.up();
          // Retries back off up to 10 s between attempts.
          await until(`${serve.url}/readyz`, 200, 30_000);
          const record = { game_id: 424242, game_name: 'g', description: '', release_date: '2020-01-01' };
          const body = JSON.stringify({ ...record, developer: 'd', publisher: 'p', tags: [] });
          await fetch(`${serve.url}/api/overview/424242`, { method: 'DELETE' });
          const created = await fetch(`${serve.url}/api/overview`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          assert.equal(created.status, 201);
          assert.equal((await fetch(`${serve.url}/api/overview/424242`)).status, 200);
          assert.equal((await fetch(`${serve.url}/api/overview/424242`, { method: 'DELETE' })).status, 204);
          assert.equal(serve.stderr(), '', 'nothing on stderr: no stack trace');
        } finally {
          await relay.down();
          assert.equal(await serve.stop(), 0);
        }
      },
    );
  }

  test(
    '--require-db (STOREBENCH_REQUIRE_DB=true): exit 1 with one clear line, no stack trace',
    { timeout: 60_000 },
    async () => {
      const child = spawn(process.execPath, ['bin/storebench.mjs', 'serve'], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          STOREBENCH_STATE_DIR: join(scratch, 'state'),
          STOREBENCH_BACKEND: 'postgres',
          STOREBENCH_POSTGRES_URL: 'postgres://storebench:secret@127.0.0.1:1/storebench',
          STOREBENCH_REQUIRE_DB: 'true',
          STOREBENCH_PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 1);
      assert.equal(stderr, '');
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
      assert.deepEqual(
        lines.map((l) => l.msg === 'configuration' || l.level),
        [true, 'fatal'],
        stdout,
      );
      assert.match(String(lines[1]!.msg), /^cannot start: postgres: migrate failed: .*ECONNREFUSED/);
      assert.ok(!stdout.includes('secret@'), 'the password is redacted');
      assert.ok(!/\n\s+at /.test(stdout), 'no stack trace');
    },
  );
});

describe('SIGTERM under keep-alive load', () => {
  /**
   * 500 requests per second over 8 kept-alive connections, SIGTERM in the middle, requests going on after
   * it. A request written on a connection and answered by a reset (ECONNRESET, "socket hang up") is the
   * failure; a new connection refused once the server stopped listening is not (the request never left),
   * nor one reset while it was still being opened (`connect ECONNRESET`, the listening socket closing under
   * it; seen once in a clean-clone CI run, 2026-11-24).
   */
  async function loadThroughSigterm(): Promise<{
    ok: number;
    closing: number;
    resets: string[];
    refused: number;
    code: number | null;
  }> {
    const serve = await startServe({ STOREBENCH_PORT: '0' }, [
      '--backend',
      'memory',
      '--seed-workloads',
      'catalog',
      '--scale',
      'tiny',
    ]);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const { hostname, port } = new URL(serve.url);
    let ok = 0;
    let closing = 0;
    let refused = 0;
    const resets: string[] = [];
    let signalled = false;
    const one = (i: number) =>
      new Promise<void>((resolve) => {
        const req = request({ host: hostname, port, agent, path: `/products/${(i % 200) + 1}` }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) ok++;
            if (signalled && res.headers.connection === 'close') closing++;
            resolve();
          });
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          // Failed while connecting: nothing of the request was written.
          if (error.code === 'ECONNREFUSED' || error.syscall === 'connect') refused++;
          else resets.push(`${error.code ?? ''} ${error.message}`);
          resolve();
        });
        req.end();
      });
    const pending: Promise<void>[] = [];
    const started = performance.now();
    for (let i = 0; i < 750; i++) {
      const due = started + i * 2; // 500 per second
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (i === 375) {
        signalled = true;
        serve.child.kill('SIGTERM');
      }
      pending.push(one(i));
    }
    await Promise.all(pending);
    agent.destroy();
    return { ok, closing, resets, refused, code: await serve.exited };
  }

  test(
    'resets no request: answers carry Connection: close, idle connections close, exit 0',
    { timeout: 120_000 },
    async () => {
      for (let round = 0; round < 3; round++) {
        const result = await loadThroughSigterm();
        assert.deepEqual(result.resets, [], `round ${round}: ${JSON.stringify(result)}`);
        assert.ok(result.ok > 300, `round ${round}: answered before and during the drain: ${JSON.stringify(result)}`);
        assert.ok(
          result.closing > 0,
          `round ${round}: answers after SIGTERM say Connection: close: ${JSON.stringify(result)}`,
        );
        assert.equal(result.code, 0);
      }
    },
  );
});
