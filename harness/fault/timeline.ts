import { LatencyHistogram, type RequestOutcome } from '../load/index.ts';
import type { FaultTimelineSecond } from '../results/index.ts';
import { roundTo } from '../stats/round.ts';

/** One second of a steady step, by when its requests were due (the shape run.json records). */
export type TimelineSecond = FaultTimelineSecond;

/**
 * Buckets every request of a step by the second it was due in (so a stall shows as latency in the
 * second that suffered it, not in the second its answers finally came).
 */
export class TimelineRecorder {
  private readonly buckets = new Map<
    number,
    { histogram: LatencyHistogram; requests: number; ok: number; errors: Record<string, number> }
  >();
  /** When each failed request was due, ms into the measured window. */
  private readonly errorTimes: number[] = [];

  /** `measuredFromMs`: performance.now() at the start of the measured window. */
  constructor(private readonly measuredFromMs: number) {}

  record(outcome: RequestOutcome): void {
    const at = outcome.intendedMs - this.measuredFromMs;
    const second = Math.floor(at / 1000);
    let bucket = this.buckets.get(second);
    if (!bucket)
      this.buckets.set(second, (bucket = { histogram: new LatencyHistogram(), requests: 0, ok: 0, errors: {} }));
    bucket.requests++;
    if (outcome.status !== 'notSent') bucket.histogram.recordMs(outcome.latencyMs);
    const failed = typeof outcome.status !== 'number' || outcome.status < 200 || outcome.status >= 300;
    if (failed) {
      const kind = String(outcome.status);
      bucket.errors[kind] = (bucket.errors[kind] ?? 0) + 1;
      this.errorTimes.push(at);
    } else bucket.ok++;
  }

  /** Milliseconds into the measured window of the first failed request due at or after `fromMs`, if any. */
  firstErrorAfterMs(fromMs: number): number | undefined {
    let first: number | undefined;
    for (const at of this.errorTimes) if (at >= fromMs && (first === undefined || at < first)) first = at;
    return first;
  }

  seconds(): TimelineSecond[] {
    return [...this.buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([second, b]) => ({
        second,
        requests: b.requests,
        ok: b.ok,
        errors: b.errors,
        p50Ms: roundTo(b.histogram.percentileMs(50), 2),
        p99Ms: roundTo(b.histogram.percentileMs(99), 2),
        maxMs: roundTo(b.histogram.summary().max, 2),
      }));
  }
}
