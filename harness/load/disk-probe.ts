import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiskSyncUsage } from '../results/types.ts';

const BLOCK = Buffer.alloc(4096, 0x5a);

/**
 * How long the disk takes to make a small write durable during a step: every `intervalMs`, one
 * 4 KiB write and fdatasync on a file in `dir` (the temp dir, where the local databases keep their
 * data), timed. A durable commit of PostgreSQL, Cassandra's group commit log and the stand-in's
 * journal all wait for such a sync, so a stalled disk shows here as it shows in their p99. The
 * probe's own load is 40 KiB/s and runs on the libuv thread pool of the load generator's process.
 */
export class DiskSyncProbe {
  readonly #dir: string;
  readonly #intervalMs: number;
  readonly #latencies: number[] = [];
  #file: FileHandle | null = null;
  #path = '';
  #timer: NodeJS.Timeout | null = null;
  #inFlight: Promise<void> | null = null;
  #inFlightSince = 0;
  #writes = 0;
  #stopped = false;

  constructor(options: { dir?: string; intervalMs?: number } = {}) {
    this.#dir = options.dir ?? tmpdir();
    this.#intervalMs = options.intervalMs ?? 100;
  }

  async start(): Promise<void> {
    const path = join(this.#dir, `storebench-disk-probe-${process.pid}-${Date.now()}`);
    const file = await open(path, 'w');
    if (this.#stopped) {
      await file.close();
      await rm(path, { force: true });
      return;
    }
    this.#path = path;
    this.#file = file;
    this.#timer = setInterval(() => this.#probe(), this.#intervalMs);
    this.#timer.unref();
    this.#probe();
  }

  /**
   * Stops probing and summarises. A sync still in flight counts with the time it has taken so far
   * (a stall that outlasts the step is the one that matters most); null when nothing was timed.
   */
  async stop(): Promise<DiskSyncUsage | null> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#inFlight) this.#latencies.push(performance.now() - this.#inFlightSince);
    const pending = this.#inFlight;
    const file = this.#file;
    this.#file = null;
    const path = this.#path;
    // Closing waits for the pending sync, off the step's clock.
    void (async () => {
      await pending?.catch(() => undefined);
      await file?.close().catch(() => undefined);
      if (path) await rm(path, { force: true });
    })().catch(() => undefined);
    return summarise(this.#latencies);
  }

  #probe(): void {
    const file = this.#file;
    if (!file || this.#inFlight) return;
    const position = (this.#writes++ % 64) * BLOCK.length;
    this.#inFlightSince = performance.now();
    const started = this.#inFlightSince;
    this.#inFlight = (async () => {
      await file.write(BLOCK, 0, BLOCK.length, position);
      await file.datasync();
    })()
      .then(
        () => {
          if (this.#file === file) this.#latencies.push(performance.now() - started);
        },
        () => undefined,
      )
      .finally(() => {
        this.#inFlight = null;
      });
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
