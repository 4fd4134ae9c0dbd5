import { readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { RESTART_ACTION, RUN_SCHEMA_VERSION, type StepResult } from '../results/index.ts';
import { endedEarlyText, stallFloorMs } from '../load/index.ts';
import { describeSpeedReading, speedReadingWhen } from '../observe/speed-probe.ts';
import { renderRunCharts, type ChartFile } from './charts.ts';
import { layoutBlocks, renderResilienceCharts, resilienceBlocks } from './resilience.ts';
import { html, markdown, type Block, type Inline } from './document.ts';
import { controlCost, controlCostText } from './control-cost.ts';
import { INTERVAL_METHOD, lowerMedian, RERUN_RANGE_METHOD } from '../stats/index.ts';
import { addRerunChecks, RERUN_METHOD, rerunText, type RerunCheck } from './rerun.ts';
import {
  buildWorkloadReports,
  describeDataset,
  describeMachine,
  displayName,
  formatBytes,
  formatCount,
  formatMs,
  formatPercent,
  formatRps,
  formatSeconds,
  formatFigure,
  formatTarget,
  noiseFloor,
  skippedBackends,
  type BackendRow,
  type ReportRun,
  type WorkloadReport,
} from './model.ts';

/** What renderReport wrote. */
export interface RenderedReport {
  runDir: string;
  markdownPath: string;
  htmlPath: string;
  charts: ChartFile[];
  workloads: WorkloadReport[];
}

/** Reads `<dir>/run.json` (or the file itself when given a path ending in .json) and checks its schema version. */
export async function readRun(runDirOrFile: string): Promise<{ run: ReportRun; runDir: string }> {
  const file = runDirOrFile.endsWith('.json') ? runDirOrFile : join(runDirOrFile, 'run.json');
  const run = JSON.parse(await readFile(file, 'utf8')) as ReportRun;
  if (run.schemaVersion !== RUN_SCHEMA_VERSION)
    throw new Error(
      `${file}: run.json schema version ${String(run.schemaVersion)}, this renderer reads ${RUN_SCHEMA_VERSION}`,
    );
  return { run, runDir: resolve(file, '..') };
}

/**
 * Regenerates charts/*.png, report.md and report.html of a run folder from its run.json alone.
 * Accepts the folder or the run.json path.
 */
export async function renderReport(runDirOrFile: string): Promise<RenderedReport> {
  const { run, runDir } = await readRun(runDirOrFile);
  const charts = [...(await renderRunCharts(run, runDir)), ...(await renderResilienceCharts(run, runDir))];
  const workloads = addRerunChecks(run, buildWorkloadReports(run));
  const blocks = reportBlocks(run, runDir, workloads, charts);
  const markdownPath = join(runDir, 'report.md');
  const htmlPath = join(runDir, 'report.html');
  await writeFile(markdownPath, markdown(blocks));
  await writeFile(htmlPath, await html(`storebench ${run.runId}`, blocks, runDir));
  return { runDir, markdownPath, htmlPath, charts, workloads };
}

function reportBlocks(run: ReportRun, runDir: string, workloads: WorkloadReport[], charts: ChartFile[]): Block[] {
  const blocks: Block[] = [];
  const slo = run.scenario.slo;
  const sloText = `p99 ≤ ${slo.p99Ms} ms, errors ≤ ${formatPercent(slo.maxErrorRate)}${
    run.scenario.stepKind === 'rate' ? `, achieved ≥ ${Math.round(slo.minAchievedRatio * 100)}% of offered` : ''
  }`;
  blocks.push({ kind: 'heading', level: 1, text: `storebench report: ${run.scenario.name} (${run.runId})` });
  blocks.push({
    kind: 'paragraph',
    inlines: [
      `Run ${run.startedAt} → ${run.finishedAt} on ${describeMachine(run)}. `,
      `SLO: ${sloText}. Backends are ranked by `,
      { text: 'max sustainable throughput', strong: true },
      `: the highest offered rate at which a valid step met the SLO, as the median of ${trialCount(run)} with an interval (${INTERVAL_METHOD}). One backend is recommended over another only when their intervals separate and the medians differ by more than the noise floor; otherwise the report says tie. Beside each figure, its rerun range: where the median of the same command is expected in a second run on this machine (${RERUN_RANGE_METHOD}). It is not used for the verdict, which compares backends measured side by side in one run. The memory backend is the control row (the HTTP ceiling with no database) and is never recommended; a stand-in is ranked but never recommended as the database it imitates.`,
    ],
  });

  blocks.push({ kind: 'heading', level: 2, text: 'Recommendation' });
  blocks.push({
    kind: 'list',
    items: workloads.map((w): Inline[] => [
      { text: `${w.workload}: `, strong: true },
      w.recommendation.backend === null
        ? { text: 'none', strong: true }
        : {
            text:
              w.recommendation.tiedWith.length > 0
                ? `tie: ${[w.recommendation.backend, ...w.recommendation.tiedWith].join(', ')}`
                : w.recommendation.backend,
            strong: true,
          },
      ` — ${w.recommendation.reason}`,
      ...(w.rerun ? [` ${rerunSentence(w.rerun)}`] : []),
    ]),
  });
  const skipped = skippedBackends(run);
  if (skipped.length > 0) {
    blocks.push({
      kind: 'paragraph',
      inlines: [
        { text: 'Not measured: ', strong: true },
        skipped.map((s) => s.backend).join(', '),
        ' (see "Backends not run" below); the ranking covers only the backends measured.',
      ],
    });
  }

  for (const w of workloads) blocks.push(...workloadBlocks(run, w, charts));
  blocks.push(...layoutBlocks(run), ...resilienceBlocks(run, charts));
  blocks.push(...reproducibilityBlocks(run, workloads));

  blocks.push({ kind: 'heading', level: 2, text: 'Backends not run' });
  blocks.push(
    skipped.length === 0
      ? { kind: 'paragraph', inlines: ['Every backend of the scenario was measured.'] }
      : {
          kind: 'table',
          header: ['backend', 'why'],
          rows: skipped.map((s) => [[{ text: s.backend, strong: true }], [s.reason]]),
        },
  );

  blocks.push({ kind: 'heading', level: 2, text: 'Profiles' });
  blocks.push(
    run.profiles.length === 0
      ? { kind: 'paragraph', inlines: [`No profile taken (profile: ${run.scenario.profile}).`] }
      : {
          kind: 'table',
          header: ['tool', 'backend', 'workload', 'load', 'result'],
          rows: run.profiles.map((p) => [
            [p.tool],
            [p.backend],
            [p.workload],
            [formatTarget(p.target, run.scenario.stepKind)],
            p.ok && p.htmlPath
              ? [{ text: basename(p.htmlPath), href: p.htmlPath }]
              : [{ text: 'failed: ', strong: true }, p.error ?? 'no reason recorded'],
          ]),
        },
  );

  blocks.push({ kind: 'heading', level: 2, text: 'Environment' });
  const e = run.environment;
  blocks.push({
    kind: 'table',
    header: ['what', 'value'],
    rows: [
      ['CPU', `${e.cpuModel}, ${e.cores} logical cores`],
      ['memory', formatBytes(e.memoryTotalBytes)],
      ['OS', `${e.os.distro ?? e.os.platform} (kernel ${e.os.release})`],
      ['host', e.hostname],
      ['Node', e.node],
      ['load generator (rate steps)', e.loadGenerator.openModel],
      ['load generator (concurrency steps)', e.loadGenerator.closedModel],
      [
        'CPU placement',
        run.placement
          ? `${run.placement.mode}: load generator on CPU ${run.placement.loadGeneratorCpus}, system under test on CPU ${run.placement.systemUnderTestCpus}${run.placement.note ? ` (${run.placement.note})` : ''}${run.placement.apiNodeFlags ? `; the API ran with ${run.placement.apiNodeFlags.join(' ')} (it shares its CPU with the database)` : ''}`
          : 'not recorded',
      ],
      ...Object.entries(e.serverVersions).map(([k, v]) => [`${k} version`, v]),
      ...(e.memoryReclaim ? [['memory reclaim', e.memoryReclaim]] : []),
      ...(run.machineSpeed
        ? [
            ['machine speed probe', `${run.machineSpeed.probe}: median ms (lowest-highest rep), lower is faster`],
            ...run.machineSpeed.readings.map((r) => [`machine speed ${speedReadingWhen(r)}`, describeSpeedReading(r)]),
          ]
        : []),
    ].map(([k, v]) => [[k ?? ''], [v ?? '']]),
  });

  blocks.push({ kind: 'heading', level: 2, text: 'Scenario' });
  const sc = run.scenario;
  blocks.push({
    kind: 'list',
    items: [
      [`name: ${sc.name}; workloads: ${sc.workloads.join(', ')}; backends: ${sc.backends.join(', ')}`],
      [
        `${sc.stepKind === 'rate' ? 'rate steps (open model, latency from the intended send time)' : 'concurrency steps (closed model)'}: ${sc.stepValues.map(formatCount).join(', ')}${sc.stepKind === 'rate' ? ' RPS' : ' connections'}`,
      ],
      [
        `${sc.stepDurationS} s measured per step after ${sc.warmupS} s warm-up; request timeout ${formatCount(sc.requestTimeoutMs)} ms`,
      ],
      [
        `ids: ${sc.idDistribution}; request seed: ${sc.requestSeed ?? sc.seed ?? 'not recorded'}; ${
          sc.method === 'search'
            ? `search from ${formatCount(sc.searchStartRps ?? 1000)} RPS on a grid of ${Math.round((sc.resolution ?? 0.19) * 100)}% steps, at most ${sc.maxSearchSteps ?? 14} steps${
                sc.endMissedStepsAfterS
                  ? `; a step whose miss was certain ended after ${sc.endMissedStepsAfterS} s of its window`
                  : ''
              }`
            : `stop after ${sc.stopAfterFailedSteps || 'no'} consecutive SLO misses`
        }; ${sc.trials ?? 1} trial(s)`,
      ],
      ...sc.mixes.map((m): Inline[] => [
        `${m.workload} mix: `,
        Object.entries(m.weights)
          .map(([t, wt]) => `${t} ×${wt}`)
          .join(', '),
      ]),
    ],
  });

  if (run.notes.length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Notes from the run' });
    blocks.push({ kind: 'list', items: run.notes.map((n) => [n]) });
  }

  blocks.push({ kind: 'heading', level: 2, text: 'How to reproduce' });
  // The folder the run lies in now (a run kept as an example is renamed), not the one it was written to.
  const folder = `${basename(resolve(runDir, '..'))}/${basename(resolve(runDir))}`;
  blocks.push({
    kind: 'code',
    text: `storebench compare --from ${folder}/run.json\n# regenerate this report and its charts from run.json alone:\nstorebench report ${folder}`,
  });
  return blocks;
}

function workloadBlocks(run: ReportRun, w: WorkloadReport, charts: ChartFile[]): Block[] {
  const blocks: Block[] = [];
  blocks.push({ kind: 'heading', level: 2, text: `Workload: ${w.workload}` });
  blocks.push({ kind: 'paragraph', inlines: [`Dataset ${describeDataset(run, w.workload)}.`] });
  const commonLabel =
    w.commonTarget === null ? 'p99 at a common load' : `p99 at ${formatTarget(w.commonTarget, w.kind)}`;
  const recommended = new Set([w.recommendation.backend, ...w.recommendation.tiedWith]);
  let place = 0;
  blocks.push({
    kind: 'table',
    header: [
      'rank',
      'backend',
      'max sustainable (median [interval])',
      'trials',
      'rerun range',
      commonLabel,
      'why the next rate failed',
      'errors',
      'seeding time',
      'size on disk',
      'invalid steps',
    ],
    align: ['right', 'left', 'right', 'right', 'right', 'right', 'left', 'left', 'right', 'right', 'right'],
    rows: w.ranking.map((r) => {
      const eligible = !r.isControl && !r.isCalibration && !r.standIn;
      const rankText = r.isCalibration
        ? 'calibration'
        : r.isControl
          ? 'control'
          : r.standIn
            ? 'stand-in'
            : r.figure?.median === null || !r.figure
              ? '—'
              : String(++place);
      return [
        [rankText],
        [
          {
            text: r.isControl && !r.isCalibration ? `${r.displayName} (control)` : r.displayName,
            strong: eligible && recommended.has(r.backend),
          },
        ],
        [{ text: formatFigure(r.figure, w.kind), strong: eligible && recommended.has(r.backend) }],
        [r.figure ? r.figure.values.map((v) => (v === null ? 'none' : formatRps(v))).join(', ') : '—'],
        [r.rerun ? `[${formatRps(r.rerun.low)}–${formatRps(r.rerun.high)}${r.figure?.openEnded ? '+' : ''}]` : '—'],
        [r.p99AtCommonMs === null ? '—' : formatMs(r.p99AtCommonMs)],
        [r.causes.length > 0 ? r.causes.slice(0, 2).join('; ') : '—'],
        [ladderErrorsCell(r)],
        [r.dataset?.seedDurationS === undefined ? 'not recorded' : formatSeconds(r.dataset.seedDurationS)],
        [
          r.dataset?.sizeOnDiskBytes === undefined
            ? r.isControl
              ? 'in memory'
              : 'not recorded'
            : formatBytes(r.dataset.sizeOnDiskBytes),
        ],
        [r.invalidSteps.length === 0 ? '0' : `${r.invalidSteps.length} of ${r.steps.length}`],
      ];
    }),
  });
  blocks.push({
    kind: 'paragraph',
    inlines: [
      { text: 'Recommendation: ', strong: true },
      w.recommendation.backend === null ? { text: 'none. ', strong: true } : '',
      w.recommendation.reason,
      ...(w.rerun ? [` ${rerunSentence(w.rerun)}`] : []),
    ],
  });
  blocks.push(
    ...flagParagraph(
      'Figures set by a latency tail: ',
      w.ranking.filter((r) => r.tailBound).map((r) => tailText(r, run.scenario.slo.p99Ms)),
      ' Such a figure is decided by where that tail falls against the SLO, not by saturation, and can move a lot from run to run: read its interval, not its median.',
    ),
    ...flagParagraph(
      "Figures that count the API's quiet moments: ",
      w.ranking.filter((r) => r.majorGcBound).map((r) => majorGcText(r)),
      " A major collection's marking shares the API's core with the database and stalls requests for far longer than its reported pause; a rate sustained for longer than a step must absorb it, so read these figures as optimistic. Steps longer than the API's collection period (`--duration`) hold one in every step.",
    ),
  );
  for (const chart of charts.filter((c) => c.workload === w.workload && c.metric !== 'resilience'))
    blocks.push({ kind: 'image', src: chart.relativePath, alt: chart.title });

  const invalid = w.rows.flatMap((r) => r.invalidSteps);
  if (invalid.length > 0) {
    blocks.push({ kind: 'heading', level: 3, text: 'Invalid steps (excluded from the ranking)' });
    blocks.push({
      kind: 'list',
      items: invalid.map((s): Inline[] => [
        { text: `${s.backend} at ${formatTarget(s.target, s.kind)}`, strong: true },
        `: ${s.invalidReasons.join('; ') || 'no reason recorded'}`,
      ]),
    });
  }
  blocks.push({
    kind: 'details',
    summary: `Every step of ${w.workload} (${w.rows.reduce((n, r) => n + r.steps.length, 0)})`,
    blocks: [stepsTable(w)],
  });
  return blocks;
}

/** A paragraph naming the rows a flag applies to and what it means; none when no row has it. */
function flagParagraph(title: string, sentences: string[], meaning: string): Block[] {
  if (sentences.length === 0) return [];
  return [{ kind: 'paragraph', inlines: [{ text: title, strong: true }, sentences.join(' '), meaning] }];
}

/** One row's major-collection dependence in a sentence. */
export function majorGcText(r: BackendRow): string {
  const m = r.majorGcBound!;
  return `${r.displayName}: near its figure, steps with no major collection of the API inside passed ${m.without.passed} of ${m.without.steps}, steps with one ${m.with.passed} of ${m.with.steps}${
    m.periodS === null ? '' : `; the API collected about every ${m.periodS} s and a step measures ${m.stepDurationS} s`
  }.`;
}

/** "cassandra: p99 was already 47 ms (93% of the 50 ms SLO) at 250 RPS, 71% of its median figure (slowest there: PUT … at p50 38 ms)." */
export function tailText(r: BackendRow, sloP99Ms: number): string {
  const t = r.tailBound!;
  const of = r.figure?.median ? `, ${Math.round((t.rps / r.figure.median) * 100)}% of its median figure` : '';
  const slowest = t.slowest
    ? ` (slowest request type there: ${t.slowest.template}, p50 ${formatMs(t.slowest.p50Ms)})`
    : '';
  return `${r.displayName}: p99 was already ${formatMs(t.p99Ms)} (${Math.round(t.share * 100)}% of the ${formatMs(sloP99Ms)} SLO) at ${formatRps(t.rps)} RPS${of}${slowest}.`;
}

function stepsTable(w: WorkloadReport): Block {
  // Rows are named as readers see them: a stand-in as a stand-in.
  const names = new Map(w.rows.map((r) => [r.backend, r.displayName]));
  const steps: StepResult[] = w.rows.flatMap((r) =>
    [...r.steps].sort((a, b) => (a.trial ?? 1) - (b.trial ?? 1) || a.target - b.target),
  );
  return {
    kind: 'table',
    header: [
      'backend',
      'trial',
      w.kind === 'rate' ? 'offered RPS' : 'connections',
      'achieved RPS',
      'p50',
      'p99',
      'max',
      'errors',
      'valid',
      'SLO',
    ],
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    rows: steps.map((s) => [
      [names.get(s.backend) ?? s.backend],
      [
        s.trial === undefined
          ? '1'
          : `${s.trial}${s.searchPhase && s.searchPhase !== 'bracket' ? ` (${s.searchPhase})` : ''}`,
      ],
      [formatCount(s.target)],
      [formatRps(s.achievedRps)],
      [formatMs(s.latencyMs.p50)],
      [formatMs(s.latencyMs.p99)],
      [formatMs(s.latencyMs.max)],
      [formatPercent(s.errors.rate)],
      [s.valid ? 'yes' : { text: `INVALID: ${s.invalidReasons.join('; ')}`, strong: true }],
      [
        s.slo.met
          ? 'met'
          : `missed: ${s.slo.reasons.join('; ')}${s.cause ? ` — likely cause: ${s.cause}` : ''}${
              s.endedEarly ? ` (${endedEarlyText(s.endedEarly)}: ${s.endedEarly.reason})` : ''
            }`,
      ],
    ]),
  };
}

/** Errors at the sustainable step (what the ranking stands on), then over the whole ladder by class. */
function ladderErrorsCell(r: BackendRow): string {
  const best = r.steps.find((s) => s.target === r.sustainable.atTarget && s.valid && s.slo.met);
  const atBest = best ? `${formatPercent(best.errors.rate)} at the sustainable step; ` : '';
  const ladder = r.errors.total === 0 ? '0' : `${formatPercent(r.errors.rate)} (${r.errors.classes})`;
  return `${atBest}${ladder} over the whole ladder`;
}

function trialCount(run: ReportRun): string {
  const n = run.scenario.trials ?? 1;
  return n === 1 ? '1 trial (no spread measured: repeat the run, or use --trials)' : `${n} interleaved trials`;
}

function apiPerTrialText(run: ReportRun): string {
  if ((run.scenario.trials ?? 1) < 2) return '';
  // What was done, not what was asked for: servers of your own and clusters are never restarted.
  const restarted = new Set(
    (run.preparation ?? []).filter((p) => p.actions.some((a) => a.startsWith(RESTART_ACTION))).map((p) => p.backend),
  );
  const databases = Object.keys(run.environment.serverVersions).some((k) => k !== 'storebench');
  const names = [...restarted];
  const which =
    names.length === 1
      ? `the database server of ${names[0]} was`
      : `the database servers of ${names.slice(0, -1).join(', ')} and ${names.at(-1)} were`;
  const database =
    restarted.size > 0
      ? ` Before every trial, ${which} restarted on the same data and warmed up again, so those trials also sample how much one database process differs from the next.`
      : databases
        ? ' Every database kept one process for all trials (paused in between): the spread from one database process to the next is not in the trials.'
        : '';
  return run.scenario.apiPerTrial === 'fresh'
    ? `Every trial started new API processes, so the trials also sample how much one API process differs from the next.${database}`
    : `All trials of a backend measured the same API processes (paused in between): the spread from one API process to the next is not in the trials, only in the A/A twin.${database}`;
}

/** What the trials ran before their first step to draw their GC phase; nothing when no trial shifted it. */
function phaseShiftText(run: ReportRun): string {
  const shifts = (run.trials ?? []).flatMap((t) => (t.phaseShift ? [t.phaseShift.seconds] : []));
  if (shifts.length === 0) return '';
  const seed = run.scenario.phaseSeed === undefined ? '' : `, phase seed ${run.scenario.phaseSeed}`;
  return ` Before its first step every trial ran unmeasured load at its start rate (half of it in a first trial) for a random time, up to about one major garbage-collection period of its API (at most ${run.scenario.phaseShiftMaxS ?? 0} s; here ${Math.min(...shifts)}-${Math.max(...shifts)} s, median ${lowerMedian(shifts)} s${seed}), so the trials do not meet their collections at the same steps.`;
}

/**
 * The disk during the steps that had a database: the probe's small durable writes (4 KiB + fdatasync
 * every 100 ms), their median over the steps' medians, the slowest, and the steps with a sync long
 * enough to decide p99 (half the SLO's p99). Nothing when no step was probed.
 */
export function diskItems(run: ReportRun): Inline[][] {
  const probed = run.steps.filter((s) => s.machine?.diskSync);
  if (probed.length === 0) return [];
  const medians = probed.map((s) => s.machine!.diskSync!.p50Ms);
  const slowest = Math.max(...probed.map((s) => s.machine!.diskSync!.maxMs));
  const floor = stallFloorMs(run.scenario.slo);
  const stalled = probed.filter((s) => s.machine!.diskSync!.maxMs >= floor).length;
  const syncs = probed.reduce((n, s) => n + s.machine!.diskSync!.count, 0);
  return [
    [
      { text: 'Disk: ', strong: true },
      `${syncs.toLocaleString('en-US')} timed 4 KiB write + fdatasync in the ${probed.length} steps with a database: median ${lowerMedian(medians)} ms, slowest ${slowest} ms; ${stalled} of ${probed.length} steps saw a sync of ${floor} ms or more.`,
    ],
  ];
}

/**
 * The page cache: what was read into it before each trial of each workload (`--page-cache warm`), how much
 * of that storage had to give (evicted while the target waited), and the steps that still read from
 * storage. Nothing when neither was recorded.
 */
export function pageCacheItems(run: ReportRun): Inline[][] {
  const warmed = (run.trials ?? []).flatMap((t) => (t.pageCache ? [t.pageCache] : []));
  const sampled = run.steps.filter((s) => s.machine?.storageRead);
  if (warmed.length === 0 && sampled.length === 0) return [];
  const range = (values: number[]) => `${Math.min(...values)}-${Math.max(...values)} (median ${lowerMedian(values)})`;
  const parts: string[] = [];
  if (warmed.length > 0) {
    const fromStorage = warmed.flatMap((w) => (w.fromStorageMiB === undefined ? [] : [w.fromStorageMiB]));
    parts.push(
      `before each trial of each workload, the target's files (its database's data directory, every file its processes map) were read into the page cache: ${warmed.length} readings of ${range(warmed.map((w) => w.mib))} MiB${
        fromStorage.length > 0
          ? `, of which storage had to give ${range(fromStorage)} MiB (evicted while the target waited)`
          : ''
      }, each in at most ${Math.max(...warmed.map((w) => w.seconds))} s.`,
    );
  } else if (run.scenario.pageCache === 'as-is') {
    parts.push('the page cache was left as it was before each trial (--page-cache as-is).');
  }
  if (sampled.length > 0) {
    const reading = sampled.filter((s) => s.machine!.storageRead!.mib >= 1);
    const most = Math.max(0, ...sampled.map((s) => s.machine!.storageRead!.mib));
    parts.push(
      `${reading.length} of ${sampled.length} steps read 1 MiB or more from storage during their window${reading.length > 0 ? ` (most: ${most} MiB)` : ''}.`,
    );
  }
  const reclaim = run.environment.memoryReclaim
    ? ` This machine's kernel evicts idle memory: ${run.environment.memoryReclaim}.`
    : '';
  return [[{ text: 'Page cache: ', strong: true }, `${parts.join(' ')}${reclaim}`]];
}

/** The control row's CPU per request: how fast the machine ran during this run's own steps. */
function controlCostItems(run: ReportRun): Inline[][] {
  const cost = controlCost(run);
  if (!cost) return [];
  return [
    [
      { text: 'Machine speed under load: ', strong: true },
      `the memory control row's API used ${controlCostText(cost)} of CPU per answered request. It does the same work in every run, so it says how fast the machine ran during this run's steps; two runs of one command are read against it by storebench report --repeat (docs/reproducibility.md, thirteenth round).`,
    ],
  ];
}

/** The rerun check's method and the curves it drew from, once for the run. */
function rerunItems(workloads: WorkloadReport[]): Inline[][] {
  const checked = workloads.filter((w) => w.rerun);
  if (checked.length === 0) return [];
  const curves = checked.map(
    (w) =>
      `${w.workload}: ${Object.entries(w.rerun!.curves)
        .map(
          ([b, c]) =>
            `${b} meets the SLO half the time at ${formatRps(c.center)} RPS (width ${c.width}, ${c.steps} steps)`,
        )
        .join(', ')}`,
  );
  return [
    [
      { text: 'Rerun check: ', strong: true },
      `how often each verdict would come out again: ${RERUN_METHOD}. Fitted: ${curves.join('; ')}.`,
    ],
  ];
}

/** The rerun check as a sentence; a verdict that would often change says so. */
function rerunSentence(check: RerunCheck): string {
  const fragile =
    check.same < 0.8 ? ' A second run may well give another verdict: more trials or longer steps would settle it.' : '';
  return `Rerun check: ${rerunText(check)}.${fragile}`;
}

/** How far the figures can be trusted: the calibration, the trials, placement and preparation. */
function reproducibilityBlocks(run: ReportRun, workloads: WorkloadReport[]): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Reproducibility' }];
  const floor = noiseFloor(run);
  const c = run.calibration;
  blocks.push({
    kind: 'list',
    items: [
      [
        { text: 'Trials: ', strong: true },
        `${trialCount(run)}; the order of the backends rotates from trial to trial, so slow drift of the machine hits all of them alike. ${apiPerTrialText(run)}${phaseShiftText(run)}`,
      ],
      [{ text: 'Headline figures: ', strong: true }, `${INTERVAL_METHOD}.`],
      ...rerunItems(workloads),
      [
        { text: 'Noise floor: ', strong: true },
        `${Math.round(floor.fraction * 100)}%, from ${floor.source}.`,
        c
          ? ` A/A: ${c.labels[0]} and ${c.labels[1]} on ${c.workload}, trial figures ${c.values.map(formatRps).join(', ')} RPS (single trials max / min ${Math.round(c.spread * 100)}% apart), verdict ${c.verdict}${c.verdict === 'tie' ? '' : ' (the same system called different: distrust this run)'}.`
          : '',
      ],
      ...(c?.sensitivity
        ? [
            [
              { text: 'Sensitivity: ', strong: true },
              `${c.labels[0]} against ${c.sensitivity.label} (a known extra cost sized to cut capacity by a third): ${c.sensitivity.verdict === 'faster' ? 'found faster, as it must be' : `${c.sensitivity.verdict} (the method did not see a real difference: distrust its ties)`}${c.sensitivity.ratio === undefined ? '' : `, ratio ${c.sensitivity.ratio} (sized for ${c.sensitivity.expectedRatio})`}; ${c.sensitivity.reason}.`,
            ] as Inline[],
          ]
        : []),
      [
        { text: 'Interference: ', strong: true },
        `every step samples the whole machine; a step in which processes outside the run took more than ${run.scenario.interferenceLimitPercent ?? 10}% of a core, or the load generator was the limit, is invalid, repeated, and never counted.`,
      ],
      ...diskItems(run),
      ...pageCacheItems(run),
      ...controlCostItems(run),
    ],
  });
  if (run.preparation && run.preparation.length > 0) {
    blocks.push({
      kind: 'table',
      header: ['backend', 'prepared before measuring', 'seconds'],
      rows: run.preparation.map((p) => [
        [`${displayName(run, p.backend)}${p.trial === undefined ? '' : `, trial ${p.trial}`}`],
        [p.actions.join('; ')],
        [String(p.seconds)],
      ]),
    });
  }
  return blocks;
}
