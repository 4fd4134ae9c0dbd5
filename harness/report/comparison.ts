import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { RunResult } from '../results/index.ts';
import { DEFAULT_GRID } from '../load/index.ts';
import { controlCostDifference } from './control-cost.ts';
import { renderChartFile, type ChartFile, type ChartSeries } from './charts.ts';
import { html, markdown, type Block, type Inline } from './document.ts';
import {
  buildWorkloadReports,
  describeMachine,
  formatBytes,
  formatMs,
  formatPercent,
  formatRps,
  formatSeconds,
  formatTarget,
  orderBackends,
  type BackendRow,
  type ReportRun,
  type WorkloadReport,
} from './model.ts';
import { readRun } from './run-report.ts';

/** What renderComparison wrote. */
export interface RenderedComparison {
  markdownPath: string;
  htmlPath: string;
  charts: ChartFile[];
  /** Reasons the two runs are not like for like (machine, dataset, scenario); empty when they are. */
  warnings: string[];
}

/**
 * A before/after comparison of two runs (A = before, B = after): per workload and backend, max sustainable
 * throughput, p99 at a common load, errors, seeding time and size on disk side by side with the change,
 * plus overlay charts. Writes comparison.md, comparison.html and charts/ into `outDir`.
 */
export async function renderComparison(runDirA: string, runDirB: string, outDir: string): Promise<RenderedComparison> {
  const a = await readRun(runDirA);
  const b = await readRun(runDirB);
  const chartsDir = join(outDir, 'charts');
  await mkdir(chartsDir, { recursive: true });
  const warnings = likeForLike(a.run, b.run);
  const speed = controlCostDifference(a.run, b.run, a.run.scenario.resolution ?? DEFAULT_GRID.ratio - 1);
  if (speed) warnings.push(speed);
  const reportsA = buildWorkloadReports(a.run);
  const reportsB = buildWorkloadReports(b.run);
  const workloads = [...new Set([...reportsB.map((w) => w.workload), ...reportsA.map((w) => w.workload)])];

  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: `storebench before/after: ${a.run.runId} → ${b.run.runId}` },
    {
      kind: 'paragraph',
      inlines: [
        { text: 'Before', strong: true },
        `: ${a.run.runId} (${a.run.startedAt}) at `,
        { text: relative(outDir, join(a.runDir, 'report.md')), href: relative(outDir, join(a.runDir, 'report.md')) },
        '. ',
        { text: 'After', strong: true },
        `: ${b.run.runId} (${b.run.startedAt}) at `,
        { text: relative(outDir, join(b.runDir, 'report.md')), href: relative(outDir, join(b.runDir, 'report.md')) },
        '. Runs of one command have moved by one to two grid steps (19-41%) from one run to the next on our 2-core machines (docs/reproducibility.md): a change smaller than that needs `compare --runs N` to be told from the machine.',
      ],
    },
  ];
  if (warnings.length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Not like for like' });
    blocks.push({ kind: 'list', items: warnings.map((w) => [w]) });
  }
  const charts: ChartFile[] = [];
  for (const workload of workloads) {
    const wa = reportsA.find((w) => w.workload === workload);
    const wb = reportsB.find((w) => w.workload === workload);
    blocks.push({ kind: 'heading', level: 2, text: `Workload: ${workload}` });
    blocks.push({
      kind: 'paragraph',
      inlines: [
        { text: 'Recommendation: ', strong: true },
        `before ${wa?.recommendation.backend ?? (wa ? 'none' : 'not run')}, after ${wb?.recommendation.backend ?? (wb ? 'none' : 'not run')}. `,
        wb ? wb.recommendation.reason : '',
      ],
    });
    blocks.push(comparisonTable(wa, wb));
    const series: ChartSeries[] = [];
    const backends = orderBackends([...new Set([...(wa?.rows ?? []), ...(wb?.rows ?? [])].map((r) => r.backend))]);
    for (const backend of backends) {
      const before = wa?.rows.find((r) => r.backend === backend);
      const after = wb?.rows.find((r) => r.backend === backend);
      if (before) series.push({ backend, label: `${backend} before`, steps: before.steps, faded: true });
      if (after) series.push({ backend, label: `${backend} after`, steps: after.steps });
    }
    const caption = [
      `Before ${a.run.runId}: ${describeMachine(a.run)}.`,
      `After ${b.run.runId}: ${describeMachine(b.run)}. Faded dashed = before, solid = after.`,
    ];
    for (const metric of ['throughput', 'latency'] as const) {
      const chart = await renderChartFile({
        run: b.run,
        workload,
        metric,
        series,
        caption,
        dir: chartsDir,
        prefix: 'charts',
        titleSuffix: metric === 'latency' ? ' (p99, before → after)' : ' (before → after)',
        percentiles: ['p99'],
      });
      charts.push(chart);
      blocks.push({ kind: 'image', src: chart.relativePath, alt: chart.title });
    }
  }
  const markdownPath = join(outDir, 'comparison.md');
  const htmlPath = join(outDir, 'comparison.html');
  await writeFile(markdownPath, markdown(blocks));
  await writeFile(htmlPath, await html(`storebench ${a.run.runId} → ${b.run.runId}`, blocks, outDir));
  return { markdownPath, htmlPath, charts, warnings };
}

function comparisonTable(wa: WorkloadReport | undefined, wb: WorkloadReport | undefined): Block {
  const backends = orderBackends([...new Set([...(wa?.rows ?? []), ...(wb?.rows ?? [])].map((r) => r.backend))]);
  const commonTarget = wb?.commonTarget ?? wa?.commonTarget ?? null;
  const kind = wb?.kind ?? wa?.kind ?? 'rate';
  const p99At = (row: BackendRow | undefined): number | null => {
    const step = row?.steps.find((s) => s.target === commonTarget);
    return step ? step.latencyMs.p99 : null;
  };
  return {
    kind: 'table',
    header: [
      'backend',
      'max sustainable RPS',
      commonTarget === null ? 'p99 at a common load' : `p99 at ${formatTarget(commonTarget, kind)}`,
      'errors (whole ladder)',
      'seeding time',
      'size on disk',
    ],
    rows: backends.map((backend): Inline[][] => {
      const before = wa?.rows.find((r) => r.backend === backend);
      const after = wb?.rows.find((r) => r.backend === backend);
      return [
        [backend === 'memory' ? `${backend} (control)` : backend],
        [change(before?.sustainable.maxSustainableRps, after?.sustainable.maxSustainableRps, formatRps, 'higher')],
        [change(p99At(before), p99At(after), formatMs, 'lower')],
        [change(before?.errors.rate, after?.errors.rate, formatPercent, 'lower', false)],
        [change(before?.dataset?.seedDurationS, after?.dataset?.seedDurationS, formatSeconds, 'lower')],
        [change(before?.dataset?.sizeOnDiskBytes, after?.dataset?.sizeOnDiskBytes, formatBytes, 'lower')],
      ];
    }),
  };
}

/** "1,996 → 2,496 (+25%, better)"; "—" for a value the run lacks. */
function change(
  before: number | null | undefined,
  after: number | null | undefined,
  format: (n: number) => string,
  better: 'higher' | 'lower',
  relativeChange = true,
): string {
  const show = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : format(n));
  const text = `${show(before)} → ${show(after)}`;
  if (before === null || before === undefined || after === null || after === undefined) return text;
  if (!relativeChange || before === 0) return text;
  const delta = (after - before) / before;
  if (Math.abs(delta) < 0.05) return `${text} (${signed(delta)}, within noise)`;
  const improved = better === 'higher' ? delta > 0 : delta < 0;
  return `${text} (${signed(delta)}, ${improved ? 'better' : 'worse'})`;
}

function signed(fraction: number): string {
  const pct = Math.round(fraction * 100);
  return `${pct >= 0 ? '+' : ''}${pct}%`;
}

/** Differences that make a before/after comparison of these two runs misleading. */
export function likeForLike(a: ReportRun, b: ReportRun): string[] {
  const warnings: string[] = [];
  const ea = a.environment;
  const eb = b.environment;
  if (ea.cpuModel !== eb.cpuModel || ea.cores !== eb.cores)
    warnings.push(`different machines: ${ea.cpuModel} × ${ea.cores} vs ${eb.cpuModel} × ${eb.cores}`);
  if (ea.node !== eb.node) warnings.push(`different Node versions: ${ea.node} vs ${eb.node}`);
  const speedWarning = speedDifference(a, b);
  if (speedWarning) warnings.push(speedWarning);
  const fingerprints = (run: RunResult): Map<string, string> =>
    new Map(run.datasets.map((d) => [d.workload, d.fingerprint]));
  const fa = fingerprints(a);
  for (const [workload, fp] of fingerprints(b)) {
    const before = fa.get(workload);
    if (before !== undefined && before !== fp)
      warnings.push(`${workload}: different datasets (fingerprint ${before} vs ${fp})`);
  }
  const sa = a.scenario;
  const sb = b.scenario;
  if (sa.stepKind !== sb.stepKind) warnings.push(`different step kinds: ${sa.stepKind} vs ${sb.stepKind}`);
  if (sa.stepDurationS !== sb.stepDurationS || sa.warmupS !== sb.warmupS)
    warnings.push(`different step lengths: ${sa.stepDurationS}+${sa.warmupS} s vs ${sb.stepDurationS}+${sb.warmupS} s`);
  if (JSON.stringify(sa.slo) !== JSON.stringify(sb.slo))
    warnings.push(
      `different SLOs: p99 ${sa.slo.p99Ms} ms / ${sa.slo.maxErrorRate} vs p99 ${sb.slo.p99Ms} ms / ${sb.slo.maxErrorRate}`,
    );
  if (sa.idDistribution !== sb.idDistribution)
    warnings.push(`different id distributions: ${sa.idDistribution} vs ${sb.idDistribution}`);
  return warnings;
}

/**
 * Two readings of the speed probe further apart than this fraction (slower over faster) say the machines
 * ran at different speeds. The probe's own spread: its median on the system under test's CPU took
 * 100.6-110.5 ms in the eight readings of about an hour on one machine (ninth round), 10%.
 */
const SPEED_TOLERANCE = 0.2;

/**
 * The fixed work on the system under test's CPUs (or on any CPU, unpinned) at each run's start, when the
 * two runs used the same probe and placement role and the slower took more than SPEED_TOLERANCE longer:
 * the same machine model can run at different speeds (neighbours on a shared host, another day), and a
 * backend's figure moves with it. Runs recorded before the probe have no readings: nothing is said.
 */
export function speedDifference(a: RunResult, b: RunResult): string | undefined {
  if (!a.machineSpeed || !b.machineSpeed || a.machineSpeed.probe !== b.machineSpeed.probe) return undefined;
  const first = (run: RunResult) => run.machineSpeed!.readings.find((r) => r.when === 'start')?.cpus[0];
  const [sa, sb] = [first(a), first(b)];
  if (!sa || !sb || sa.role !== sb.role) return undefined;
  if (Math.max(sa.medianMs, sb.medianMs) / Math.min(sa.medianMs, sb.medianMs) - 1 <= SPEED_TOLERANCE) return undefined;
  return `machines of different speed: the speed probe's fixed work took ${sa.medianMs} ms vs ${sb.medianMs} ms on the ${sa.role}'s CPU (${signed(sb.medianMs / sa.medianMs - 1)})`;
}
