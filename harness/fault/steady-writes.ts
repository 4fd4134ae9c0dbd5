import type { OverviewRecord } from '../../core/workloads/overview/index.ts';
import type { UsageInput } from '../../core/workloads/usages/index.ts';
import { callApi, NoAnswer } from './api-client.ts';
import type { LedgerWorkload, WriteLedger } from './ledger.ts';

/** Options of {@link startSteadyWrites}. */
export interface SteadyWritesOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Writes per second, sent on a fixed schedule (open model: a stalled server does not slow the sender). */
  rate: number;
  /** Where each 201 is recorded with what must read back. */
  ledger: WriteLedger;
  /** A write not answered within this many ms counts as a hang (`timeout`). Default 10,000. */
  requestTimeoutMs?: number;
  /** The workloads written in turn. Default usages POSTs and overview creates, alternating. */
  workloads?: readonly LedgerWorkload[];
  /** The first overview game_id; each create takes the next one. Default 1,000,001. */
  firstGameId?: number;
}

/** One write and what came of it; times are ms of the run's clock (`SteadyWrites.now()`). */
export interface WriteOutcome {
  workload: LedgerWorkload;
  sentAtMs: number;
  answeredAtMs: number;
  /** The HTTP status, `timeout` (no answer within requestTimeoutMs) or `socket-error` (no HTTP answer at all). */
  status: number | 'timeout' | 'socket-error';
  /** For a socket-error, the socket's error code (e.g. ECONNRESET). */
  errorCode?: string;
}

/** What some writes came to, each answered (or timed out). */
export interface WriteSummary {
  sent: number;
  /** 201s, each in the ledger. */
  acknowledged: number;
  /** Answers by HTTP status, plus `timeout` and `socket-error (CODE)`. */
  byStatus: Record<string, number>;
  /** The longest time any failed write took to fail (a hang shows here, up to requestTimeoutMs). */
  maxErrorLatencyMs: number;
  maxLatencyMs: number;
}

/** A steady stream of writes through the API, recording every acknowledged one. */
export interface SteadyWrites {
  /** The run's clock: ms since the writes started. */
  now(): number;
  /** Every answered write so far, in answer order. */
  outcomes(): readonly WriteOutcome[];
  /**
   * The first write answered at or after `sinceMs` that `matches`, waiting up to `timeoutMs` for one
   * (undefined if none comes).
   */
  firstAnswer(
    sinceMs: number,
    matches: (outcome: WriteOutcome) => boolean,
    timeoutMs: number,
  ): Promise<WriteOutcome | undefined>;
  /** Stops sending, waits for the writes in flight, and sums up. */
  stop(): Promise<WriteSummary>;
}

/** A usage the read-back can tell apart from every other: its number is in patientId. */
function usageBody(n: number): UsageInput {
  return { patientId: `crash-${n}`, timestamp: `write ${n}`, medication: 'steady-writes' };
}

function overviewBody(gameId: number): OverviewRecord {
  return {
    game_id: gameId,
    game_name: `steady write ${gameId}`,
    description: 'written while a fault was injected',
    release_date: '2024-01-01',
    developer: 'storebench',
    publisher: 'storebench',
    tags: ['fault'],
  };
}

/**
 * Starts writing at `rate` per second through the API (usages POSTs and overview creates, in turn) and
 * records each 201 in the ledger with the body a later GET must return. Nothing is retried: every write
 * is made once, so an acknowledged write missing later is lost, never overwritten.
 */
export function startSteadyWrites(options: SteadyWritesOptions): SteadyWrites {
  const workloads = options.workloads ?? ['usages', 'overview'];
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const started = performance.now();
  const now = (): number => performance.now() - started;
  const outcomes: WriteOutcome[] = [];
  const waiters = new Set<(outcome: WriteOutcome) => void>();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let nextGameId = options.firstGameId ?? 1_000_001;

  const write = async (workload: LedgerWorkload, n: number): Promise<void> => {
    const sentAtMs = now();
    const gameId = workload === 'overview' ? nextGameId++ : 0;
    const body = workload === 'usages' ? usageBody(n) : overviewBody(gameId);
    let status: WriteOutcome['status'];
    let errorCode: string | undefined;
    let reply: unknown;
    try {
      ({ status, body: reply } = await callApi('POST', `${options.url}/api/${workload}`, body, timeoutMs));
    } catch (error) {
      status = error instanceof NoAnswer ? error.reason : 'socket-error';
      errorCode = error instanceof NoAnswer ? error.errorCode : undefined;
    }
    const outcome: WriteOutcome = { workload, sentAtMs, answeredAtMs: now(), status, ...(errorCode && { errorCode }) };
    if (status === 201) {
      const path = workload === 'usages' ? `/api/usages/${(reply as { id: string }).id}` : `/api/overview/${gameId}`;
      const expected = workload === 'usages' ? { id: (reply as { id: string }).id, ...body } : body;
      options.ledger.record({ workload, path, expected, ackedAtMs: outcome.answeredAtMs });
    }
    outcomes.push(outcome);
    for (const waiter of waiters) waiter(outcome);
  };

  // Every 5 ms, send the writes the schedule says are due by now (all of them after a stall).
  const timer = setInterval(() => {
    const due = Math.floor((now() * options.rate) / 1000);
    while (sent < due) {
      const n = sent++;
      const pending = write(workloads[n % workloads.length]!, n);
      inFlight.add(pending);
      void pending.finally(() => inFlight.delete(pending));
    }
  }, 5);

  return {
    now,
    outcomes: () => outcomes,
    firstAnswer(sinceMs, matches, waitMs) {
      const found = outcomes.find((o) => o.answeredAtMs >= sinceMs && matches(o));
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const done = (outcome: WriteOutcome | undefined): void => {
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(outcome);
        };
        const waiter = (outcome: WriteOutcome): void => {
          if (outcome.answeredAtMs >= sinceMs && matches(outcome)) done(outcome);
        };
        const timer = setTimeout(() => done(undefined), waitMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      return summarizeWrites(outcomes);
    },
  };
}

/** Sums up some writes (all of a run, or those sent in one phase of it), every one answered. */
export function summarizeWrites(outcomes: readonly WriteOutcome[]): WriteSummary {
  const byStatus: Record<string, number> = {};
  let maxErrorLatencyMs = 0;
  let maxLatencyMs = 0;
  for (const outcome of outcomes) {
    const key = outcome.errorCode ? `${outcome.status} (${outcome.errorCode})` : String(outcome.status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
    const latency = outcome.answeredAtMs - outcome.sentAtMs;
    maxLatencyMs = Math.max(maxLatencyMs, latency);
    if (outcome.status !== 201) maxErrorLatencyMs = Math.max(maxErrorLatencyMs, latency);
  }
  return { sent: outcomes.length, acknowledged: byStatus['201'] ?? 0, byStatus, maxErrorLatencyMs, maxLatencyMs };
}
