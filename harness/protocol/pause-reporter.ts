import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { PauseSummary } from '../results/types.ts';
import { formatApiEvent, type ApiEvent } from './api-events.ts';
import { roundTo } from '../stats/round.ts';

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/**
 * In an API process started by the harness (`serve --report-pauses`): writes every garbage
 * collection of at least `minGcMs`, and each second's event-loop delay, as event lines on stdout,
 * so the harness can say which step a pause fell into. Costs one observer and one timer.
 */
export function reportPauses(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`), minGcMs = 1) {
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration < minGcMs) continue;
      // Node 20 puts the GC kind in `detail` (typed only from Node 22 on).
      const detail = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail;
      const kind = GC_KINDS[detail?.kind ?? -1] ?? 'gc';
      const atMs = Math.round(performance.timeOrigin + entry.startTime + entry.duration);
      write(formatApiEvent({ event: 'gc', pid: process.pid, kind, ms: roundTo(entry.duration, 2), atMs }));
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const timer = setInterval(() => {
    if (delay.count > 0) {
      const p99Ms = roundTo(delay.percentile(99) / 1e6, 2);
      const maxMs = roundTo(delay.max / 1e6, 2);
      write(formatApiEvent({ event: 'loop', pid: process.pid, p99Ms, maxMs, atMs: Date.now() }));
    }
    delay.reset();
  }, 1000);
  timer.unref();
  return () => {
    gc.disconnect();
    delay.disable();
    clearInterval(timer);
  };
}

/** GC pauses and loop delays reported inside a window, summed over every process that reported. */
export function summarizePauses(events: readonly ApiEvent[], fromMs: number, toMs: number): PauseSummary {
  const summary: PauseSummary = {
    gcCount: 0,
    gcTotalMs: 0,
    gcMaxMs: 0,
    majorGcCount: 0,
    loopDelayP99Ms: 0,
    loopDelayMaxMs: 0,
  };
  for (const e of events) {
    if (e.event === 'gc' && e.atMs >= fromMs && e.atMs - e.ms <= toMs) {
      summary.gcCount++;
      if (e.kind === 'mark-compact') summary.majorGcCount!++;
      summary.gcTotalMs += e.ms;
      summary.gcMaxMs = Math.max(summary.gcMaxMs, e.ms);
    } else if (e.event === 'loop' && e.atMs > fromMs && e.atMs - 1000 < toMs) {
      summary.loopDelayP99Ms = Math.max(summary.loopDelayP99Ms ?? 0, e.p99Ms);
      summary.loopDelayMaxMs = Math.max(summary.loopDelayMaxMs ?? 0, e.maxMs);
    }
  }
  summary.gcTotalMs = roundTo(summary.gcTotalMs, 2);
  return summary;
}
