import { sustainableThroughput } from '../load/index.ts';
import type {
  DatasetRecord,
  RunResult,
  SkippedBackendRecord,
  StepResult,
  SustainableThroughput,
} from '../results/index.ts';

/** The backend drawn as the control row (the HTTP ceiling with no database): never recommended. */
export const CONTROL_BACKEND = 'memory';

/** Two sustainable throughputs closer than this fraction are reported as a tie (run-to-run noise). */
export const TIE_FRACTION = 0.05;

/** A backend the run wanted but could not measure (run.json's `skippedBackends`, else inferred from the notes). */
export type SkippedBackend = SkippedBackendRecord;

/** run.json as the renderer reads it. */
export type ReportRun = RunResult;

/** One backend's row in a workload's summary table. */
export interface BackendRow {
  backend: string;
  isControl: boolean;
  steps: StepResult[];
  sustainable: SustainableThroughput;
  /** p99 at the workload's common load; null when this backend has no step there. */
  p99AtCommonMs: number | null;
  /** Errors over the whole ladder (every measured step). */
  errors: { total: number; requests: number; rate: number; classes: string };
  invalidSteps: StepResult[];
  dataset: DatasetRecord | null;
}

/** The recommendation for one workload, with its one-sentence reason. */
export interface Recommendation {
  /** The backend recommended; null when no non-control backend met the SLO at any valid step. */
  backend: string | null;
  /** Backends within TIE_FRACTION of the recommended one (tie broken by p99 at the common load). */
  tiedWith: string[];
  reason: string;
}

/** Everything the report says about one workload. */
export interface WorkloadReport {
  workload: string;
  kind: StepResult['kind'];
  /** Offered RPS or connections where every backend has a step (p99 column); null when none is shared. */
  commonTarget: number | null;
  rows: BackendRow[];
  /** Non-control backends ranked by max sustainable throughput (best first), then the control row. */
  ranking: BackendRow[];
  recommendation: Recommendation;
}

/** Groups the run by workload and ranks each workload's backends. */
export function buildWorkloadReports(run: ReportRun): WorkloadReport[] {
  const workloads = unique([...run.scenario.workloads, ...run.steps.map((s) => s.workload)]).filter((w) =>
    run.steps.some((s) => s.workload === w),
  );
  return workloads.map((workload) => buildWorkload(run, workload));
}

function buildWorkload(run: ReportRun, workload: string): WorkloadReport {
  const steps = run.steps.filter((s) => s.workload === workload);
  const kind = steps[0]?.kind ?? run.scenario.stepKind;
  const backends = orderBackends(unique(steps.map((s) => s.backend)));
  const byBackend = new Map(backends.map((b) => [b, steps.filter((s) => s.backend === b)]));
  const commonTarget = pickCommonTarget([...byBackend.values()]);
  const rows = backends.map((backend): BackendRow => {
    const own = byBackend.get(backend) ?? [];
    const sustainable =
      run.summary.find((s) => s.backend === backend && s.workload === workload) ??
      sustainableThroughput(backend, workload, kind, own);
    const atCommon = commonTarget === null ? undefined : own.find((s) => s.target === commonTarget);
    return {
      backend,
      isControl: backend === CONTROL_BACKEND,
      steps: own,
      sustainable,
      p99AtCommonMs: atCommon ? atCommon.latencyMs.p99 : null,
      errors: ladderErrors(own),
      invalidSteps: own.filter((s) => !s.valid),
      dataset: run.datasets.find((d) => d.backend === backend && d.workload === workload) ?? null,
    };
  });
  const candidates = rows.filter((r) => !r.isControl).sort(compareRows);
  const control = rows.filter((r) => r.isControl);
  return {
    workload,
    kind,
    commonTarget,
    rows,
    ranking: [...candidates, ...control],
    recommendation: recommend(candidates, control[0] ?? null, commonTarget, kind, run.scenario.slo.p99Ms),
  };
}

/** Best first: higher sustainable RPS, then (ties within noise) lower p99 at the common load. */
function compareRows(a: BackendRow, b: BackendRow): number {
  const ra = a.sustainable.maxSustainableRps ?? -1;
  const rb = b.sustainable.maxSustainableRps ?? -1;
  if (ra >= 0 && rb >= 0 && tied(ra, rb)) {
    return (a.p99AtCommonMs ?? Infinity) - (b.p99AtCommonMs ?? Infinity) || rb - ra;
  }
  return rb - ra || a.backend.localeCompare(b.backend);
}

function tied(a: number, b: number): boolean {
  return Math.abs(a - b) <= TIE_FRACTION * Math.max(a, b);
}

function recommend(
  ranked: BackendRow[],
  control: BackendRow | null,
  commonTarget: number | null,
  kind: StepResult['kind'],
  sloP99Ms: number,
): Recommendation {
  const best = ranked[0];
  const bestRps = best?.sustainable.maxSustainableRps ?? null;
  if (!best) {
    return {
      backend: null,
      tiedWith: [],
      reason:
        'No recommendation: only the memory control row was measured for this workload, so there is no database to rank.',
    };
  }
  if (bestRps === null) {
    const tried = ranked.map((r) => r.backend).join(', ') || 'no database backend';
    return {
      backend: null,
      tiedWith: [],
      reason: `No recommendation: ${tried} did not meet the SLO (p99 ≤ ${sloP99Ms} ms) at any valid step, so the run cannot rank them; lower the ladder's first step or fix the invalid steps.`,
    };
  }
  const tiedWith = ranked
    .slice(1)
    .filter((r) => r.sustainable.maxSustainableRps !== null && tied(bestRps, r.sustainable.maxSustainableRps))
    .map((r) => r.backend);
  const runnerUp = ranked.find((r) => !tiedWith.includes(r.backend) && r !== best);
  const at = best.sustainable.atTarget === null ? '' : ` (at ${formatTarget(best.sustainable.atTarget, kind)})`;
  let reason: string;
  if (tiedWith.length > 0) {
    const common = commonTarget === null ? 'the shared load' : formatTarget(commonTarget, kind);
    const values = [best, ...ranked.filter((r) => tiedWith.includes(r.backend))]
      .map((r) => `${r.backend} ${formatRps(r.sustainable.maxSustainableRps ?? 0)} RPS`)
      .join(', ');
    const p99 = best.p99AtCommonMs === null ? '' : ` (${formatMs(best.p99AtCommonMs)})`;
    reason = `${best.backend} and ${tiedWith.join(', ')} sustained the same throughput within ${TIE_FRACTION * 100}% (${values}), a tie within run-to-run noise; ${best.backend} is listed first for its lower p99 at ${common}${p99}, so weigh seeding time and size on disk too.`;
  } else if (runnerUp && runnerUp.sustainable.maxSustainableRps !== null) {
    const ratio = bestRps / runnerUp.sustainable.maxSustainableRps;
    reason = `${best.backend} sustained the highest throughput under the SLO, ${formatRps(bestRps)} RPS${at}, ${ratio.toFixed(1)}× ${runnerUp.backend}'s ${formatRps(runnerUp.sustainable.maxSustainableRps)} RPS.`;
  } else if (runnerUp) {
    reason = `${best.backend} is the only database backend that met the SLO at a valid step (${formatRps(bestRps)} RPS${at}); ${ranked
      .slice(1)
      .map((r) => r.backend)
      .join(', ')} never did.`;
  } else {
    reason = `${best.backend} is the only database backend measured; it sustained ${formatRps(bestRps)} RPS${at} under the SLO.`;
  }
  const caveats: string[] = [];
  if (best.sustainable.ceilingNotReached)
    caveats.push(`${best.backend}'s ladder ended before it failed the SLO, so its ceiling is higher than shown`);
  const open = ranked.filter((r) => r !== best && r.sustainable.ceilingNotReached).map((r) => r.backend);
  if (open.length > 0) caveats.push(`the ladder also ended before ${open.join(', ')} failed the SLO`);
  const controlRps = control?.sustainable.maxSustainableRps ?? null;
  if (controlRps !== null && bestRps > 1.1 * controlRps)
    caveats.push(
      `it sustained more than the memory control row (${formatRps(controlRps)} RPS), which a database behind the same HTTP layer cannot really do: the control row's ladder was cut short by a noisy step, so treat this run's ranking with care and repeat it`,
    );
  else if (controlRps !== null && bestRps >= 0.9 * controlRps)
    caveats.push(
      `it reached ${Math.round((bestRps / controlRps) * 100)}% of the memory control row, so the HTTP layer, not the database, is the limit here`,
    );
  if (caveats.length > 0) reason = `${reason.replace(/\.$/, '')} (${caveats.join('; ')}).`;
  return { backend: best.backend, tiedWith, reason };
}

/**
 * The load at which p99 is compared: the highest target every backend ran where all of them were valid and
 * met the SLO (a like-for-like latency figure); else the lowest shared target.
 */
function pickCommonTarget(ladders: StepResult[][]): number | null {
  if (ladders.length === 0) return null;
  const shared = (ladders[0] ?? [])
    .map((s) => s.target)
    .filter((t) => ladders.every((l) => l.some((s) => s.target === t)))
    .sort((a, b) => a - b);
  if (shared.length === 0) return null;
  const healthy = shared.filter((t) => ladders.every((l) => l.some((s) => s.target === t && s.valid && s.slo.met)));
  return healthy.length > 0 ? (healthy[healthy.length - 1] ?? null) : (shared[0] ?? null);
}

function ladderErrors(steps: StepResult[]): BackendRow['errors'] {
  const total = steps.reduce((n, s) => n + s.errors.total, 0);
  const requests = steps.reduce((n, s) => n + (s.kind === 'rate' ? s.requests.scheduled : s.requests.sent), 0);
  const counts = new Map<string, number>();
  const add = (name: string, n: number): void => {
    if (n > 0) counts.set(name, (counts.get(name) ?? 0) + n);
  };
  for (const s of steps) {
    for (const [code, n] of Object.entries(s.errors.byStatus)) add(`HTTP ${code}`, n);
    add('timeout', s.errors.timeouts);
    add('socket', s.errors.socket);
    add('body mismatch', s.errors.bodyMismatch);
    add('not sent', s.errors.notSent);
  }
  const classes = [...counts.entries()].map(([name, n]) => `${name} ×${formatCount(n)}`).join(', ');
  return { total, requests, rate: requests > 0 ? total / requests : 0, classes };
}

/**
 * Backends the scenario asked for that have no step, with the reason: the run's own `skippedBackends`
 * when present, else the first note naming the backend.
 */
export function skippedBackends(run: ReportRun): SkippedBackend[] {
  const measured = new Set(run.steps.map((s) => s.backend));
  const listed = run.skippedBackends ?? [];
  const inferred = run.scenario.backends
    .filter((b) => !measured.has(b) && !listed.some((s) => s.backend === b))
    .map((backend) => ({
      backend,
      reason: run.notes.find((n) => new RegExp(`\\b${escapeRegExp(backend)}\\b`, 'i').test(n)) ?? 'no reason recorded',
    }));
  return [...listed, ...inferred];
}

/** Control row last, others in a stable order so colours and tables line up across runs. */
export function orderBackends(backends: string[]): string[] {
  return [...backends].sort((a, b) => (a === CONTROL_BACKEND ? 1 : b === CONTROL_BACKEND ? -1 : a.localeCompare(b)));
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** "2,000 RPS" for rate ladders, "64 connections" for concurrency ladders. */
export function formatTarget(target: number, kind: StepResult['kind']): string {
  return kind === 'rate' ? `${formatRps(target)} RPS offered` : `${formatCount(target)} connections`;
}

export function formatRps(rps: number): string {
  return rps >= 100 ? formatCount(Math.round(rps)) : String(Math.round(rps * 10) / 10);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatMs(ms: number): string {
  if (ms >= 100) return `${formatCount(Math.round(ms))} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  if (pct === 0) return '0%';
  if (pct < 0.01) return '<0.01%';
  return `${pct < 1 ? pct.toFixed(2) : pct.toFixed(1)}%`;
}

/** One line describing the machine, for captions: "AMD EPYC 7B13, 2 cores, 24 GiB, Debian GNU/Linux 12, Node v20.20.0". */
export function describeMachine(run: RunResult): string {
  const e = run.environment;
  const os = e.os.distro ?? `${e.os.platform} ${e.os.release}`;
  return `${e.cpuModel}, ${e.cores} cores, ${formatBytes(e.memoryTotalBytes)} RAM, ${os}, Node ${e.node}`;
}

/** One line describing a workload's dataset: scale and fingerprint (from the first backend seeded with it). */
export function describeDataset(run: RunResult, workload: string): string {
  const records = run.datasets.filter((d) => d.workload === workload);
  const first = records[0];
  if (!first) return `${workload}: dataset not recorded`;
  const scale = Object.entries(first.scale)
    .map(([k, v]) => `${formatCount(v)} ${k}`)
    .join(', ');
  const fingerprints = new Set(records.map((d) => d.fingerprint));
  const fp =
    fingerprints.size === 1 ? `fingerprint ${first.fingerprint.slice(0, 12)}` : 'DIFFERENT fingerprints per backend';
  return `${workload}: ${scale || 'scale not recorded'} (${fp})`;
}
