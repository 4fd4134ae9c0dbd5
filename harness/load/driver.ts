import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { drawRequest, type LoadMix, type RandomSource } from '../../core/workloads/load-mix.ts';
import type { StepKind } from '../results/types.ts';
import { LatencyHistogram } from './histogram.ts';
import { HttpConnection, serializeRequest, type HttpResponse } from './http-connection.ts';

/** One step to drive. */
export interface StepPlan {
  kind: StepKind;
  /** Offered requests/s (rate) or connections (concurrency). */
  target: number;
  /** Connection pool size; for concurrency steps it is the target. */
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** A request without a response after this long counts as a timeout (its connection is replaced). */
  requestTimeoutMs: number;
  /**
   * Rate steps: end the step as soon as its SLO miss is certain (see `missIsCertain`), once at least
   * `afterMs` of the measured window has run. A search only needs to know that a step missed; the
   * rest of a step far above capacity adds nothing but time. Absent: every step runs to its end.
   */
  endOnMiss?: EndOnMiss;
}

/** When a rate step may end early: the SLO bounds its miss is judged against, and the shortest window. */
export interface EndOnMiss {
  p99Ms: number;
  maxErrorRate: number;
  afterMs: number;
}

/**
 * Whether a rate step has missed its SLO whatever the rest of its window brings. Latencies and errors
 * only accumulate, and a step's measured requests can never exceed the `scheduled` its whole window
 * calls for; so more than 1% of that many already slower than the p99 bound (with a 1% margin for the
 * histogram's precision) makes the final p99 exceed it, and more errors than `maxErrorRate` of that
 * many makes the final error rate exceed it. Returns the reason, or null while the outcome is open.
 */
export function missIsCertain(
  sofar: { overP99: number; errors: number },
  scheduled: number,
  bounds: Pick<EndOnMiss, 'p99Ms' | 'maxErrorRate'>,
): string | null {
  if (sofar.overP99 > scheduled * 0.01) {
    return `${sofar.overP99} requests slower than ${bounds.p99Ms} ms, over 1% of the step's ${scheduled}`;
  }
  if (sofar.errors > scheduled * bounds.maxErrorRate) {
    return `${sofar.errors} errors, over ${bounds.maxErrorRate * 100}% of the step's ${scheduled}`;
  }
  return null;
}

/** Slower than this (the p99 bound with a margin for the histogram's precision) counts towards a certain miss. */
export function overP99Bound(p99Ms: number): number {
  return p99Ms * 1.01;
}

/** Live figures for a progress display, about once a second. */
export interface LiveFigures {
  elapsedMs: number;
  totalMs: number;
  /** Responses in the last second. */
  rps: number;
  /** p99 of the measured window so far (0 during warm-up). */
  p99Ms: number;
  inFlight: number;
  queued: number;
}

/** One request's outcome, for observers that need more than a step's totals (a per-second timeline). */
export interface RequestOutcome {
  template: string;
  /** When it was due (rate steps) or sent (concurrency steps), in performance.now() milliseconds. */
  intendedMs: number;
  /** From then to its answer or failure. */
  latencyMs: number;
  /** The HTTP status, or how it failed. */
  status: number | 'timeout' | 'socket' | 'notSent';
  /** Inside the measured window (false during warm-up). */
  measured: boolean;
}

interface TemplateFigures {
  histogram: LatencyHistogram;
  errors: number;
}

/** What a step measured (raw: the ladder turns it into a StepResult). */
export interface StepMeasurement {
  plan: StepPlan;
  /** Length of the measured window in seconds. */
  durationS: number;
  startedAt: Date;
  /** Measured-window requests the schedule called for (rate) or that were sent (concurrency). */
  scheduled: number;
  sent: number;
  /** Measured-window requests that got a response (any status). */
  completed: number;
  ok: number;
  /** Responses (any request) that arrived inside the measured window: the achieved rate's numerator. */
  completedInWindow: number;
  latency: LatencyHistogram;
  byStatus: Record<string, number>;
  timeouts: number;
  socketErrors: number;
  bodyMismatches: number;
  notSent: number;
  bytesRead: number;
  byTemplate: Map<string, TemplateFigures>;
  /** Measured requests that had to wait for a free connection (rate steps). */
  waitedForConnection: number;
  /** Highest number of requests queued for a connection. */
  maxQueued: number;
  /** Event-loop delay of the load generator (its own responsiveness), ms. */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** First socket error messages seen, for the notes. */
  sampleErrors: string[];
  /** Set when the step ended early because its miss was certain: after how many measured seconds, and why. */
  endedEarly?: { afterS: number; plannedS: number; reason: string };
}

interface InFlight {
  intended: number;
  sentAt: number;
  measured: boolean;
  template: string;
}

interface Queued {
  intended: number;
  measured: boolean;
  template: string;
  bytes: Buffer;
  wantBody: boolean;
  expect: ((status: number, body: string) => boolean) | undefined;
}

/**
 * Drives one step against `baseUrl`.
 *
 * Rate steps are open-model: request i is due at start + i/rate whatever the
 * server does; a due request waits in a queue when every connection is busy,
 * and its latency counts from when it was due (coordinated omission
 * corrected), so a stalled server shows up as latency and not as fewer
 * requests. Concurrency steps are closed-model: each connection sends its next
 * request as soon as the previous answer arrives; latency counts from the send.
 */
export async function driveStep(
  baseUrl: string,
  mix: LoadMix,
  plan: StepPlan,
  random: RandomSource,
  onLive?: (live: LiveFigures) => void,
  onOutcome?: (outcome: RequestOutcome) => void,
): Promise<StepMeasurement> {
  const url = new URL(baseUrl);
  const host = url.hostname;
  const port = Number(url.port || 80);
  const hostHeader = url.host;
  const basePath = url.pathname.replace(/\/$/, '');
  const connections = plan.kind === 'concurrency' ? plan.target : plan.connections;
  if (!(connections >= 1)) throw new RangeError(`a step needs at least one connection, got ${connections}`);
  if (!(plan.target > 0)) throw new RangeError(`a step target must be positive, got ${plan.target}`);

  const m: StepMeasurement = {
    plan,
    durationS: plan.durationMs / 1000,
    startedAt: new Date(),
    scheduled: 0,
    sent: 0,
    completed: 0,
    ok: 0,
    completedInWindow: 0,
    latency: new LatencyHistogram(),
    byStatus: {},
    timeouts: 0,
    socketErrors: 0,
    bodyMismatches: 0,
    notSent: 0,
    bytesRead: 0,
    byTemplate: new Map(),
    waitedForConnection: 0,
    maxQueued: 0,
    eventLoopDelayP99Ms: 0,
    eventLoopDelayMaxMs: 0,
    sampleErrors: [],
  };
  const templateFigures = (name: string): TemplateFigures => {
    let figures = m.byTemplate.get(name);
    if (!figures) m.byTemplate.set(name, (figures = { histogram: new LatencyHistogram(), errors: 0 }));
    return figures;
  };

  const pool = Array.from({ length: connections }, () => new HttpConnection(host, port));
  const idle: HttpConnection[] = [...pool];
  const inFlight = new Map<HttpConnection, InFlight>();
  const queue: Queued[] = [];
  let queueHead = 0;

  const start = performance.now() + 5;
  const measureFrom = start + plan.warmupMs;
  let measureTo = measureFrom + plan.durationMs;
  let stopped = false;
  // For endOnMiss: measured outcomes so far that count towards a certain miss.
  const overP99Ms = plan.endOnMiss ? overP99Bound(plan.endOnMiss.p99Ms) : Number.POSITIVE_INFINITY;
  const sofar = { overP99: 0, errors: 0 };
  let secondCompletions = 0;

  const loopDelay = monitorEventLoopDelay({ resolution: 5 });

  const nextRequest = (): { template: string; bytes: Buffer; wantBody: boolean; expect: Queued['expect'] } => {
    const { template, request } = drawRequest(mix, random);
    return {
      template: template.name,
      bytes: serializeRequest(hostHeader, request.method, basePath + request.path, request.body),
      wantBody: request.expect !== undefined,
      expect: request.expect,
    };
  };

  const recordError = (
    entry: InFlight | Queued,
    kind: 'timeout' | 'socket',
    latencyMs: number,
    error?: Error,
  ): void => {
    onOutcome?.({
      template: entry.template,
      intendedMs: entry.intended,
      latencyMs,
      status: kind,
      measured: entry.measured,
    });
    if (!entry.measured) return;
    sofar.errors++;
    if (latencyMs > overP99Ms) sofar.overP99++;
    if (kind === 'timeout') m.timeouts++;
    else {
      m.socketErrors++;
      if (error && m.sampleErrors.length < 5) m.sampleErrors.push(error.message);
    }
    m.latency.recordMs(latencyMs);
    templateFigures(entry.template).errors++;
  };

  // Finishes bookkeeping for a request and hands its connection to the next one.
  let afterResponse: (connection: HttpConnection) => void = () => {};

  const dispatch = (connection: HttpConnection, item: Queued, sentAt: number): void => {
    const entry: InFlight = { intended: item.intended, sentAt, measured: item.measured, template: item.template };
    inFlight.set(connection, entry);
    if (item.measured) m.sent++;
    connection.send(item.bytes, item.wantBody, (error, response) => {
      if (inFlight.get(connection) !== entry) return; // already settled by the timeout sweep
      inFlight.delete(connection);
      const now = performance.now();
      const latencyMs = now - (plan.kind === 'rate' ? entry.intended : entry.sentAt);
      if (error || !response) recordError(entry, 'socket', latencyMs, error ?? undefined);
      else onResponse(entry, response, item.expect, latencyMs, now);
      afterResponse(connection);
    });
  };

  const onResponse = (
    entry: InFlight,
    response: HttpResponse,
    expect: Queued['expect'],
    latencyMs: number,
    now: number,
  ): void => {
    secondCompletions++;
    if (now >= measureFrom && now < measureTo) m.completedInWindow++;
    // Checks run even in warm-up: a mix may learn ids from them.
    const is2xx = response.status >= 200 && response.status < 300;
    const bodyOk = !is2xx || !expect || safeExpect(expect, response.status, response.body);
    onOutcome?.({
      template: entry.template,
      intendedMs: entry.intended,
      latencyMs,
      status: response.status,
      measured: entry.measured,
    });
    if (!entry.measured) return;
    m.completed++;
    m.bytesRead += response.bodyBytes;
    m.latency.recordMs(latencyMs);
    if (latencyMs > overP99Ms) sofar.overP99++;
    if (!is2xx || !bodyOk) sofar.errors++;
    const figures = templateFigures(entry.template);
    figures.histogram.recordMs(latencyMs);
    if (!is2xx) {
      const code = String(response.status);
      m.byStatus[code] = (m.byStatus[code] ?? 0) + 1;
      figures.errors++;
    } else if (!bodyOk) {
      m.bodyMismatches++;
      figures.errors++;
    } else m.ok++;
  };

  const sweepTimeouts = (now: number, all = false): void => {
    for (const [connection, entry] of inFlight) {
      if (!all && now - entry.sentAt < plan.requestTimeoutMs) continue;
      inFlight.delete(connection);
      connection.destroy(new Error('timeout'));
      recordError(entry, 'timeout', now - (plan.kind === 'rate' ? entry.intended : entry.sentAt));
      afterResponse(connection);
    }
  };

  let lastLive = start;
  let liveTimer: NodeJS.Timeout | undefined;
  const emitLive = (): void => {
    const now = performance.now();
    if (onLive) {
      onLive({
        elapsedMs: Math.max(0, now - start),
        totalMs: plan.warmupMs + plan.durationMs,
        rps: Math.round((secondCompletions * 1000) / Math.max(1, now - lastLive)),
        p99Ms: m.latency.percentileMs(99),
        inFlight: inFlight.size,
        queued: queue.length - queueHead,
      });
    }
    secondCompletions = 0;
    lastLive = now;
  };
  liveTimer = setInterval(emitLive, 1000);

  loopDelay.enable();
  try {
    if (plan.kind === 'rate') await runOpenModel();
    else await runClosedModel();
  } finally {
    loopDelay.disable();
    clearInterval(liveTimer);
    liveTimer = undefined;
    for (const connection of pool) connection.destroy(new Error('step over'));
  }
  m.eventLoopDelayP99Ms = loopDelay.percentile(99) / 1e6;
  m.eventLoopDelayMaxMs = loopDelay.max / 1e6;
  return m;

  async function runOpenModel(): Promise<void> {
    const intervalMs = 1000 / plan.target;
    const total = Math.floor(((plan.warmupMs + plan.durationMs) * plan.target) / 1000);
    let next = 0;
    afterResponse = (connection) => {
      const now = performance.now();
      while (queueHead < queue.length) {
        const item = queue[queueHead++] as Queued;
        // A request that waited past the timeout for a connection is what a client would see as a timeout.
        if (now - item.intended >= plan.requestTimeoutMs) {
          recordError(item, 'timeout', now - item.intended);
          continue;
        }
        dispatch(connection, item, now);
        return;
      }
      queue.length = 0;
      queueHead = 0;
      idle.push(connection);
    };
    let lastSweep = start;
    const endOnMiss = plan.endOnMiss;
    // What the whole measured window calls for: the bound a certain miss is judged against.
    let windowScheduled = 0;
    for (let i = 0; endOnMiss && i < total; i++) {
      const intended = start + i * intervalMs;
      if (intended >= measureFrom && intended < measureTo) windowScheduled++;
    }
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = performance.now();
        if (endOnMiss && now >= measureFrom + endOnMiss.afterMs && now < measureTo) {
          const reason = missIsCertain(sofar, windowScheduled, endOnMiss);
          if (reason !== null) {
            endEarly(now, reason);
            resolve();
            return;
          }
        }
        const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
        for (; next < due; next++) {
          const intended = start + next * intervalMs;
          const measured = intended >= measureFrom && intended < measureTo;
          if (measured) m.scheduled++;
          const item: Queued = { intended, measured, ...nextRequest() };
          const connection = idle.pop();
          if (connection) dispatch(connection, item, now);
          else {
            if (measured) m.waitedForConnection++;
            queue.push(item);
            m.maxQueued = Math.max(m.maxQueued, queue.length - queueHead);
          }
        }
        if (now - lastSweep >= 20) {
          sweepTimeouts(now);
          lastSweep = now;
        }
        if (next >= total) resolve();
        else setTimeout(tick, Math.max(0, Math.min(1, start + next * intervalMs - now)));
      };
      setTimeout(tick, Math.max(0, start - performance.now()));
    });
    await drain();
  }

  // The miss is certain: the measured window ends now, and requests still waiting for a connection are
  // dropped unsent (they leave the schedule, so they are neither errors nor a backlog for the next step);
  // those in flight are drained as at any step's end.
  function endEarly(now: number, reason: string): void {
    const afterMs = now - measureFrom;
    m.endedEarly = {
      afterS: Math.round(afterMs / 100) / 10,
      plannedS: plan.durationMs / 1000,
      reason,
    };
    measureTo = now;
    m.durationS = afterMs / 1000;
    for (; queueHead < queue.length; queueHead++) {
      const item = queue[queueHead]!;
      if (item.measured) m.scheduled--;
      onOutcome?.({
        template: item.template,
        intendedMs: item.intended,
        latencyMs: 0,
        status: 'notSent',
        measured: false,
      });
    }
    queue.length = 0;
    queueHead = 0;
  }

  async function runClosedModel(): Promise<void> {
    const end = start + plan.warmupMs + plan.durationMs;
    afterResponse = (connection) => {
      const now = performance.now();
      if (now >= end || stopped) {
        idle.push(connection);
        return;
      }
      const measured = now >= measureFrom && now < measureTo;
      if (measured) m.scheduled++;
      dispatch(connection, { intended: now, measured, ...nextRequest() }, now);
    };
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start - performance.now())));
    for (const connection of idle.splice(0)) afterResponse(connection);
    const sweeper = setInterval(() => sweepTimeouts(performance.now()), 20);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, end - performance.now())));
    clearInterval(sweeper);
    await drain();
  }

  // After the schedule: let in-flight requests finish (bounded by the request timeout).
  async function drain(): Promise<void> {
    const deadline = performance.now() + plan.requestTimeoutMs + 50;
    while ((inFlight.size > 0 || queueHead < queue.length) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      sweepTimeouts(performance.now());
    }
    stopped = true;
    for (; queueHead < queue.length; queueHead++) {
      const item = queue[queueHead]!;
      const { template, intended: intendedMs, measured } = item;
      onOutcome?.({ template, intendedMs, latencyMs: 0, status: 'notSent', measured });
      if (item.measured) m.notSent++;
    }
    sweepTimeouts(performance.now(), true);
  }
}

function safeExpect(expect: (status: number, body: string) => boolean, status: number, body: string): boolean {
  try {
    return expect(status, body);
  } catch {
    return false;
  }
}
