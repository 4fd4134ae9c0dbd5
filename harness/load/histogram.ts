import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../results/types.ts';

/** Percentiles kept in run.json for HDR plots. */
const DISTRIBUTION_PERCENTILES = [0, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

/** Latency recorder: HDR histogram in microseconds (1 µs .. 1 h, 3 significant digits). */
export class LatencyHistogram {
  readonly #histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });

  /** Records one latency in milliseconds (fractions kept to the microsecond). */
  recordMs(ms: number): void {
    this.#histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.#histogram.totalCount;
  }

  percentileMs(p: number): number {
    return this.#histogram.totalCount === 0 ? 0 : this.#histogram.getValueAtPercentile(p) / 1000;
  }

  summary(): LatencySummary {
    const h = this.#histogram;
    const empty = h.totalCount === 0;
    const ms = (us: number): number => Math.round(us) / 1000;
    return {
      count: h.totalCount,
      min: empty ? 0 : ms(h.minNonZeroValue),
      mean: empty ? 0 : ms(h.mean),
      p50: ms(empty ? 0 : h.getValueAtPercentile(50)),
      p90: ms(empty ? 0 : h.getValueAtPercentile(90)),
      p99: ms(empty ? 0 : h.getValueAtPercentile(99)),
      p999: ms(empty ? 0 : h.getValueAtPercentile(99.9)),
      max: ms(empty ? 0 : h.maxValue),
      distribution: DISTRIBUTION_PERCENTILES.map((p) => [p, ms(empty ? 0 : h.getValueAtPercentile(p))]),
    };
  }

  reset(): void {
    this.#histogram.reset();
  }

  /** The whole histogram (microseconds), compressed and base64-encoded, for run.json: figures can be recomputed and trials merged. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#histogram);
  }

  /** A histogram from `encode()`, e.g. several steps' merged with `add`. */
  static decode(encoded: string): LatencyHistogram {
    const histogram = new LatencyHistogram();
    histogram.#histogram.add(hdr.decodeFromCompressedBase64(encoded));
    return histogram;
  }

  /** Adds every value of another histogram. */
  add(other: LatencyHistogram): void {
    this.#histogram.add(other.#histogram);
  }
}
