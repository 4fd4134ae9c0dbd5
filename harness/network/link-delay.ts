/** Round-trip delay added between any two hosts of a storebench network (half of it each way). */
export interface LinkDelay {
  rttMs: number;
  /** Each packet's one-way hold varies uniformly by up to ±jitterMs/2 (packets are never reordered). */
  jitterMs: number;
}

/**
 * One value of `--rtt`: `loopback` (every process on 127.0.0.1, no namespaces: the default) or hosts
 * in network namespaces with a delay between them (`0` adds none: plain veth links).
 */
export type RttSetting = { kind: 'loopback' } | { kind: 'netns'; delay: LinkDelay };

export const LOOPBACK: RttSetting = { kind: 'loopback' };

const DURATION = /^(\d+(?:\.\d+)?)(ms|us|µs)?$/;

function milliseconds(text: string, what: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new RangeError(`${what} "${text}": expected e.g. 0.5ms, 500us or 0`);
  const value = Number(match[1]);
  const ms = match[2] === 'us' || match[2] === 'µs' ? value / 1000 : value;
  if (ms > 0 && !match[2]) throw new RangeError(`${what} "${text}": give a unit (ms or us)`);
  if (ms > 1000) throw new RangeError(`${what} "${text}": at most 1000ms`);
  return ms;
}

/** Parses `loopback`, `0`, `0.5ms`, `500us`, or `0.5ms~0.1ms` (round trip ~ jitter). Throws a RangeError. */
export function parseRtt(text: string): RttSetting {
  const value = text.trim();
  if (value === 'loopback') return LOOPBACK;
  const [rtt = '', jitter] = value.split('~');
  const delay = {
    rttMs: milliseconds(rtt, '--rtt'),
    jitterMs: jitter === undefined ? 0 : milliseconds(jitter, '--rtt jitter'),
  };
  if (delay.jitterMs > delay.rttMs) throw new RangeError(`--rtt "${text}": jitter larger than the round trip`);
  return { kind: 'netns', delay };
}

const format = (ms: number): string => `${Number(ms.toFixed(3))}ms`;

/** For labels and reports: `loopback`, `rtt 0`, `rtt 0.5ms`, `rtt 0.5ms~0.1ms`. */
export function rttLabel(setting: RttSetting): string {
  if (setting.kind === 'loopback') return 'loopback';
  const { rttMs, jitterMs } = setting.delay;
  if (rttMs === 0) return 'rtt 0';
  return `rtt ${format(rttMs)}${jitterMs > 0 ? `~${format(jitterMs)}` : ''}`;
}
