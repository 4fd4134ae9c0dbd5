/** The workloads whose writes a fault run makes and reads back. */
export type LedgerWorkload = 'usages' | 'overview';

/** One write the API acknowledged (a 201): what a read of `path` must return from then on. */
export interface AcknowledgedWrite {
  workload: LedgerWorkload;
  /** Where it reads back, e.g. `/api/usages/42` or `/api/overview/1000001`. */
  path: string;
  /** The exact JSON body a GET of `path` must answer; absent when any 200 proves it kept (the write's body is not known). */
  expected?: unknown;
  /** When the 201 arrived, in ms of the run's clock (see SteadyWrites). */
  ackedAtMs: number;
}

/**
 * Every acknowledged write of a fault run, in acknowledgement order. Only a 2xx enters it: a write that
 * failed or timed out may or may not have landed, so its absence after recovery proves nothing. A path a
 * DELETE was sent for (answered or not, before or after the create's answer) leaves the check, since it
 * may rightly be gone.
 */
export class WriteLedger {
  readonly #writes: AcknowledgedWrite[] = [];
  readonly #forgotten = new Set<string>();

  record(write: AcknowledgedWrite): void {
    this.#writes.push(write);
  }

  /** A DELETE of `path` was sent: whatever was acknowledged there is no longer expected. */
  forget(path: string): void {
    this.#forgotten.add(path);
  }

  /** Every acknowledged write, the forgotten ones included. */
  get size(): number {
    return this.#writes.length;
  }

  /** The acknowledged writes still expected to read back (a copy). */
  writes(): AcknowledgedWrite[] {
    return this.#writes.filter((write) => !this.#forgotten.has(write.path));
  }

  /** Acknowledged writes a DELETE was sent for afterwards: not checked. */
  forgottenCount(): number {
    return this.#writes.length - this.writes().length;
  }

  /** How many writes of each workload it holds. */
  counts(): Record<LedgerWorkload, number> {
    const counts: Record<LedgerWorkload, number> = { usages: 0, overview: 0 };
    for (const write of this.#writes) counts[write.workload]++;
    return counts;
  }
}
