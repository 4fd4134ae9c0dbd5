import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { LoadMix } from '../../core/workloads/load-mix.ts';

/** A load mix of one template, `GET /`: what the tests drive against a test server. */
export const getRoot: LoadMix = {
  workload: 'test',
  distribution: 'uniform',
  templates: [{ name: 'GET /', weight: 1, build: () => ({ method: 'GET', path: '/' }) }],
};

/** Behaviour of a throwaway HTTP server used to test the load runner. */
export interface TestServerOptions {
  /** Every response waits this long (ms). Default 0. */
  delayMs?: number;
  /** Every Nth request (1-based) gets a 500. Default never. */
  errorEvery?: number;
  /** Stall: responses due in [first request + stallAfterMs, + stallMs) wait until the stall ends. */
  stallAfterMs?: number;
  stallMs?: number;
  /** JSON body to answer with. Default {"ok":true}. */
  body?: string;
  /**
   * Serve at most this many requests at once (each taking delayMs), the rest wait in arrival order:
   * a server of known capacity, concurrency / delayMs requests per ms. Default unbounded.
   */
  concurrency?: number;
}

export interface TestServer {
  url: string;
  pid: number;
  close(): Promise<void>;
}

// Plain JavaScript run by `node -e` in a child process, so the server has its own pid and CPU.
const SCRIPT = `
const http = require('node:http');
const o = JSON.parse(process.env.SB_TEST_SERVER);
let n = 0, first = 0;
const body = Buffer.from(o.body ?? '{"ok":true}');
const server = http.createServer((req, res) => {
  req.resume();
  const now = Date.now();
  if (!first) first = now;
  n++;
  const status = o.errorEvery && n % o.errorEvery === 0 ? 500 : 200;
  const answer = () => { res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); };
  let wait = o.delayMs ?? 0;
  if (o.stallMs) {
    const s = first + (o.stallAfterMs ?? 0), e = s + o.stallMs;
    if (now >= s && now < e) wait = Math.max(wait, e - now);
  }
  if (o.concurrency) { queue.push(() => setTimeout(() => { answer(); active--; next(); }, wait)); next(); }
  else if (wait > 0) setTimeout(answer, wait); else answer();
});
const queue = []; let active = 0;
function next() { while (active < o.concurrency && queue.length > 0) { active++; queue.shift()(); } }
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

/** Starts a loopback test server in a child process. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT], {
    env: { ...process.env, NODE_OPTIONS: '', SB_TEST_SERVER: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(chunk.toString().trim());
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async close() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
