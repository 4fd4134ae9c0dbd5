import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import type { PauseSummary } from '../results/index.ts';

/** `[1795452791258ms] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->3M(64M) 8.261ms` (-Xlog:gc with timemillis). */
const PAUSE = /^\[(\d+)ms\] GC\(\d+\) (Pause [^(\d]*[A-Za-z])\b.*?([\d.]+)ms$/;

/** One pause of a JVM: its end (epoch ms), its kind, how long. */
export interface JvmPause {
  endMs: number;
  kind: string;
  ms: number;
}

export function parseGcLine(line: string): JvmPause | null {
  const m = PAUSE.exec(line.trim());
  return m ? { endMs: Number(m[1]), kind: m[2]!.trim(), ms: Number(m[3]) } : null;
}

/**
 * A JVM server's GC log, read incrementally: each call reads what was appended since the last one,
 * so a long run never re-reads the file. Pauses older than ten minutes are forgotten.
 */
export class JvmGcLog {
  #offset = 0;
  #rest = '';
  readonly #pauses: JvmPause[] = [];

  constructor(readonly file: string) {}

  /** The pauses that overlap [fromMs, toMs], summed. */
  pauses(fromMs: number, toMs: number): PauseSummary {
    this.#read();
    const summary: PauseSummary = { gcCount: 0, gcTotalMs: 0, gcMaxMs: 0 };
    for (const p of this.#pauses) {
      if (p.endMs < fromMs || p.endMs - p.ms > toMs) continue;
      summary.gcCount++;
      summary.gcTotalMs += p.ms;
      summary.gcMaxMs = Math.max(summary.gcMaxMs, p.ms);
    }
    summary.gcTotalMs = Math.round(summary.gcTotalMs * 100) / 100;
    return summary;
  }

  #read(): void {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return; // not written yet
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.#offset) this.#offset = 0; // rotated or recreated
      const length = size - this.#offset;
      if (length <= 0) return;
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, this.#offset);
      this.#offset = size;
      const lines = (this.#rest + buffer.toString('utf8')).split('\n');
      this.#rest = lines.pop() ?? '';
      for (const line of lines) {
        const pause = parseGcLine(line);
        if (pause) this.#pauses.push(pause);
      }
      const horizon = Date.now() - 10 * 60_000;
      while (this.#pauses.length > 0 && this.#pauses[0]!.endMs < horizon) this.#pauses.shift();
    } finally {
      closeSync(fd);
    }
  }
}
