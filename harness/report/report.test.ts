import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { run as reportCli } from '../cli/report.ts';
import { buildWorkloadReports, renderComparison, renderReport, verdictText, type RenderedReport } from './index.ts';
import { speedDifference } from './comparison.ts';
import { majorGcBound, tailBound } from './model.ts';
import { diskItems, majorGcText, pageCacheItems, tailText } from './run-report.ts';
import { syntheticRun } from './synthetic-run.fixture.ts';
import type { StepResult } from '../results/index.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** PNG width and height from the IHDR chunk. */
function pngSize(buffer: Buffer): { width: number; height: number } {
  assert.equal(buffer.subarray(1, 4).toString('ascii'), 'PNG', 'not a PNG');
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

describe('report', () => {
  let root: string;
  let runDir: string;
  let report: RenderedReport;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'storebench-report-'));
    runDir = join(root, 'results', '20261123-040000-test');
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, 'run.json'), JSON.stringify(syntheticRun({ trials: 3 }), null, 2));
    report = await renderReport(runDir);
  });

  after(() => console.log(`report test output kept in ${root}`));

  test('writes one chart per workload and metric, report.md and report.html', async () => {
    const names = report.charts.map((c) => c.relativePath).sort();
    assert.deepEqual(names, [
      'charts/catalog-errors.png',
      'charts/catalog-latency.png',
      'charts/catalog-sustainable.png',
      'charts/catalog-throughput.png',
      'charts/overview-errors.png',
      'charts/overview-latency.png',
      'charts/overview-sustainable.png',
      'charts/overview-throughput.png',
    ]);
    for (const chart of report.charts) {
      const png = await readFile(join(runDir, chart.relativePath));
      assert.deepEqual(pngSize(png), { width: 1000, height: 600 });
      // a blank canvas compresses to a few KB; lines, labels and captions make it far bigger
      assert.ok(png.length > 20_000, `${chart.relativePath} looks empty (${png.length} bytes)`);
    }
    assert.ok((await stat(join(runDir, 'report.md'))).size > 0);
    assert.ok((await stat(join(runDir, 'report.html'))).size > 0);
  });

  test('recommends the backend whose interval lies above the others beyond the noise floor, never the control row', () => {
    const catalog = report.workloads.find((w) => w.workload === 'catalog');
    assert.ok(catalog);
    // medians of 3 trials: memory 6,727 (control) and its A/A twin, postgres 2,378, cassandra 1,414
    assert.equal(catalog.recommendation.backend, 'postgres');
    assert.deepEqual(catalog.recommendation.tiedWith, []);
    assert.deepEqual(
      catalog.ranking.map((r) => r.backend),
      ['postgres', 'cassandra', 'memory (A/A twin)', 'memory'],
    );
    assert.match(catalog.recommendation.reason, /interval lies wholly above cassandra's and its median is 1\.68×/);
    const postgres = catalog.rows.find((r) => r.backend === 'postgres')!;
    assert.deepEqual([postgres.figure?.median, postgres.figure?.low, postgres.figure?.high], [2378, 2378, 2828]);
  });

  test('overlapping intervals are reported as a tie showing both intervals', () => {
    const overview = report.workloads.find((w) => w.workload === 'overview');
    assert.ok(overview);
    assert.equal(overview.recommendation.backend, 'cassandra');
    assert.deepEqual(overview.recommendation.tiedWith, ['postgres']);
    assert.match(
      overview.recommendation.reason,
      /^Tie: cassandra 2,378 RPS \[2,000–2,828\].*postgres 2,000 RPS \[2,000–2,378\]/,
    );
  });

  test('report.md: summary, invalid steps, backends not run, profiles, environment, reproduce, relative images', async () => {
    const md = await readFile(join(runDir, 'report.md'), 'utf8');
    assert.match(md, /\*\*catalog: postgres\*\*/);
    assert.match(md, /\*\*overview: tie: cassandra, postgres\*\*/);
    assert.match(
      md,
      /\| 1 \| \*\*postgres\*\* \| \*\*2,378 RPS \\\[2,378–2,828\\\] \(median of 3 trials\)\*\* \| 2,378, 2,378, 2,378 \| \\\[2,000–2,828\\\] \|/,
    );
    assert.match(md, /memory at 8,000 RPS offered\*\*: load generator CPU/);
    assert.match(
      md,
      /Noise floor:\*\* \d+%, from the medians of memory and its twin on catalog in this run lay \d+% apart; the floor is that, at least one step of the search grid \(19%\)/,
    );
    assert.match(md, /a 61 ms garbage-collection pause in the API process/);
    assert.match(md, /\| \*\*mongo\*\* \| mongo: could not be provisioned/);
    assert.match(md, /\*\*failed:\*\* clinic flame exited with code 1/);
    assert.match(md, /\[cassandra-overview-2000\.doctor\.html\]\(profiles\/cassandra-overview-2000\.doctor\.html\)/);
    assert.match(md, /AMD EPYC 7B13, 2 logical cores/);
    assert.match(
      md,
      /\| machine speed at the start \| fixed work 101\.5 ms on CPU 0 \(system under test; 99\.2-110\.4\), 100\.1 ms on CPU 1 \(load generator; 98\.7-104\); fsync p50 0\.41 ms, max 2\.3 ms \|/,
    );
    assert.match(md, /\| machine speed probe \| storebench cpu probe 1 \(synthetic\): median ms/);
    assert.match(md, /storebench compare --from results\/20261123-040000-test\/run\.json/);
    assert.match(md, /!\[catalog: latency percentiles vs load\]\(charts\/catalog-latency\.png\)/);
    assert.match(md, /\| 14\.2 s \| 46\.0 MiB \|/, 'seeding time and size on disk of postgres/catalog');
    // Each verdict says how often simulated reruns gave it again, and the method is stated once.
    assert.match(md, /\*\*catalog: postgres\*\* — .*Rerun check: the same verdict in \d+% of 1,000 simulated reruns/);
    assert.match(
      md,
      /\*\*Rerun check:\*\* how often each verdict would come out again: .*postgres meets the SLO half the time at/,
    );
  });

  test('a run kept under another folder name is reproduced from that folder, not from its run id', async () => {
    const kept = join(root, 'results', 'example-kept');
    await mkdir(kept, { recursive: true });
    await writeFile(join(kept, 'run.json'), await readFile(join(runDir, 'run.json')));
    const md = await readFile((await renderReport(kept)).markdownPath, 'utf8');
    assert.match(
      md,
      /storebench compare --from results\/example-kept\/run\.json\n.*\nstorebench report results\/example-kept\n/,
    );
  });

  test('the preparation and step tables name the MongoDB-wire stand-in as a stand-in, like every other table', async () => {
    const dir = join(root, 'results', '20261123-040001-stand-in');
    await mkdir(dir, { recursive: true });
    const run = syntheticRun({ trials: 1 });
    run.environment.serverVersions.mongo = 'mongo-java-server 1.46.0 (MongoDB wire protocol, journaled)';
    // The stand-in measured: postgres's catalog steps under its name.
    run.steps.push(
      ...run.steps
        .filter((s) => s.backend === 'postgres' && s.workload === 'catalog')
        .map((s) => ({ ...s, backend: 'mongo' })),
    );
    run.preparation!.push({
      backend: 'mongo',
      actions: ["JIT of the database's JVM: 2 more warm-up pass(es)"],
      seconds: 18.1,
    });
    // Done again before every trial: the row names its trial.
    run.preparation!.push({ backend: 'mongo', trial: 2, actions: ["JIT of the database's JVM: 1 more"], seconds: 9 });
    await writeFile(join(dir, 'run.json'), JSON.stringify(run));
    await renderReport(dir);
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    assert.match(
      md,
      /\| MongoDB-wire stand-in \(mongo-java-server\) \| JIT of the database's JVM: 2 more warm-up pass\(es\) \| 18\.1 \|/,
    );
    assert.match(
      md,
      /\| MongoDB-wire stand-in \(mongo-java-server\), trial 2 \| JIT of the database's JVM: 1 more \| 9 \|/,
    );
    assert.doesNotMatch(md, /^\| mongo \|/m);
    // The per-step tables name it too (they printed plain "mongo").
    assert.match(md, /^\| MongoDB-wire stand-in \(mongo-java-server\) \| 1 \|/m);
  });

  test('report.html is self-contained: images inlined, no external references', async () => {
    const html = await readFile(join(runDir, 'report.html'), 'utf8');
    const images = [...html.matchAll(/<img src="([^"]*)"/g)].map((m) => m[1] ?? '');
    assert.equal(images.length, 8);
    for (const src of images) assert.match(src, /^data:image\/png;base64,/);
    assert.doesNotMatch(html, /<link |<script /);
  });

  test('report.html loads in headless Chromium without errors and shows every chart', async (t) => {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI === 'true') assert.fail(`${CHROMIUM} is missing (apt-get install chromium)`);
      console.warn(`SKIPPED: ${CHROMIUM} not found; install Debian's chromium to run the HTML check`);
      t.skip(`${CHROMIUM} not found`);
      return;
    }
    const profile = await mkdtemp(join(root, 'chromium-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1200, height: 900 },
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
      page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
      await page.goto(`file://${join(runDir, 'report.html')}`, { waitUntil: 'load' });
      const widths = await page.$$eval('img', (imgs) =>
        imgs.map((img) => ({ complete: img.complete, width: img.naturalWidth })),
      );
      assert.equal(widths.length, 8);
      for (const img of widths) {
        assert.ok(img.complete);
        assert.equal(img.width, 1000);
      }
      assert.equal(await page.title(), 'storebench 20261123-040000-test');
      const screenshot = join(root, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      assert.ok((await stat(screenshot)).size > 50_000, 'screenshot too small to show the report');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('before/after comparison names the changes and warns when runs are not like for like', async () => {
    const afterDir = join(root, 'results', '20261124-040000-after');
    await mkdir(afterDir, { recursive: true });
    const later = syntheticRun({ runId: '20261124-040000-after', capacityScale: 2 });
    later.environment.cores = 4;
    // The before run (trials: 3) carries the probe's readings: 101.5 ms at the start on the system under test's CPU.
    later.machineSpeed = syntheticRun({ trials: 3 }).machineSpeed;
    later.machineSpeed!.readings[0]!.cpus[0]!.medianMs = 150;
    await writeFile(join(afterDir, 'run.json'), JSON.stringify(later));
    const outDir = join(root, 'results', 'compare');
    const comparison = await renderComparison(runDir, afterDir, outDir);
    const md = await readFile(comparison.markdownPath, 'utf8');
    // capacity doubled: postgres/catalog now sustains 4,000 RPS
    assert.match(md, /\| postgres \| 1,996 → 3,992 \(\+100%, better\)/);
    assert.match(md, /different machines: AMD EPYC 7B13 × 2 vs AMD EPYC 7B13 × 4/);
    assert.match(
      md,
      /machines of different speed: the speed probe's fixed work took 101\.5 ms vs 150 ms on the system under test's CPU \(\+48%\)/,
    );
    assert.equal(comparison.charts.length, 4);
    const html = await readFile(comparison.htmlPath, 'utf8');
    assert.equal([...html.matchAll(/<img src="data:image\/png;base64,/g)].length, 4);
  });

  test('a speed difference is named only beyond 20% either way, between readings of the same probe and role', () => {
    const withSut = (medianMs: number, role = 'system under test', probe = 'storebench cpu probe 1 (synthetic)') => {
      const run = syntheticRun({ trials: 3 });
      run.machineSpeed!.probe = probe;
      run.machineSpeed!.readings[0]!.cpus[0] = { ...run.machineSpeed!.readings[0]!.cpus[0]!, medianMs, role };
      return run;
    };
    assert.equal(speedDifference(withSut(100), withSut(120)), undefined, '20% slower: within the tolerance');
    assert.equal(speedDifference(withSut(120), withSut(100)), undefined, 'the same, the other way round');
    assert.match(speedDifference(withSut(121), withSut(100)) ?? '', /took 121 ms vs 100 ms .* \(-17%\)/);
    assert.equal(speedDifference(withSut(100), withSut(150, 'shared')), undefined, 'pinned against unpinned');
    assert.equal(speedDifference(withSut(100), withSut(150, undefined, 'another probe')), undefined);
    const before = syntheticRun();
    assert.equal(before.machineSpeed, undefined);
    assert.equal(speedDifference(before, withSut(150)), undefined, 'a run from before the probe');
  });

  test('storebench report regenerates from run.json alone and fails clearly without one', async () => {
    const again = join(root, 'results', 'copy');
    await mkdir(again, { recursive: true });
    await writeFile(join(again, 'run.json'), await readFile(join(runDir, 'run.json')));
    const log = console.log;
    console.log = () => {}; // keep the CLI's progress lines out of the test output
    try {
      assert.equal(await reportCli([again]), 0);
    } finally {
      console.log = log;
    }
    assert.ok(existsSync(join(again, 'report.html')));
    assert.ok(existsSync(join(again, 'charts', 'overview-errors.png')));
    const error = console.error;
    console.error = () => {};
    try {
      assert.equal(await reportCli([join(root, 'nowhere')]), 1);
      assert.equal(await reportCli([]), 2);
    } finally {
      console.error = error;
    }
  });
});

describe('recommendation edge cases', () => {
  test('the verdict in words: a backend, a tie naming every tied backend, or none', () => {
    assert.equal(verdictText({ backend: 'postgres', tiedWith: [] }), 'postgres');
    assert.equal(verdictText({ backend: 'cassandra', tiedWith: ['postgres'] }), 'tie (cassandra, postgres)');
    // The same tie reads the same whichever backend had the higher median in this run.
    assert.equal(verdictText({ backend: 'postgres', tiedWith: ['cassandra'] }), 'tie (cassandra, postgres)');
    assert.equal(verdictText({ backend: null, tiedWith: [] }), 'none');
  });

  test('no recommendation when no database backend met the SLO at a valid step', () => {
    const run = syntheticRun({ capacityScale: 0.05 });
    const catalog = buildWorkloadReports(run).find((w) => w.workload === 'catalog');
    assert.ok(catalog);
    assert.equal(catalog.recommendation.backend, null);
    assert.match(catalog.recommendation.reason, /^No recommendation: cassandra, postgres did not meet the SLO/);
  });

  test('invalid steps never count, even when they met the SLO', () => {
    const run = syntheticRun();
    // postgres' best step (2,000 RPS) becomes invalid: its sustainable figure must fall to 1,000 RPS
    for (const s of run.steps)
      if (s.backend === 'postgres' && s.workload === 'catalog' && s.target === 2000) {
        s.valid = false;
        s.invalidReasons = ['load generator starved'];
      }
    run.summary = [];
    const catalog = buildWorkloadReports(run).find((w) => w.workload === 'catalog');
    const postgres = catalog?.rows.find((r) => r.backend === 'postgres');
    assert.equal(postgres?.sustainable.atTarget, 1000);
    assert.deepEqual(catalog?.recommendation.tiedWith, ['cassandra']);
  });

  test('the disk line summarises the probe of the steps with a database; none without a probe', () => {
    const run = syntheticRun();
    assert.deepEqual(diskItems(run), []);
    const probed = run.steps.filter((s) => s.backend === 'postgres').slice(0, 3);
    const machine = { cores: 2, busyPercentAvg: 50, stealPercentAvg: 0, otherPercentAvg: 0, topOthers: [], samples: 6 };
    probed.forEach((s, i) => {
      s.machine = { ...machine, diskSync: { count: 30, p50Ms: [0.08, 0.1, 0.09][i]!, maxMs: [0.4, 71.2, 3][i]! } };
    });
    const text = JSON.stringify(diskItems(run));
    assert.match(
      text,
      /90 timed 4 KiB write \+ fdatasync in the 3 steps with a database: median 0.09 ms, slowest 71.2 ms; 1 of 3 steps saw a sync of 25 ms or more/,
    );
  });

  test('the page-cache line: what was read before the trials, what storage gave, the steps that still read', () => {
    const run = syntheticRun();
    assert.deepEqual(pageCacheItems(run), []);
    run.trials = [
      {
        backend: 'postgres',
        workload: 'usages',
        trial: 1,
        pass: 1000,
        fail: 1189,
        steps: 5,
        pageCache: { files: 9, mib: 380, fromStorageMiB: 3.1, seconds: 0.2 },
      },
      {
        backend: 'postgres',
        workload: 'usages',
        trial: 2,
        pass: 1000,
        fail: 1189,
        steps: 4,
        pageCache: { files: 9, mib: 382, fromStorageMiB: 39.4, seconds: 0.3 },
      },
    ];
    const machine = { cores: 2, busyPercentAvg: 50, stealPercentAvg: 0, otherPercentAvg: 0, topOthers: [], samples: 6 };
    run.steps.slice(0, 3).forEach((s, i) => {
      s.machine = { ...machine, storageRead: { mib: [0.2, 5.5, 0][i]!, majorFaults: 0 } };
    });
    run.environment.memoryReclaim = 'DAMON (kdamond 0) pages out memory not accessed for 60 s or more';
    const text = JSON.stringify(pageCacheItems(run));
    assert.match(
      text,
      /2 readings of 380-382 \(median 380\) MiB, of which storage had to give 3.1-39.4 \(median 3.1\) MiB/,
    );
    assert.match(text, /1 of 3 steps read 1 MiB or more from storage during their window \(most: 5.5 MiB\)/);
    assert.match(text, /evicts idle memory: DAMON \(kdamond 0\) pages out memory not accessed for 60 s/);
  });

  test("a figure whose steps passed only between the API's major collections is flagged as optimistic", () => {
    const step = (target: number, met: boolean, majors: number | undefined) =>
      ({
        kind: 'rate',
        target,
        valid: true,
        durationS: 3,
        slo: { met, reasons: [] },
        ...(majors !== undefined && {
          pauses: { api: { gcCount: 12, gcTotalMs: 90, gcMaxMs: 9, majorGcCount: majors } },
        }),
      }) as unknown as StepResult;
    const figure = {
      backend: 'cassandra',
      workload: 'catalog',
      values: [1000, 1189, 1000],
      median: 1000,
      low: 1000,
      high: 1414,
      openEnded: false,
      coverage: 0.75,
    };
    // Cassandra's catalog steps of 3 s: passing whenever no major collection fell inside, missing when one did.
    const alternating = [
      step(500, true, 1),
      step(841, true, 0),
      step(1000, false, 1),
      step(1000, true, 0),
      step(1189, true, 0),
      step(1189, false, 1),
      step(1414, false, 1),
    ];
    const bound = majorGcBound(alternating, figure);
    assert.deepEqual(bound, {
      without: { steps: 3, passed: 3 },
      with: { steps: 3, passed: 0 },
      periodS: 5.3,
      stepDurationS: 3,
      collectedMiss: 1000,
    });
    const row = { displayName: 'cassandra', majorGcBound: bound } as never;
    assert.equal(
      majorGcText(row),
      'cassandra: near its figure, steps with no major collection of the API inside passed 3 of 3, steps with one 0 of 3; the API collected about every 5.3 s and a step measures 3 s.',
    );
    // Collections that make no difference, or steps recorded before the count existed: no flag.
    const even = alternating.map((s) => step(s.target, s.slo.met, 1));
    assert.equal(majorGcBound(even, figure), null);
    assert.equal(
      majorGcBound(
        alternating.map((s) => step(s.target, s.slo.met, undefined)),
        figure,
      ),
      null,
    );
  });

  test('a figure whose p99 was near the SLO well below it is flagged as set by its latency tail', () => {
    const step = (target: number, p99: number, met = true, writeP50 = 38.6) =>
      ({
        kind: 'rate',
        target,
        valid: true,
        slo: { met, reasons: [] },
        latencyMs: { p99 },
        byTemplate: {
          'GET /api/overview/:id': { count: 500, errors: 0, p50: 1.4, p99: 16, max: 24 },
          'POST /api/overview': { count: 50, errors: 0, p50: writeP50, p99: 57, max: 58 },
        },
      }) as unknown as StepResult;
    // Passing from 250 to 420 RPS with p99 46-48 ms: the tail, not saturation, decides the figure of 354.
    const tail = [step(1000, 160, false), step(500, 67, false), step(250, 46.6), step(354, 44), step(420, 48)];
    const bound = tailBound(tail, 354, 50);
    assert.deepEqual(bound, {
      rps: 250,
      p99Ms: 46.6,
      share: 0.93,
      slowest: { template: 'POST /api/overview', p50Ms: 38.6 },
    });
    // A backend whose p99 was low well below its figure is not flagged, nor one with no step that low.
    assert.equal(tailBound([step(500, 20), step(1000, 35), step(1189, 58, false)], 1000, 50), null);
    assert.equal(tailBound([step(1000, 45), step(1189, 58, false)], 1000, 50), null);
    assert.equal(tailBound(tail, null, 50), null);
    const row = { displayName: 'cassandra', figure: { median: 354 }, tailBound: bound } as unknown as Parameters<
      typeof tailText
    >[0];
    assert.equal(
      tailText(row, 50),
      'cassandra: p99 was already 46.6 ms (93% of the 50.0 ms SLO) at 250 RPS, 71% of its median figure (slowest request type there: POST /api/overview, p50 38.6 ms).',
    );
  });
});
