/**
 * The HTTP ceiling (issue 2): the memory backend served by our core with 1 and 2 cluster workers,
 * next to a bare node:http server answering the very same bytes, all measured by autocannon
 * (closed loop, fixed connections) in one run so the figures compare as ratios. Usage:
 *   node --import tsx harness/bench/http-ceiling.ts [--seconds 10] [--connections 50] [--product 9001]
 * Prints one JSON line per measurement and a table at the end.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startApiProcess, type ApiProcess } from '../topology/index.ts';

const USAGE_BODY = JSON.stringify({
  patientId: '100',
  timestamp: 'Tue Nov 01 2016 09:11:51 GMT-0500 (CDT)',
  medication: 'Albuterol',
});

interface Row {
  server: string;
  request: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** The bare server: a child process answering the captured bytes, no routing, no validation, no storage. */
function bareServer(stylesBody: string, createdBody: string): void {
  const styles = Buffer.from(stylesBody);
  const created = Buffer.from(createdBody);
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString()); // the same parse work any API must do
        res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': created.length });
        res.end(created);
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': styles.length });
    res.end(styles);
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
}

async function startBare(stylesBody: string, createdBody: string): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ['--bare'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, STYLES_BODY: stylesBody, CREATED_BODY: createdBody },
  });
  const [port] = (await once(child, 'message')) as [number];
  return { url: `http://127.0.0.1:${port}`, child };
}

async function measure(
  server: string,
  url: string,
  request: 'POST /api/usages' | 'GET /products/:id/styles',
  path: string,
  seconds: number,
  connections: number,
): Promise<Row> {
  const post = request.startsWith('POST');
  // A short warm-up so the JIT and connection set-up are not measured.
  await autocannon({ url: `${url}${path}`, method: post ? 'POST' : 'GET', connections, duration: 2, ...body(post) });
  const r = await autocannon({
    url: `${url}${path}`,
    method: post ? 'POST' : 'GET',
    connections,
    duration: seconds,
    ...body(post),
  });
  const row = {
    server,
    request,
    rps: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
  console.log(JSON.stringify(row));
  return row;
}

function body(post: boolean): { headers?: Record<string, string>; body?: string } {
  return post ? { headers: { 'content-type': 'application/json' }, body: USAGE_BODY } : {};
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      product: { type: 'string', default: '9001' },
      bare: { type: 'boolean', default: false },
    },
  });
  if (values.bare) {
    bareServer(process.env.STYLES_BODY!, process.env.CREATED_BODY!);
    return;
  }
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const stylesPath = `/products/${values.product}/styles`;
  const rows: Row[] = [];
  let bytes: { styles: string; created: string } | null = null;
  for (const workers of [1, 2]) {
    const api: ApiProcess = await startApiProcess({
      backend: 'memory',
      workers,
      seed: { workloads: ['catalog'], scale: 'small', datasetSeed: 1 },
    });
    try {
      if (!bytes) {
        const styles = await (await fetch(`${api.url}${stylesPath}`)).text();
        const created = await (
          await fetch(`${api.url}/api/usages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: USAGE_BODY,
          })
        ).text();
        bytes = { styles, created };
      }
      const label = `storebench memory, ${workers} worker${workers > 1 ? 's' : ''}`;
      rows.push(await measure(label, api.url, 'POST /api/usages', '/api/usages', seconds, connections));
      rows.push(await measure(label, api.url, 'GET /products/:id/styles', stylesPath, seconds, connections));
    } finally {
      await api.stop();
    }
  }
  const bare = await startBare(bytes!.styles, bytes!.created);
  try {
    rows.push(await measure('bare node:http', bare.url, 'POST /api/usages', '/api/usages', seconds, connections));
    rows.push(await measure('bare node:http', bare.url, 'GET /products/:id/styles', stylesPath, seconds, connections));
  } finally {
    bare.child.kill();
  }
  console.log(
    `\nautocannon, ${connections} connections, ${seconds} s per row (after 2 s warm-up); styles body ${bytes!.styles.length} bytes`,
  );
  console.log('| server | request | RPS | p50 ms | p99 ms | non-2xx | errors |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.server} | ${r.request} | ${r.rps} | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx} | ${r.errors} |`);
  }
}

await main();
