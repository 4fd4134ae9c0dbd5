import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import type { FaultRunRecord, RunResult } from '../results/index.ts';
import { backendColour, chartCanvas, safeName, type ChartFile } from './charts.ts';
import type { Block, Inline } from './document.ts';
import { describeMachine, displayName, formatCount, formatPercent, formatRps } from './model.ts';

type Point = { x: number; y: number };

/** Said wherever the cluster dimension is shown (the stand-in cannot be clustered). */
const MONGO_NOTE =
  'The MongoDB-wire stand-in (mongo-java-server) has no replica sets: mongo runs as a single server in every cluster layout, so its rows are not a replicated MongoDB.';

/** One chart per failure run: throughput and errors per second, p50/p99 per second, the events as vertical lines. */
export async function renderResilienceCharts(run: RunResult, runDir: string): Promise<ChartFile[]> {
  const runs = run.faultRuns ?? [];
  if (runs.length === 0) return [];
  const dir = join(runDir, 'charts');
  await mkdir(dir, { recursive: true });
  const files: ChartFile[] = [];
  for (const fault of runs) {
    const name = `resilience-${safeName(`${fault.backend}-${fault.fault}`)}.png`;
    const config = timelineChart(run, fault);
    await writeFile(join(dir, name), await chartCanvas().renderToBuffer(config, 'image/png'));
    files.push({
      workload: fault.workload,
      metric: 'resilience',
      title: String(config.options?.plugins?.title?.text ?? name),
      relativePath: `charts/${name}`,
      absolutePath: join(dir, name),
    });
  }
  return files;
}

function timelineChart(run: RunResult, fault: FaultRunRecord): ChartConfiguration<'line', Point[]> {
  const colour = backendColour(fault.backend.split(' ')[0]!);
  const errorsOf = (s: FaultRunRecord['timeline'][number]): number =>
    Object.values(s.errors).reduce((a, b) => a + b, 0);
  const peak = Math.max(1, ...fault.timeline.map((s) => Math.max(s.ok, errorsOf(s))));
  const line = (
    label: string,
    points: Point[],
    style: Partial<ChartDataset<'line', Point[]>>,
  ): ChartDataset<'line', Point[]> => ({
    label,
    data: points,
    pointRadius: 0,
    borderWidth: 2,
    tension: 0,
    ...style,
  });
  // Each second's figure holds for the whole second it covers (a step line ending at the step's end).
  const perSecond = (value: (s: FaultRunRecord['timeline'][number]) => number, only = fault.timeline): Point[] => {
    const points = only.map((s) => ({ x: s.second, y: value(s) }));
    const last = only[only.length - 1];
    return last ? [...points, { x: last.second + 1, y: value(last) }] : points;
  };
  const answered = fault.timeline.filter((s) => s.requests > 0);
  const datasets: Array<ChartDataset<'line', Point[]>> = [
    line(
      'ok responses/s',
      perSecond((s) => s.ok),
      { borderColor: colour, yAxisID: 'y', stepped: 'before' },
    ),
    line('failed requests/s', perSecond(errorsOf), { borderColor: '#dc2626', yAxisID: 'y', stepped: 'before' }),
    ...(['p99Ms', 'p50Ms'] as const).map((p, i) =>
      line(
        `${p.slice(0, 3)} (ms)`,
        perSecond((s) => Math.max(0.1, s[p]), answered),
        {
          stepped: 'before',
          borderColor: ['#7c3aed', '#a78bfa'][i]!,
          borderDash: i === 0 ? [6, 3] : [2, 3],
          yAxisID: 'latency',
        },
      ),
    ),
    ...fault.events.map((e, i) =>
      line(
        `${e.atS.toFixed(1)} s: ${e.what.length > 70 ? `${e.what.slice(0, 67)}…` : e.what}`,
        [
          { x: e.atS, y: 0 },
          { x: e.atS, y: peak * 1.05 },
        ],
        { borderColor: ['#111827', '#6b7280', '#9ca3af'][i % 3]!, borderWidth: 1.5, yAxisID: 'y' },
      ),
    ),
  ];
  const share = fault.fraction === null ? 'fixed rate' : `${fault.fraction} of its max`;
  const title = `${displayName(run, fault.backend)}: ${fault.fault} at ${formatRps(fault.rateRps)} RPS (${share})`;
  return {
    type: 'line',
    data: { datasets },
    options: {
      responsive: false,
      animation: false,
      layout: { padding: { left: 10, right: 20, top: 5, bottom: 5 } },
      plugins: {
        title: { display: true, text: title, font: { size: 18, weight: 'bold' }, padding: 8 },
        subtitle: {
          display: true,
          text: [
            `${fault.workload}, open model: requests stay on schedule, each counted in the second it was due.`,
            `Acknowledged writes ${formatCount(fault.readBack.acknowledged)}, lost ${fault.readBack.lost}. Machine: ${describeMachine(run)}. Run ${run.runId}.`,
          ],
          position: 'bottom',
          font: { size: 12 },
          color: '#4b5563',
          padding: { top: 10 },
        },
        legend: { position: 'top', labels: { boxHeight: 2, font: { size: 12 } } },
      },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'seconds into the step' }, min: 0 },
        y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'requests per second' } },
        latency: {
          type: 'logarithmic',
          position: 'right',
          title: { display: true, text: 'latency (ms, log scale)' },
          grid: { drawOnChartArea: false },
        },
      },
    },
  };
}

const seconds = (s: number | null): string => (s === null ? '—' : `${s.toFixed(1)} s`);

/** The report's resilience section, when the run injected failures. */
export function resilienceBlocks(run: RunResult, charts: ChartFile[]): Block[] {
  const runs = run.faultRuns ?? [];
  if (runs.length === 0) return [];
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Resilience: a failure during a steady step' }];
  blocks.push({
    kind: 'paragraph',
    inlines: [
      'After every trial, each database below got one failure in a steady step at a fraction of its own measured max (the median of its trials). ',
      'The load is open-model: requests keep coming on schedule whatever the server does, so an outage shows as errors or latency in the seconds it lasted. ',
      'Every write acknowledged with a 2xx is read back through the adapter once the step ends; ',
      { text: 'acknowledged writes lost', strong: true },
      ' must be 0. Time to first error runs from the fault to the first failed request due after it; time to recovery from the fault until every later second kept its failures within the SLO error rate (',
      formatPercent(run.scenario.slo.maxErrorRate),
      '); latency is in the charts.',
    ],
  });
  blocks.push({
    kind: 'table',
    header: [
      'layout',
      'failure',
      'load',
      'first error',
      'recovered',
      'failed requests',
      'writes acknowledged',
      'lost',
      'what happened',
    ],
    align: ['left', 'left', 'right', 'right', 'right', 'left', 'right', 'right', 'left'],
    rows: runs.map((f): Inline[][] => {
      const failed = Object.entries(f.errors)
        .map(([k, n]) => `${formatCount(n)} ${k}`)
        .join(', ');
      return [
        [{ text: displayName(run, f.backend), strong: true }],
        [{ text: f.fault, code: true }, ` (${f.memberRole})`],
        [
          f.fraction === null || f.maxRps === null
            ? `${formatRps(f.rateRps)} RPS (fixed)`
            : `${formatRps(f.rateRps)} RPS (${f.fraction} × ${formatRps(f.maxRps)})`,
        ],
        [seconds(f.timeToFirstErrorS)],
        [seconds(f.timeToRecoveryS)],
        [failed ? `${failed} of ${formatCount(f.requests)}` : `none of ${formatCount(f.requests)}`],
        [formatCount(f.readBack.acknowledged)],
        [
          { text: String(f.readBack.lost), strong: f.readBack.lost > 0 },
          f.readBack.unreadable > 0 ? ` (+${f.readBack.unreadable} unreadable)` : '',
        ],
        [f.events.map((e) => `${e.atS.toFixed(1)} s ${e.what}`).join('; ')],
      ];
    }),
  });
  for (const chart of charts.filter((c) => c.metric === 'resilience')) {
    blocks.push({ kind: 'image', src: chart.relativePath, alt: chart.title });
  }
  const lostSamples = runs.filter((f) => f.readBack.lost > 0);
  for (const f of lostSamples) {
    blocks.push({
      kind: 'paragraph',
      inlines: [`${displayName(run, f.backend)} lost: `, { text: f.readBack.lostSample.join(', '), code: true }],
    });
  }
  return blocks;
}

/** Where each target's database and API ran, when the run had clusters or hosts in namespaces. */
export function layoutBlocks(run: RunResult): Block[] {
  const layouts = run.layouts ?? [];
  const shown = layouts.some((l) => l.cluster !== 'single' || l.rtt !== 'loopback');
  if (!shown) return [];
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Layouts: clusters and the network between hosts' }];
  const clustered = layouts.some((l) => l.cluster !== 'single');
  const networked = layouts.some((l) => l.rtt !== 'loopback');
  const inlines: Inline[] = [
    'Each line of the charts is one layout: the backend, then its database layout (`ring3`: a 3-node Cassandra ring; `standby-sync`/`standby-async`: a PostgreSQL primary with a streaming hot standby) and the round trip between hosts (`loopback`: every process on 127.0.0.1; `rtt X`: the load generator, the API and every database server on hosts of their own, network namespaces joined by a router, with X added to every round trip). ',
  ];
  if (networked && run.network) inlines.push(`The delay: ${run.network.delayMechanism}.`);
  if (networked && run.network?.relayCpuSeconds !== undefined) {
    inlines.push(
      ` Over the run it held ${formatCount(run.network.relayPackets ?? 0)} packets with ${run.network.relayCpuSeconds} CPU seconds.`,
    );
  }
  blocks.push({ kind: 'paragraph', inlines });
  if (clustered && layouts.some((l) => /^mongo\b/.test(l.label)))
    blocks.push({ kind: 'paragraph', inlines: [{ text: MONGO_NOTE, strong: true }] });
  blocks.push({
    kind: 'table',
    header: ['layout', 'database', 'members', 'network', 'measured round trip (p50)', 'start-up'],
    rows: layouts.map((l): Inline[][] => [
      [{ text: displayName(run, l.label), strong: true }],
      [l.clusterDescription],
      [l.members.map((m) => `${m.name} (${m.role}) ${m.address}`).join(', ') || '—'],
      [l.rtt],
      [
        (l.measuredRtt ?? []).map((m) => `${m.from} → ${m.to} ${m.p50Ms} ms (min ${m.minMs})`).join('; ') ||
          (l.rtt === 'loopback' ? 'loopback' : '—'),
      ],
      [l.startupMs > 0 ? `${(l.startupMs / 1000).toFixed(1)} s` : '—'],
    ]),
  });
  return blocks;
}
