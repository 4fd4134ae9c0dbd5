/**
 * What an API process started by the harness tells its parent, one JSON object per line on
 * stdout among the process's log lines: `storebench serve` writes these lines, the harness reads
 * them (topology, compare). Defined once here, so neither side parses prose.
 */
export type ApiEvent =
  | {
      event: 'seeded';
      workload: string;
      /** Where the rows came from, e.g. `generated scale=small seed=1`. */
      source: string;
      rows: number;
      seconds: number;
    }
  | {
      /** A garbage collection of this process that took `ms`, ending at `atMs` (epoch ms). */
      event: 'gc';
      pid: number;
      kind: string;
      ms: number;
      atMs: number;
    }
  | {
      /** Event-loop delay of this process over the second ending at `atMs`. */
      event: 'loop';
      pid: number;
      p99Ms: number;
      maxMs: number;
      atMs: number;
    }
  | {
      event: 'serving';
      backend: string;
      url: string;
      /** How the process serves, e.g. `2 workers` or `x4 least_conn behind nginx`. */
      layout: string;
    };

/** Every event line carries this key, so other output on stdout (the API's log lines) is never mistaken for one. */
const MARK = 'storebench';

/**
 * The line to print for an event. It is shaped like the API's log lines too (`level`, `time`, `msg`:
 * core/logging), so that stdout is one stream of JSON log records for whoever collects it; events are
 * written whatever the log level, since the harness depends on them.
 */
export function formatApiEvent(event: ApiEvent): string {
  return JSON.stringify({
    level: 'info',
    time: new Date().toISOString(),
    [MARK]: event.event,
    ...event,
    msg: event.event,
  });
}

/** The event a line holds, or null for any other output. */
export function parseApiEvent(line: string): ApiEvent | null {
  if (!line.startsWith('{')) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (record[MARK] !== record.event) return null;
  if (record.event === 'serving' && typeof record.url === 'string' && typeof record.backend === 'string') {
    return { event: 'serving', backend: record.backend, url: record.url, layout: String(record.layout ?? '') };
  }
  const num = (key: string): number | null => (typeof record[key] === 'number' ? record[key] : null);
  if (record.event === 'gc' && num('ms') !== null && num('atMs') !== null) {
    return { event: 'gc', pid: num('pid') ?? 0, kind: String(record.kind ?? ''), ms: num('ms')!, atMs: num('atMs')! };
  }
  if (record.event === 'loop' && num('p99Ms') !== null && num('maxMs') !== null && num('atMs') !== null) {
    return { event: 'loop', pid: num('pid') ?? 0, p99Ms: num('p99Ms')!, maxMs: num('maxMs')!, atMs: num('atMs')! };
  }
  if (
    record.event === 'seeded' &&
    typeof record.workload === 'string' &&
    typeof record.rows === 'number' &&
    typeof record.seconds === 'number'
  ) {
    return {
      event: 'seeded',
      workload: record.workload,
      source: String(record.source ?? ''),
      rows: record.rows,
      seconds: record.seconds,
    };
  }
  return null;
}
