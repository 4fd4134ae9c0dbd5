import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult, StepResult } from './types.ts';

/** A sortable, unique-enough run id: `YYYYMMDD-HHMMSS-xxxx`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Columns of steps.csv, in order. One row per step. */
export const STEP_COLUMNS = [
  'backend',
  'workload',
  'kind',
  'index',
  'target',
  'connections',
  'duration_s',
  'offered_rps',
  'achieved_rps',
  'scheduled',
  'sent',
  'completed',
  'ok',
  'p50_ms',
  'p90_ms',
  'p99_ms',
  'p999_ms',
  'max_ms',
  'mean_ms',
  'errors',
  'error_rate',
  'errors_by_status',
  'timeouts',
  'socket_errors',
  'body_mismatches',
  'not_sent',
  'server_cpu_pct',
  'server_rss_mb',
  'database_cpu_pct',
  'database_rss_mb',
  'loadgen_cpu_pct',
  'loadgen_rss_mb',
  'valid',
  'invalid_reasons',
  'slo_met',
  'slo_reasons',
] as const;

/** steps.csv text (RFC 4180 quoting, header first). */
export function stepsCsv(steps: StepResult[]): string {
  const rows = steps.map((s) => {
    const role = (r: string): { cpu: string; rss: string } => {
      const usage = s.resources.find((u) => u.role === r && u.samples > 0);
      return usage
        ? { cpu: String(usage.cpuPercentAvg), rss: (usage.rssBytesMax / 1048576).toFixed(1) }
        : { cpu: '', rss: '' };
    };
    const server = role('server');
    const database = role('database');
    const loadgen = role('loadgen');
    const byStatus = Object.entries(s.errors.byStatus)
      .map(([code, n]) => `${code}:${n}`)
      .join(' ');
    const values: Array<string | number | boolean> = [
      s.backend,
      s.workload,
      s.kind,
      s.index,
      s.target,
      s.connections,
      s.durationS,
      s.offeredRps,
      s.achievedRps,
      s.requests.scheduled,
      s.requests.sent,
      s.requests.completed,
      s.requests.ok,
      s.latencyMs.p50,
      s.latencyMs.p90,
      s.latencyMs.p99,
      s.latencyMs.p999,
      s.latencyMs.max,
      s.latencyMs.mean,
      s.errors.total,
      s.errors.rate,
      byStatus,
      s.errors.timeouts,
      s.errors.socket,
      s.errors.bodyMismatch,
      s.errors.notSent,
      server.cpu,
      server.rss,
      database.cpu,
      database.rss,
      loadgen.cpu,
      loadgen.rss,
      s.valid,
      s.invalidReasons.join('; '),
      s.slo.met,
      s.slo.reasons.join('; '),
    ];
    return values.map(csvField).join(',');
  });
  return [STEP_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

function csvField(value: string | number | boolean): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes run.json and steps.csv into `<resultsDir>/<runId>/`; returns that folder. Safe to call repeatedly (partial runs). */
export async function writeRun(resultsDir: string, run: RunResult): Promise<string> {
  const dir = join(resultsDir, run.runId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'run.json'), JSON.stringify(run, null, 2) + '\n');
  await writeFile(join(dir, 'steps.csv'), stepsCsv(run.steps));
  return dir;
}
