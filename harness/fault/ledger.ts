/** The workloads whose writes a fault run makes and reads back. */
export type LedgerWorkload = 'usages' | 'overview';

/** One write the API acknowledged (a 201): what a read of `path` must return from then on. */
export interface AcknowledgedWrite {
  workload: LedgerWorkload;
  /** Where it reads back, e.g. `/api/usages/42` or `/api/overview/1000001`. */
  path: string;
  /** The exact JSON body a GET of `path` must answer. */
  expected: unknown;
  /** When the 201 arrived, in ms of the run's clock (see SteadyWrites). */
  ackedAtMs: number;
}

/**
 * Every acknowledged write of a fault run, in acknowledgement order. Only a 201 enters it: a write that
 * failed or timed out may or may not have landed, so its absence after recovery proves nothing.
 */
export class WriteLedger {
  readonly #writes: AcknowledgedWrite[] = [];

  record(write: AcknowledgedWrite): void {
    this.#writes.push(write);
  }

  get size(): number {
    return this.#writes.length;
  }

  /** The writes recorded so far (a copy). */
  writes(): AcknowledgedWrite[] {
    return [...this.#writes];
  }

  /** How many writes of each workload it holds. */
  counts(): Record<LedgerWorkload, number> {
    const counts: Record<LedgerWorkload, number> = { usages: 0, overview: 0 };
    for (const write of this.#writes) counts[write.workload]++;
    return counts;
  }
}
