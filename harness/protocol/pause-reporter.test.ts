import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiEvent } from './api-events.ts';
import { summarizePauses } from './pause-reporter.ts';

test('a window sums the collections that overlap it and counts the major ones apart', () => {
  const gc = (kind: string, ms: number, atMs: number): ApiEvent => ({ event: 'gc', pid: 1, kind, ms, atMs });
  const events: ApiEvent[] = [
    gc('scavenge', 9, 900), // ended before the window
    gc('scavenge', 12, 1_005), // began before it, ended inside: overlaps
    gc('incremental', 6, 2_000),
    gc('mark-compact', 17, 2_100),
    gc('scavenge', 11, 3_500),
    gc('mark-compact', 20, 4_100), // after the window
    { event: 'loop', pid: 1, p99Ms: 19, maxMs: 31, atMs: 2_000 },
  ];
  const s = summarizePauses(events, 1_000, 4_000);
  assert.deepEqual(
    { ...s },
    { gcCount: 4, gcTotalMs: 46, gcMaxMs: 17, majorGcCount: 1, loopDelayP99Ms: 19, loopDelayMaxMs: 31 },
  );
});
