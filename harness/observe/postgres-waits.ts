import pg from 'pg';

/**
 * What the PostgreSQL sessions serving a step were doing: pg_stat_activity sampled every 250 ms
 * while started, counting active client backends by wait event type (`CPU` when not waiting).
 * One small query on its own connection: a light, stated extra load on the database.
 */
export class PostgresWaitSampler {
  readonly #samples: Array<{ atMs: number; counts: Record<string, number> }> = [];
  #client: pg.Client | null = null;
  #timer: NodeJS.Timeout | null = null;
  #busy = false;

  constructor(readonly url: string) {}

  async start(): Promise<void> {
    if (this.#timer) return;
    if (!this.#client) {
      const client = new pg.Client({ connectionString: this.url, application_name: 'storebench-wait-sampler' });
      client.on('error', () => undefined);
      await client.connect();
      this.#client = client;
    }
    this.#timer = setInterval(() => void this.#sample(), 250);
    this.#timer.unref();
  }

  /** Stops sampling (before the server is paused: a query to a stopped server would hang). */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async close(): Promise<void> {
    this.stop();
    await this.#client?.end().catch(() => undefined);
    this.#client = null;
  }

  /** Sessions per wait event type summed over the samples taken inside [fromMs, toMs]. */
  waits(fromMs: number, toMs: number): Record<string, number> {
    const total: Record<string, number> = {};
    for (const s of this.#samples) {
      if (s.atMs < fromMs || s.atMs > toMs) continue;
      for (const [kind, n] of Object.entries(s.counts)) total[kind] = (total[kind] ?? 0) + n;
    }
    const horizon = Date.now() - 10 * 60_000;
    while (this.#samples.length > 0 && this.#samples[0]!.atMs < horizon) this.#samples.shift();
    return total;
  }

  async #sample(): Promise<void> {
    if (this.#busy || !this.#client) return;
    this.#busy = true;
    try {
      const { rows } = await this.#client.query<{ kind: string; n: string }>(
        `SELECT coalesce(wait_event_type, 'CPU') AS kind, count(*) AS n FROM pg_stat_activity
          WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
          GROUP BY 1`,
      );
      this.#samples.push({ atMs: Date.now(), counts: Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)])) });
    } catch {
      // the server went away: the step's errors say so
    } finally {
      this.#busy = false;
    }
  }
}
