import {
  BATCH_SIZE,
  countAtScale,
  rowStream,
  SeededRandom,
  type DatasetOptions,
  type RowStream,
} from '../../dataset/index.ts';
import { MEDICATIONS } from '../../dataset/vocabulary.ts';
import type { UsageInput } from './types.ts';

const STREAM_USAGE = 2;

/** Usage rows per named scale. */
export const USAGE_SCALES = { tiny: 1_000, small: 100_000, medium: 1_000_000, full: 10_000_000 } as const;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Inhaler usages were logged from US devices: the zone is part of the string, as `Date.toString()` wrote it. */
const ZONES = ['GMT-0500 (CDT)', 'GMT-0600 (CST)', 'GMT-0400 (EDT)', 'GMT-0700 (PDT)'];
const START_2016 = Date.UTC(2016, 0, 1) / 1000;
const SPAN_SECONDS = 3 * 365 * 86_400;

/**
 * Usage events: N rows, patients drawn from N/10 ids, timestamps in 2016..2018
 * formatted like `Tue Nov 01 2016 09:11:51 GMT-0500 (CDT)` (computed, never via
 * the local time zone, so the stream is the same on every machine).
 */
export function usagesDataset(options: DatasetOptions): RowStream<UsageInput> {
  const count = countAtScale(USAGE_SCALES, options.scale);
  const seed = options.seed ?? 1;
  const patients = Math.max(1, Math.floor(count / 10));
  return rowStream(function* () {
    const random = new SeededRandom(seed);
    for (let start = 1; start <= count; start += BATCH_SIZE) {
      const end = Math.min(count, start + BATCH_SIZE - 1);
      const batch: UsageInput[] = new Array(end - start + 1);
      for (let n = start; n <= end; n++) batch[n - start] = usage(random, n, patients);
      yield batch;
    }
  });
}

/** The n-th usage (1-based) of the stream: the load runner posts these. */
export function usageAt(seed: number, n: number, patients: number): UsageInput {
  return usage(new SeededRandom(seed), n, patients);
}

function usage(random: SeededRandom, n: number, patients: number): UsageInput {
  random.at(STREAM_USAGE, n);
  const patientId = String(random.between(1, patients));
  const medication = random.pick(MEDICATIONS);
  return {
    patientId,
    timestamp: formatTimestamp(START_2016 + random.int(SPAN_SECONDS), random.pick(ZONES)),
    medication,
  };
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `Tue Nov 01 2016 09:11:51 GMT-0500 (CDT)` for a wall-clock time given as seconds since the epoch. */
export function formatTimestamp(seconds: number, zone: string): string {
  const d = new Date(seconds * 1000);
  return (
    `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${zone}`
  );
}
