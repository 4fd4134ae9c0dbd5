import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import type { DiskSyncUsage } from '../results/types.ts';

/** Syncs one probe keeps (a 3 s step at one per 100 ms needs 30). */
const CAPACITY = 4096;

/**
 * The probe's thread: every `intervalMs`, one 4 KiB write and fdatasync on its own file, timed around
 * the two system calls only (a busy event loop elsewhere in the process cannot inflate the figure).
 * Shared with the caller: [0] the start of a sync in flight (ms since the epoch, 0 when none), [1] how
 * many syncs finished, [2...] their durations in ms. On any message it stops, removes its file and
 * exits (after the sync in flight, however long that takes). Plain JavaScript: a worker started from
 * a string is not compiled by the TypeScript loader.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { dir, intervalMs, shared, capacity } = workerData;
const state = new Float64Array(shared);
const file = path.join(dir, 'storebench-disk-probe-' + process.pid + '-' + Date.now() + '-' + Math.random().toString(36).slice(2));
const fd = fs.openSync(file, 'w');
const block = Buffer.alloc(4096, 0x5a);
let writes = 0;
function probe() {
  const started = performance.now();
  state[0] = performance.timeOrigin + started;
  try {
    fs.writeSync(fd, block, 0, block.length, (writes++ % 64) * block.length);
    fs.fdatasyncSync(fd);
    const n = state[1];
    if (n < capacity) {
      state[2 + n] = performance.now() - started;
      state[1] = n + 1;
    }
  } catch {}
  state[0] = 0;
}
const timer = setInterval(probe, intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  try { fs.closeSync(fd); } catch {}
  try { fs.rmSync(file, { force: true }); } catch {}
  parentPort.close();
});
probe();
`;

/**
 * How long the disk takes to make a small write durable during a step: every `intervalMs`, one
 * 4 KiB write and fdatasync on a file in `dir` (the temp dir, where the local databases keep their
 * data), timed inside a thread of its own. A durable commit of PostgreSQL, Cassandra's group commit
 * log and the stand-in's journal all wait for such a sync, so a stalled disk shows here as it shows
 * in their p99. The probe's own load is 40 KiB/s, on the load generator's CPU.
 */
export class DiskSyncProbe {
  readonly #dir: string;
  readonly #intervalMs: number;
  #worker: Worker | null = null;
  #state: Float64Array | null = null;
  #from = 0;

  constructor(options: { dir?: string; intervalMs?: number } = {}) {
    this.#dir = options.dir ?? tmpdir();
    this.#intervalMs = options.intervalMs ?? 100;
  }

  /** Starts the thread (tens of ms of CPU): start it before the window it measures, then `window()`. */
  start(): void {
    if (this.#worker) return;
    const shared = new SharedArrayBuffer(8 * (2 + CAPACITY));
    this.#state = new Float64Array(shared);
    this.#worker = new Worker(WORKER, {
      eval: true,
      workerData: { dir: this.#dir, intervalMs: this.#intervalMs, shared, capacity: CAPACITY },
    });
    this.#worker.unref();
    this.#worker.on('error', () => undefined);
  }

  /** From now on: the syncs finished before this call are left out of the summary. */
  window(): void {
    this.#from = this.#state?.[1] ?? 0;
  }

  /**
   * Stops probing and summarises what was timed; null when nothing was. A sync still in flight counts
   * with the time it has taken so far (a stall that outlasts the step is the one that matters most);
   * the thread finishes it, removes its file and exits on its own.
   */
  stop(): DiskSyncUsage | null {
    const worker = this.#worker;
    const state = this.#state;
    this.#worker = null;
    this.#state = null;
    if (!worker || !state) return null;
    const count = state[1]!;
    const since = state[0]!;
    const latencies = Array.from(state.subarray(2 + Math.min(this.#from, count), 2 + count));
    if (since > 0) latencies.push(Math.max(0, performance.timeOrigin + performance.now() - since));
    worker.postMessage('stop');
    return summarise(latencies);
  }
}

/** Count, median and max of the timed syncs, in ms with 0.01 ms precision; null for none. */
export function summarise(latencies: number[]): DiskSyncUsage | null {
  if (latencies.length === 0) return null;
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    count: sorted.length,
    p50Ms: round(sorted[Math.floor((sorted.length - 1) / 2)]!),
    maxMs: round(sorted[sorted.length - 1]!),
  };
}
