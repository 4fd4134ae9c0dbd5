import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { HostNetwork, NetworkHost } from './host-network.ts';
import { roundTo } from '../stats/round.ts';

/** Round trips measured from one host to another. */
export interface RttProbeResult {
  from: string;
  to: string;
  /** Round trips that completed (of those attempted). */
  count: number;
  minMs: number;
  p10Ms: number;
  p50Ms: number;
  p90Ms: number;
  maxMs: number;
}

// The target's kernel answers the SYN (no process of the target is scheduled for it), so a TCP connect
// is a ping whose far end costs nothing but the path; the client closes with a reset (no TIME_WAIT).
const LISTENER = `
const server = require('node:net').createServer((s) => s.on('error', () => {}));
server.listen(0, process.argv[1], 4096, () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`;

const CLIENT = `
const net = require('node:net');
const [host, port, count] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
(async () => {
  const rtts = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await new Promise((done) => {
      const s = net.connect({ host, port }, () => { rtts.push(Number(process.hrtime.bigint() - started) / 1e6); s.resetAndDestroy(); done(); });
      s.setTimeout(2000, () => { s.destroy(); done(); });
      s.on('error', () => done());
    });
    await new Promise((r) => setTimeout(r, 2));
  }
  console.log(JSON.stringify(rtts));
})();`;

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) * q)]!;
}

/**
 * Measures the round trip from `from` to `to` the way ping does (`count` probes, one at a time):
 * TCP connects to a listener started in the target's namespace, timed in a client started in the
 * source's. The figures include the client's own wake-up (tens of microseconds on an idle machine).
 */
export async function probeRtt(
  network: HostNetwork,
  from: NetworkHost,
  to: NetworkHost,
  count = 200,
): Promise<RttProbeResult> {
  const listen = network.command(to, [process.execPath, '-e', LISTENER, to.address]);
  const listener = spawn(listen[0]!, listen.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const listenerExit = once(listener, 'exit');
  try {
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: listener.stdout! }).once('line', (line) => resolve(Number(line)));
      void listenerExit.then(() => reject(new Error(`the probe listener in ${to.name} exited`)));
    });
    const argv = network.command(from, [process.execPath, '-e', CLIENT, to.address, String(port), String(count)]);
    const client = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    client.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(client, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`the probe client in ${from.name} exited with ${String(code)}`);
    const rtts = (JSON.parse(output) as number[]).sort((a, b) => a - b);
    return {
      from: from.name,
      to: to.name,
      count: rtts.length,
      minMs: roundTo(quantile(rtts, 0), 3),
      p10Ms: roundTo(quantile(rtts, 0.1), 3),
      p50Ms: roundTo(quantile(rtts, 0.5), 3),
      p90Ms: roundTo(quantile(rtts, 0.9), 3),
      maxMs: roundTo(quantile(rtts, 1), 3),
    };
  } finally {
    listener.stdin!.end();
    if (listener.exitCode === null) await listenerExit;
  }
}
