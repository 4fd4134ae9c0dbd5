import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChartConfiguration, ChartDataset, PointStyle } from 'chart.js';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import type { RunResult, StepResult } from '../results/index.ts';
import {
  buildWorkloadReports,
  CONTROL_BACKEND,
  describeDataset,
  describeMachine,
  displayName,
  formatRps,
  orderBackends,
  type WorkloadReport,
} from './model.ts';

/** Size of every chart PNG, in pixels. */
export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 600;

/** A chart written to disk, with the path relative to the run folder (for links in report.md). */
export interface ChartFile {
  workload: string;
  metric: ChartMetric;
  title: string;
  /** Relative to the folder the report lives in, with forward slashes. */
  relativePath: string;
  absolutePath: string;
}

export type ChartMetric = 'throughput' | 'latency' | 'errors' | 'sustainable' | 'resilience';

const FONT_FAMILY = 'DejaVu Sans';
const FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const FONT_FILE_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/** Fixed colours for the backends we ship, so a backend looks the same in every chart and every run. */
const KNOWN_COLOURS: Record<string, string> = {
  memory: '#6b7280',
  postgres: '#2563eb',
  cassandra: '#ea580c',
  mongo: '#16a34a',
  'postgres+redis': '#7c3aed',
  'cassandra+redis': '#db2777',
  'mongo+redis': '#0d9488',
};
const SPARE_COLOURS = ['#b91c1c', '#a16207', '#0891b2', '#4d7c0f', '#9333ea', '#be123c', '#1e3a8a'];

/** The colour of a backend: fixed for known names, else picked by a hash of the name (stable across runs). */
export function backendColour(backend: string): string {
  const known = KNOWN_COLOURS[backend];
  if (known) return known;
  let hash = 0;
  for (const ch of backend) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return SPARE_COLOURS[hash % SPARE_COLOURS.length] ?? '#000000';
}

let canvas: ChartJSNodeCanvas | null = null;

/** One renderer for every chart; fonts registered once (the default font renders boxes on a bare Debian). */
export function chartCanvas(): ChartJSNodeCanvas {
  if (canvas) return canvas;
  const created = new ChartJSNodeCanvas({
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    backgroundColour: '#ffffff',
    chartCallback: (chart) => {
      chart.defaults.font.family = FONT_FAMILY;
      chart.defaults.font.size = 14;
      chart.defaults.color = '#1f2937';
      chart.defaults.animation = false;
    },
  });
  if (existsSync(FONT_FILE)) created.registerFont(FONT_FILE, { family: FONT_FAMILY });
  if (existsSync(FONT_FILE_BOLD)) created.registerFont(FONT_FILE_BOLD, { family: FONT_FAMILY, weight: 'bold' });
  canvas = created;
  return created;
}

/** A line on a chart: one backend (or one backend in one run of a comparison). */
export interface ChartSeries {
  backend: string;
  /** Legend label; defaults to the backend name. */
  label?: string;
  steps: StepResult[];
  /** Drawn fainter and dashed (the "before" run of a comparison). */
  faded?: boolean;
}

type Point = { x: number; y: number };
type LineDataset = ChartDataset<'line', Point[]>;

/** Renders the three charts of every workload of a run into `<runDir>/charts/`. */
export async function renderRunCharts(run: RunResult, runDir: string): Promise<ChartFile[]> {
  const dir = join(runDir, 'charts');
  await mkdir(dir, { recursive: true });
  const files: ChartFile[] = [];
  const workloads = [...new Set(run.steps.map((s) => s.workload))];
  for (const workload of workloads) {
    const steps = run.steps.filter((s) => s.workload === workload);
    const series = orderBackends([...new Set(steps.map((s) => s.backend))]).map((backend): ChartSeries => ({
      backend,
      label: backend === CONTROL_BACKEND ? `${backend} (control)` : displayName(run, backend),
      steps: steps.filter((s) => s.backend === backend),
    }));
    const caption = [
      `Dataset ${describeDataset(run, workload)}.`,
      `Machine: ${describeMachine(run)}. Run ${run.runId}.`,
    ];
    const report = buildWorkloadReports(run).find((w) => w.workload === workload);
    if (report) files.push(await renderSustainableChart(run, report, caption, dir));
    for (const metric of ['throughput', 'latency', 'errors'] as const) {
      files.push(await renderChartFile({ run, workload, metric, series, caption, dir, prefix: 'charts' }));
    }
  }
  return files;
}

/**
 * The headline chart of a workload: per backend, the interval of its max sustainable rate (a
 * floating bar from the lowest trial pass to the highest trial fail), the median (a bar) and every
 * trial (dots), in ranking order.
 */
async function renderSustainableChart(
  run: RunResult,
  report: WorkloadReport,
  caption: string[],
  dir: string,
): Promise<ChartFile> {
  const rows = report.ranking.filter((r) => r.figure);
  const labels = rows.map((r) => (r.isControl && !r.isCalibration ? `${r.displayName} (control)` : r.displayName));
  const colours = rows.map((r) => backendColour(r.backend));
  const unit = report.kind === 'rate' ? 'requests/s' : 'connections';
  const title = `${report.workload}: max sustainable ${report.kind === 'rate' ? 'rate' : 'concurrency'} under the SLO`;
  const trials = Math.max(0, ...rows.map((r) => r.figure!.values.length));
  const config: ChartConfiguration<'bar' | 'line', Array<[number, number] | { x: string; y: number }>> = {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          type: 'bar',
          label: 'interval (lowest trial pass – highest trial fail)',
          data: rows.map((r) => [r.figure!.low, r.figure!.high] as [number, number]),
          backgroundColor: colours.map((c) => withAlpha(c, 0.18)),
          borderColor: colours,
          borderWidth: 1,
          barPercentage: 0.5,
          grouped: false,
        },
        {
          type: 'line',
          label: `median of ${trials} trial${trials === 1 ? '' : 's'}`,
          data: rows.map((r, i) => ({ x: labels[i]!, y: r.figure!.median ?? 0 })),
          showLine: false,
          pointStyle: 'line',
          pointRadius: 28,
          pointBorderWidth: 4,
          borderColor: colours,
          backgroundColor: colours,
        },
        {
          type: 'line',
          label: 'each trial',
          data: rows.flatMap((r, i) => r.figure!.values.map((v) => ({ x: labels[i]!, y: v ?? 0 }))),
          showLine: false,
          pointRadius: 5,
          borderColor: '#111827',
          backgroundColor: 'rgba(17, 24, 39, 0.5)',
        },
      ],
    },
    options: {
      responsive: false,
      animation: false,
      plugins: {
        title: { display: true, text: title, font: { size: 20, weight: 'bold' }, padding: 8 },
        subtitle: {
          display: true,
          text: [
            ...caption,
            `Noise floor ${Math.round(report.noiseFloor.fraction * 100)}% (${report.noiseFloor.source}). Medians: ${rows
              .map((r, i) => `${labels[i]} ${formatRps(r.figure!.median ?? 0)}`)
              .join(', ')}.`,
          ],
          position: 'bottom',
          font: { size: 12 },
          color: '#4b5563',
          padding: { top: 10 },
        },
        legend: { position: 'top', labels: { usePointStyle: true, font: { size: 13 } } },
      },
      scales: {
        x: { ticks: { font: { size: 13 } } },
        y: { beginAtZero: true, title: { display: true, text: unit, font: { size: 14 } } },
      },
    },
  };
  // A mixed bar + point chart: chart.js's typings only describe one chart type per configuration.
  const buffer = await chartCanvas().renderToBuffer(config as unknown as ChartConfiguration, 'image/png');
  const name = `${safeName(report.workload)}-sustainable.png`;
  const absolutePath = join(dir, name);
  await writeFile(absolutePath, buffer);
  return { workload: report.workload, metric: 'sustainable', title, relativePath: `charts/${name}`, absolutePath };
}

/** Renders one metric chart of one workload to `<dir>/<workload>-<metric>.png`. */
export async function renderChartFile(options: {
  run: RunResult;
  workload: string;
  metric: ChartMetric;
  series: ChartSeries[];
  caption: string[];
  dir: string;
  /** Folder name used in relativePath. */
  prefix: string;
  titleSuffix?: string;
  /** Percentiles drawn on the latency chart; default p99 and p50. */
  percentiles?: Array<'p50' | 'p99'>;
}): Promise<ChartFile> {
  const { run, workload, metric, series, caption, dir } = options;
  const config = chartConfig(
    run,
    workload,
    metric,
    series,
    caption,
    options.titleSuffix ?? '',
    options.percentiles ?? ['p99', 'p50'],
  );
  const buffer = await chartCanvas().renderToBuffer(config, 'image/png');
  const name = `${safeName(workload)}-${metric}.png`;
  const absolutePath = join(dir, name);
  await writeFile(absolutePath, buffer);
  return {
    workload,
    metric,
    title: String(config.options?.plugins?.title?.text ?? name),
    relativePath: `${options.prefix}/${name}`,
    absolutePath,
  };
}

function chartConfig(
  run: RunResult,
  workload: string,
  metric: ChartMetric,
  series: ChartSeries[],
  caption: string[],
  titleSuffix: string,
  percentiles: Array<'p50' | 'p99'>,
): ChartConfiguration<'line', Point[]> {
  const kind = series.flatMap((s) => s.steps)[0]?.kind ?? run.scenario.stepKind;
  const xLabel = kind === 'rate' ? 'offered load (requests/s)' : 'concurrent connections';
  const slo = run.scenario.slo;
  const targets = series.flatMap((s) => s.steps.map((st) => st.target)).filter((t) => t > 0);
  const xMin = Math.min(...targets);
  const xMax = Math.max(...targets);
  const logX = targets.length > 0 && xMax / xMin >= 8;
  const ladderTicks = [...new Set(targets)].sort((a, b) => a - b);
  const datasets: LineDataset[] = [];
  const hasInvalid = series.some((s) => s.steps.some((st) => !st.valid));
  let title: string;
  let yLabel: string;
  let yLog = false;
  let ySuggestedMax: number | undefined;

  if (metric === 'throughput') {
    title = kind === 'rate' ? `${workload}: achieved vs offered throughput` : `${workload}: throughput vs connections`;
    yLabel = `achieved throughput (responses/s${logX && kind === 'rate' ? ', log scale' : ''})`;
    // log-log keeps "achieved = offered" a straight diagonal on a geometric ladder
    yLog = logX && kind === 'rate';
    for (const s of series) datasets.push(...seriesDatasets(s, (st) => st.achievedRps));
    if (kind === 'rate' && targets.length > 0) {
      datasets.push(referenceLine('achieved = offered', [xMin, xMax], (x) => x, '#9ca3af', [2, 4]));
      datasets.push(
        referenceLine(
          `SLO: achieved ≥ ${Math.round(slo.minAchievedRatio * 100)}% of offered`,
          [xMin, xMax],
          (x) => x * slo.minAchievedRatio,
          '#dc2626',
          [10, 6],
        ),
      );
    }
  } else if (metric === 'latency') {
    title = `${workload}: latency percentiles vs load`;
    yLabel = 'latency (ms, log scale)';
    yLog = true;
    for (const s of series) {
      for (const p of percentiles) datasets.push(...seriesDatasets(s, (st) => st.latencyMs[p], p));
    }
    if (targets.length > 0)
      datasets.push(referenceLine(`SLO: p99 ≤ ${slo.p99Ms} ms`, [xMin, xMax], () => slo.p99Ms, '#dc2626', [10, 6]));
  } else {
    title = `${workload}: error rate vs load`;
    yLabel = 'errors (% of requests)';
    for (const s of series) datasets.push(...seriesDatasets(s, (st) => st.errors.rate * 100));
    if (targets.length > 0)
      datasets.push(
        referenceLine(
          `SLO: errors ≤ ${slo.maxErrorRate * 100}%`,
          [xMin, xMax],
          () => slo.maxErrorRate * 100,
          '#dc2626',
          [10, 6],
        ),
      );
    ySuggestedMax = Math.max(slo.maxErrorRate * 100 * 2, 0.5);
  }

  const notes = [...caption];
  const legendNote = [
    series.some((s) => s.backend === CONTROL_BACKEND)
      ? 'dashed grey = memory control row (HTTP ceiling, no database)'
      : '',
    metric === 'latency' && percentiles.includes('p50') ? 'thick circles = p99, thin triangles = p50' : '',
    hasInvalid ? '✕ = invalid step (the load generator was the limit, or another process took CPU)' : '',
    series.some((s) => new Set(s.steps.map((st) => st.target)).size < s.steps.length)
      ? 'line = median of the trials at each load, faint dots = every trial'
      : '',
  ]
    .filter(Boolean)
    .join(' · ');
  if (legendNote) notes.push(legendNote);

  return {
    type: 'line',
    data: { datasets },
    options: {
      responsive: false,
      animation: false,
      layout: { padding: { left: 10, right: 20, top: 5, bottom: 5 } },
      plugins: {
        title: { display: true, text: `${title}${titleSuffix}`, font: { size: 20, weight: 'bold' }, padding: 8 },
        subtitle: {
          display: true,
          text: notes,
          position: 'bottom',
          font: { size: 12 },
          color: '#4b5563',
          padding: { top: 10 },
        },
        legend: {
          position: 'top',
          labels: { usePointStyle: true, pointStyleWidth: 18, boxHeight: 9, font: { size: 13 } },
        },
      },
      scales: {
        x: {
          type: logX ? 'logarithmic' : 'linear',
          title: { display: true, text: xLabel, font: { size: 14 } },
          ticks: {
            callback: (v) => formatTick(Number(v)),
            autoSkip: false,
            maxRotation: 0,
          },
          // one tick per ladder step: the loads actually offered, not round numbers nobody ran
          afterBuildTicks: (axis) => {
            if (ladderTicks.length > 0) axis.ticks = ladderTicks.map((value) => ({ value }));
          },
          ...(targets.length > 0 ? { min: logX ? xMin * 0.85 : 0, max: logX ? xMax * 1.15 : xMax * 1.05 } : {}),
        },
        y: {
          type: yLog ? 'logarithmic' : 'linear',
          beginAtZero: !yLog,
          ...(ySuggestedMax === undefined ? {} : { suggestedMax: ySuggestedMax }),
          title: { display: true, text: yLabel, font: { size: 14 } },
          ticks: {
            // a log axis over less than a decade has few ticks: label them all, else only 1-2-5
            callback: (v, _i, ticks) => (yLog && ticks.length > 8 ? formatLogTick(Number(v)) : formatTick(Number(v))),
          },
        },
      },
    },
  };
}

/**
 * One backend's line; invalid steps drawn as crosses so nobody reads them as real figures. With several
 * trials at the same load, the line runs through their median and every trial's step is a faint dot.
 */
function seriesDatasets(
  series: ChartSeries,
  value: (s: StepResult) => number,
  percentile?: 'p50' | 'p99',
): LineDataset[] {
  const byTarget = new Map<number, StepResult[]>();
  for (const s of series.steps) byTarget.set(s.target, [...(byTarget.get(s.target) ?? []), s]);
  const repeated = [...byTarget.values()].some((list) => list.length > 1);
  if (!repeated) return [seriesDataset(series, series.steps, value, percentile)];
  const medians = [...byTarget.values()].map((list) => {
    const valid = list.filter((s) => s.valid);
    const pool = valid.length > 0 ? valid : list;
    const sorted = [...pool].sort((a, b) => value(a) - value(b));
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  });
  const colour = backendColour(series.backend);
  const dots: LineDataset = {
    label: `${series.label ?? series.backend}${percentile ? ` ${percentile}` : ''} (every trial)`,
    data: series.steps.map((s) => ({ x: s.target, y: percentile ? Math.max(value(s), 0.01) : value(s) })),
    borderColor: withAlpha(colour, 0.35),
    backgroundColor: withAlpha(colour, 0.35),
    showLine: false,
    pointRadius: 3,
    pointStyle: series.steps.map((s) => (s.valid ? 'circle' : 'crossRot')),
  };
  return [seriesDataset(series, medians, value, percentile), dots];
}

function seriesDataset(
  series: ChartSeries,
  chosen: StepResult[],
  value: (s: StepResult) => number,
  percentile?: 'p50' | 'p99',
): LineDataset {
  const steps = [...chosen].sort((a, b) => a.target - b.target);
  const colour = backendColour(series.backend);
  const control = series.backend === CONTROL_BACKEND;
  const secondary = percentile === 'p50';
  const dash = control ? (secondary ? [3, 4] : [10, 6]) : series.faded ? [6, 4] : secondary ? [] : [];
  const baseStyle: PointStyle = secondary ? 'triangle' : 'circle';
  const name = series.label ?? (control ? `${series.backend} (control)` : series.backend);
  const label = `${name}${percentile ? ` ${percentile}` : ''}`;
  return {
    label,
    data: steps.map((s) => ({ x: s.target, y: percentile ? Math.max(value(s), 0.01) : value(s) })),
    borderColor: series.faded ? withAlpha(colour, 0.55) : colour,
    backgroundColor: series.faded ? withAlpha(colour, 0.55) : colour,
    borderWidth: secondary ? 1.5 : 3,
    borderDash: dash,
    pointStyle: steps.map((s) => (s.valid ? baseStyle : 'crossRot')),
    pointRadius: steps.map((s) => (s.valid ? (secondary ? 4 : 5) : 9)),
    pointBorderWidth: steps.map((s) => (s.valid ? 1 : 3)),
    tension: 0,
  };
}

function referenceLine(
  label: string,
  [from, to]: [number, number],
  y: (x: number) => number,
  colour: string,
  dash: number[],
): LineDataset {
  return {
    label,
    data: [
      { x: from * 0.85, y: y(from * 0.85) },
      { x: to * 1.15, y: y(to * 1.15) },
    ],
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 2,
    borderDash: dash,
    pointRadius: 0,
    pointStyle: 'line',
  };
}

function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Tick labels: 1,500 / 20k / 0.5 rather than 1500.0000001. */
function formatTick(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 10000) return `${Math.round(v / 1000)}k`;
  if (Math.abs(v) >= 1) return Math.round(v * 10) % 10 === 0 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
  return String(Number(v.toPrecision(2)));
}

/** Log axes get a tick at every 1-9 × 10^n; label only 1, 2 and 5 so they stay legible. */
function formatLogTick(v: number): string | null {
  if (v <= 0) return null;
  const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6) ? formatTick(v) : null;
}

export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, '_');
}
