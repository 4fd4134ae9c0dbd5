/**
 * The HTTP ceiling: the memory backend served by our core with 1 and 2 cluster workers, next to a
 * bare node:http server answering the very same bytes, all measured by autocannon (closed loop,
 * fixed connections) in one run so the figures compare as ratios. One request per workload: the
 * heaviest-weighted template of its load mix (drawn with request seed 1 over the small data set).
 *   node --import tsx harness/bench/http-ceiling.ts [--seconds 10] [--connections 50] [--workloads a,b]
 * Prints one JSON line per measurement and a table at the end. Besides requests per second, each row has the
 * CPU time the server's processes spent per request (from /proc): on a machine shared with other work the
 * throughput moves with whatever else runs, the CPU cost of a request much less, so compare that one there.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DEFAULT_SCALE } from '../../core/dataset/index.ts';
import { primaryCount, seededRandom, workload, WORKLOAD_NAMES, type MixRequest } from '../../core/workloads/index.ts';
import { processTree, readProcStat } from '../load/index.ts';
import { startApiProcess, type ApiProcess } from '../topology/index.ts';

interface Row {
  server: string;
  request: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time (user + system) of the server's processes per answered request, in microseconds. */
  cpuUsPerRequest: number;
  non2xx: number;
  errors: number;
}

/** One request to measure, and the bytes the storebench server answered to it (what the bare server replays). */
interface Probe {
  name: string;
  request: MixRequest;
  status: number;
  answer: string;
}

/** The bare server: a child process answering the captured bytes, no routing, no validation, no storage. */
function bareServer(probes: Probe[]): void {
  const answers = new Map(probes.map((p) => [`${p.request.method} ${p.request.path}`, p]));
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const probe = answers.get(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (chunks.length > 0) JSON.parse(Buffer.concat(chunks).toString()); // the same parse work any API must do
      const bytes = Buffer.from(probe?.answer ?? '{}');
      res.writeHead(probe?.status ?? 404, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': bytes.length,
      });
      res.end(bytes);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
}

async function startBare(probes: Probe[]): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ['--bare'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, PROBES: JSON.stringify(probes) },
  });
  const [port] = (await once(child, 'message')) as [number];
  return { url: `http://127.0.0.1:${port}`, child };
}

/** CPU time so far of a process and its descendants (cluster workers), in nanoseconds. */
function cpuNsOf(rootPid: number): number {
  return processTree(rootPid).reduce((sum, pid) => sum + (readProcStat(pid)?.cpuNs ?? 0), 0);
}

async function measure(
  server: string,
  url: string,
  probe: Probe,
  seconds: number,
  connections: number,
  serverPid: number,
): Promise<Row> {
  const { method, path, body } = probe.request;
  const options = {
    url: `${url}${path}`,
    method,
    connections,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body }),
  };
  // A short warm-up so the JIT and connection set-up are not measured.
  await autocannon({ ...options, duration: 2 });
  const cpuBefore = cpuNsOf(serverPid);
  const r = await autocannon({ ...options, duration: seconds });
  const cpuNs = cpuNsOf(serverPid) - cpuBefore;
  const row = {
    server,
    request: probe.name,
    rps: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    cpuUsPerRequest: Math.round(cpuNs / 1000 / Math.max(1, r.requests.total)),
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
  console.log(JSON.stringify(row));
  return row;
}

/** The heaviest-weighted template of each workload's mix, built once. */
function probeRequests(names: string[]): Array<{ name: string; request: MixRequest }> {
  const random = seededRandom(1);
  return names.map((name) => {
    const w = workload(name);
    const mix = w.mix({ primary: primaryCount(w, DEFAULT_SCALE), distribution: 'last10', readBackFraction: 0 });
    const template = [...mix.templates].sort((a, b) => b.weight - a.weight)[0]!;
    const request = template.build(random);
    if (!request) throw new Error(`${name}: the template ${template.name} builds no request`);
    return { name: template.name, request };
  });
}

async function capture(url: string, probe: { name: string; request: MixRequest }): Promise<Probe> {
  const { method, path, body } = probe.request;
  const response = await fetch(`${url}${path}`, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body }),
  });
  return { ...probe, status: response.status, answer: await response.text() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      workloads: { type: 'string', default: WORKLOAD_NAMES.join(',') },
      bare: { type: 'boolean', default: false },
    },
  });
  if (values.bare) {
    bareServer(JSON.parse(process.env.PROBES!) as Probe[]);
    return;
  }
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const workloads = values.workloads.split(',').map((w) => w.trim());
  const requests = probeRequests(workloads);
  const rows: Row[] = [];
  let probes: Probe[] | null = null;
  for (const workers of [1, 2]) {
    const api: ApiProcess = await startApiProcess({
      backend: 'memory',
      workers,
      seedWorkloads: { workloads, scale: DEFAULT_SCALE, datasetSeed: 1 },
    });
    try {
      probes ??= await Promise.all(requests.map((r) => capture(api.url, r)));
      const label = `storebench memory, ${workers} worker${workers > 1 ? 's' : ''}`;
      for (const probe of probes) rows.push(await measure(label, api.url, probe, seconds, connections, api.pid));
    } finally {
      await api.stop();
    }
  }
  const bare = await startBare(probes!);
  try {
    for (const probe of probes!) {
      rows.push(await measure('bare node:http', bare.url, probe, seconds, connections, bare.child.pid!));
    }
  } finally {
    bare.child.kill();
  }
  console.log(`\nautocannon, ${connections} connections, ${seconds} s per row (after 2 s warm-up)`);
  for (const p of probes!)
    console.log(`  ${p.name}: ${p.request.method} ${p.request.path}, answer ${p.answer.length} bytes`);
  console.log('| server | request | RPS | p50 ms | p99 ms | CPU µs/request | non-2xx | errors |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const figures = [r.rps, r.p50Ms, r.p99Ms, r.cpuUsPerRequest, r.non2xx, r.errors];
    console.log(`| ${r.server} | ${r.request} | ${figures.join(' | ')} |`);
  }
}

await main();
